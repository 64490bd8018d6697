import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Repository } from 'typeorm';
import { MetricsService } from '../metrics/metrics.service.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';

/** `succeeded`; `retrying`: failed, another attempt is scheduled; `failed`: failed for good. */
export type AttemptOutcome = 'succeeded' | 'retrying' | 'failed';

@Injectable()
export class WebhookMetrics {
  private readonly attempts: Counter<'outcome'>;
  private readonly latency: Histogram<'outcome'>;

  constructor(metrics: MetricsService, @InjectRepository(WebhookDelivery) deliveries: Repository<WebhookDelivery>) {
    this.attempts = new Counter({
      name: 'webhook_deliveries_total',
      help: 'Webhook delivery attempts by outcome (succeeded, retrying, failed)',
      labelNames: ['outcome'],
      registers: [metrics.registry],
    });
    this.latency = new Histogram({
      name: 'webhook_delivery_duration_seconds',
      help: 'Duration of webhook delivery attempts, from connect to response (or error)',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [metrics.registry],
    });
    new Gauge({
      name: 'webhook_queue_depth',
      help: 'Pending webhook deliveries (due now or scheduled for a retry)',
      registers: [metrics.registry],
      async collect() {
        try {
          this.set(await deliveries.countBy({ status: 'pending' }));
        } catch {
          // database unavailable (shutting down): keep the last figure
        }
      },
    });
  }

  observe(outcome: AttemptOutcome, durationMs: number): void {
    this.attempts.inc({ outcome });
    this.latency.observe({ outcome: outcome === 'succeeded' ? 'succeeded' : 'failed' }, durationMs / 1000);
  }
}
