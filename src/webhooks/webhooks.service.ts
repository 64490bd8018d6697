import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { Clock } from '../common/clock.js';
import { AppException, type FieldError, fieldError } from '../common/errors/app.exception.js';
import { isId, newId } from '../common/ids.js';
import { runListQuery } from '../common/query/apply-list-query.js';
import type { ListQuery } from '../common/query/list-query.js';
import type { Page } from '../common/query/page.js';
import { DatabaseService } from '../database/database.service.js';
import { EventRecord } from '../events/event.entity.js';
import { EventsService } from '../events/events.service.js';
import {
  DELIVERY_LIST,
  type DeliveryView,
  failPendingDeliveries,
  insertDeliveries,
  newDelivery,
  toDeliveryView,
} from './delivery-log.js';
import { DeliveryQueue } from './delivery-queue.js';
import { isValidEventFilter } from './event-filter.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';
import { generateWebhookSecret, isValidWebhookSecret } from './webhook-signature.js';
import { WebhookUrlPolicy } from './webhook-url.policy.js';
import { Webhook } from './webhook.entity.js';
import { toWebhookView, WEBHOOK_LIST, type WebhookView, type WebhookWithSecret } from './webhook.view.js';
import type { CreateWebhookDto, PatchWebhookDto, RotateSecretDto } from './webhooks.schemas.js';

@Injectable()
export class WebhooksService {
  constructor(
    @InjectRepository(Webhook) private readonly webhooks: Repository<Webhook>,
    @InjectRepository(WebhookDelivery) private readonly deliveries: Repository<WebhookDelivery>,
    private readonly db: DatabaseService,
    private readonly events: EventsService,
    private readonly clock: Clock,
    private readonly urlPolicy: WebhookUrlPolicy,
    private readonly queue: DeliveryQueue,
  ) {}

  list(query: ListQuery): Promise<Page<Partial<WebhookView>>> {
    return runListQuery(this.webhooks.createQueryBuilder('w'), query, WEBHOOK_LIST, toWebhookView);
  }

  async get(id: string): Promise<WebhookView> {
    return toWebhookView(await this.find(this.webhooks.manager, id));
  }

  /** The secret (given, or generated as `whsec_…`) is in this response only. */
  async create(dto: CreateWebhookDto): Promise<WebhookWithSecret> {
    await this.validate(dto);
    const now = this.clock.iso();
    const webhook = Object.assign(new Webhook(), {
      id: newId('whk'),
      url: dto.url,
      events: [...new Set(dto.events)],
      description: dto.description ?? null,
      secret: dto.secret ?? generateWebhookSecret(),
      status: 'active',
      disabledReason: null,
      failingSince: null,
      leaseToken: null,
      leaseUntil: null,
      createdAt: now,
      updatedAt: now,
    } satisfies Webhook);
    await this.db.transaction((m) => m.insert(Webhook, webhook));
    return { ...toWebhookView(webhook), secret: webhook.secret };
  }

  /**
   * Disabling fails what is still pending (a re-enabled webhook starts afresh with new events); enabling clears
   * the reason and the failure streak.
   */
  async patch(id: string, dto: PatchWebhookDto): Promise<WebhookView | WebhookWithSecret> {
    await this.validate(dto);
    return this.db.transaction(async (m) => {
      const webhook = await this.find(m, id);
      const changes: Partial<Webhook> = {
        ...(dto.url !== undefined && { url: dto.url }),
        ...(dto.events !== undefined && { events: [...new Set(dto.events)] }),
        ...(dto.description !== undefined && { description: dto.description }),
        ...(dto.secret !== undefined && { secret: dto.secret }),
        updatedAt: this.clock.iso(),
      };
      if (dto.status === 'disabled' && webhook.status !== 'disabled') {
        Object.assign(changes, { status: 'disabled', disabledReason: 'manual' });
        await failPendingDeliveries(m, id, 'manual');
      } else if (dto.status === 'active' && webhook.status !== 'active') {
        Object.assign(changes, { status: 'active', disabledReason: null, failingSince: null });
      }
      await m.update(Webhook, { id }, changes);
      const view = toWebhookView(Object.assign(webhook, changes));
      return dto.secret !== undefined ? { ...view, secret: dto.secret } : view;
    });
  }

  /** A new secret (given, or generated), effective for every attempt from now on, shown in this response only. */
  async rotateSecret(id: string, dto: RotateSecretDto): Promise<WebhookWithSecret> {
    const secret = dto?.secret ?? generateWebhookSecret();
    await this.validate({ secret });
    return this.db.transaction(async (m) => {
      const webhook = await this.find(m, id);
      const changes = { secret, updatedAt: this.clock.iso() };
      await m.update(Webhook, { id }, changes);
      return { ...toWebhookView(Object.assign(webhook, changes)), secret };
    });
  }

  /** Deletes the webhook and its delivery log. */
  async delete(id: string): Promise<void> {
    if (!isId('whk', id)) throw AppException.notFound();
    const result = await this.db.transaction((m) => m.delete(Webhook, { id }));
    if (!result.affected) throw AppException.notFound();
  }

  /** Records a `webhook.test` event and delivers it to this webhook only, once. */
  async sendTest(id: string): Promise<DeliveryView> {
    const delivery = await this.db.transaction(async (m) => {
      const webhook = await this.findActive(m, id);
      const event = await this.events.record(m, 'webhook.test', { webhookId: webhook.id });
      const now = this.clock.iso();
      // delivered right here, so the relay leaves it alone
      await m.update(EventRecord, { id: event.id }, { relayedAt: now });
      const row = newDelivery({ webhookId: webhook.id, event, attempt: 1, kind: 'manual', dueAt: now, now });
      await insertDeliveries(m, [row]);
      return row;
    });
    await this.queue.enqueue([delivery]);
    return toDeliveryView(delivery);
  }

  async listDeliveries(id: string, query: ListQuery): Promise<Page<Partial<DeliveryView>>> {
    await this.find(this.webhooks.manager, id);
    const qb = this.deliveries.createQueryBuilder('d').where('d.webhookId = :webhookId', { webhookId: id });
    return runListQuery(qb, query, DELIVERY_LIST, toDeliveryView);
  }

  /**
   * Delivers the delivery's event again, now, as one more attempt (a single one: a manual redelivery is not
   * retried). If an automatic retry of that event is still pending, it is brought forward to now instead.
   */
  async redeliver(id: string, deliveryId: string): Promise<DeliveryView> {
    const delivery = await this.db.transaction(async (m) => {
      const webhook = await this.find(m, id);
      const original = isId('dlv', deliveryId)
        ? await m.findOneBy(WebhookDelivery, { id: deliveryId, webhookId: webhook.id })
        : null;
      if (!original) throw AppException.notFound();
      if (webhook.status !== 'active') throw AppException.businessRule('webhook_disabled');
      const now = this.clock.iso();
      const latest = await m.findOne(WebhookDelivery, {
        where: { webhookId: webhook.id, eventId: original.eventId },
        order: { attempt: 'DESC' },
      });
      const event = { id: original.eventId, type: original.eventType };
      let row: WebhookDelivery;
      if (latest?.status === 'pending') {
        // replaced by a row due now (a new queue entry); the old entry finds its row gone and does nothing
        await m.delete(WebhookDelivery, { id: latest.id });
        row = newDelivery({
          webhookId: webhook.id,
          event,
          attempt: latest.attempt,
          kind: latest.kind,
          dueAt: now,
          now,
        });
      } else {
        const attempt = (latest?.attempt ?? original.attempt) + 1;
        row = newDelivery({ webhookId: webhook.id, event, attempt, kind: 'manual', dueAt: now, now });
      }
      await insertDeliveries(m, [row]);
      return row;
    });
    await this.queue.enqueue([delivery]);
    return toDeliveryView(delivery);
  }

  private async validate(dto: { url?: string; events?: string[]; secret?: string }): Promise<void> {
    const errors: FieldError[] = [];
    dto.events?.forEach((event, index) => {
      if (!isValidEventFilter(event)) errors.push(fieldError(`events[${index}]`, 'webhook_event_unknown', { event }));
    });
    if (dto.secret !== undefined && !isValidWebhookSecret(dto.secret)) {
      errors.push(fieldError('secret', 'webhook_secret_invalid'));
    }
    if (errors.length > 0) throw AppException.validation(errors);
    if (dto.url !== undefined) await this.urlPolicy.assertAllowed(dto.url);
  }

  private async find(m: EntityManager, id: string): Promise<Webhook> {
    const webhook = isId('whk', id) ? await m.findOneBy(Webhook, { id }) : null;
    if (!webhook) throw AppException.notFound();
    return webhook;
  }

  private async findActive(m: EntityManager, id: string): Promise<Webhook> {
    const webhook = await this.find(m, id);
    if (webhook.status !== 'active') throw AppException.businessRule('webhook_disabled');
    return webhook;
  }
}
