import { type DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config/app-config.js';
import { EventRecord } from '../events/event.entity.js';
import { BullmqDeliveryQueue } from './bullmq-delivery.queue.js';
import { DeliveryDispatcher } from './delivery-dispatcher.js';
import { DeliveryQueue } from './delivery-queue.js';
import { EventRelay } from './event-relay.js';
import { InProcessDeliveryQueue } from './in-process-delivery.queue.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';
import { WebhookMetrics } from './webhook-metrics.js';
import { WebhookSender } from './webhook-sender.js';
import { WebhookUrlPolicy } from './webhook-url.policy.js';
import { Webhook } from './webhook.entity.js';
import { WebhooksController } from './webhooks.controller.js';
import { WebhooksService } from './webhooks.service.js';

/**
 * Webhook subscriptions and the delivery pipeline: events → {@link EventRelay} → `webhook_deliveries` →
 * {@link DeliveryQueue} (BullMQ with REDIS_URL, in-process otherwise) → {@link DeliveryDispatcher} → receiver.
 */
@Module({})
export class WebhooksModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WebhooksModule,
      imports: [TypeOrmModule.forFeature([Webhook, WebhookDelivery, EventRecord])],
      controllers: [WebhooksController],
      providers: [
        WebhooksService,
        WebhookUrlPolicy,
        WebhookSender,
        WebhookMetrics,
        DeliveryDispatcher,
        EventRelay,
        { provide: DeliveryQueue, useClass: config.redisUrl ? BullmqDeliveryQueue : InProcessDeliveryQueue },
      ],
    };
  }
}
