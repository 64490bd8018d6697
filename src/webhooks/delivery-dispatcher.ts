import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { type EntityManager, In, LessThanOrEqual, type Repository } from 'typeorm';
import { Clock } from '../common/clock.js';
import { AppConfig } from '../config/app-config.js';
import { DatabaseService } from '../database/database.service.js';
import { EventRecord } from '../events/event.entity.js';
import { toEventView } from '../events/events.service.js';
import { failPendingDeliveries, insertDeliveries, newDelivery, type ScheduledDelivery } from './delivery-log.js';
import { attemptsPerEvent, exhaustedWhileFailing, retryDelayMs } from './retry-policy.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';
import { type DisabledReason, Webhook } from './webhook.entity.js';
import { type AttemptOutcome, WebhookMetrics } from './webhook-metrics.js';
import { type AttemptResult, DELIVERY_TIMEOUT_MS, WebhookSender } from './webhook-sender.js';

/** How long a drain may hold a webhook without renewing (renewed after every attempt, which takes ≤ 10 s). */
export const LEASE_MS = DELIVERY_TIMEOUT_MS * 2;

/** Due attempts read at a time by a drain (the webhook's settings are read again between batches). */
const DRAIN_BATCH = 10;

/** Called with the retries an attempt scheduled, so that the queue runs them when due. */
export type OnScheduled = (deliveries: ScheduledDelivery[]) => Promise<void>;

/**
 * The delivery worker's logic, shared by both queues (BullMQ and in-process): they only decide *when* to call
 * {@link drain}. A drain takes a lease on one webhook (so that a single sender, on whichever instance, talks to it
 * at a time, in event order), then makes every attempt that is due, oldest event first, recording each outcome in
 * one transaction with the retry it schedules. Idempotent: an attempt is recorded only if its row is still pending.
 */
@Injectable()
export class DeliveryDispatcher {
  private readonly logger = new Logger('WebhookDelivery');
  private stopping = false;
  /** webhooks whose lease a drain of this process holds (from acquiring it until just after letting it go) */
  private readonly drainingHere = new Set<string>();

  constructor(
    private readonly db: DatabaseService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
    private readonly sender: WebhookSender,
    private readonly metrics: WebhookMetrics,
    @InjectRepository(Webhook) private readonly webhooks: Repository<Webhook>,
    @InjectRepository(WebhookDelivery) private readonly deliveries: Repository<WebhookDelivery>,
    @InjectRepository(EventRecord) private readonly events: Repository<EventRecord>,
  ) {}

  /** Shutdown: drains stop after the attempt in progress; what is left stays pending for the next start. */
  stop(): void {
    this.stopping = true;
  }

  find(id: string): Promise<WebhookDelivery | null> {
    return this.deliveries.findOneBy({ id });
  }

  /** Webhooks with an attempt due now (the in-process worker's poll). */
  async dueWebhookIds(limit: number): Promise<string[]> {
    const rows = await this.deliveries
      .createQueryBuilder('d')
      .select('d.webhookId', 'webhookId')
      .distinct(true)
      .where('d.status = :status', { status: 'pending' })
      .andWhere('d.nextAttemptAt <= :now', { now: this.clock.iso() })
      .limit(limit)
      .getRawMany<{ webhookId: string }>();
    return rows.map((r) => r.webhookId);
  }

  /** Pending deliveries due for at least `graceMs` and still not done: their queue entry may be lost. */
  overdue(graceMs: number, limit: number): Promise<ScheduledDelivery[]> {
    return this.deliveries.find({
      select: { id: true, webhookId: true, nextAttemptAt: true },
      where: { status: 'pending', nextAttemptAt: LessThanOrEqual(this.clock.iso(-graceMs)) },
      order: { nextAttemptAt: 'ASC' },
      take: limit,
    });
  }

  /**
   * Delivers everything due for this webhook, unless another drain holds it (it then returns at once: the holder
   * checks again for due work after letting go, so nothing that became due meanwhile is stranded).
   */
  async drain(webhookId: string, onScheduled: OnScheduled): Promise<void> {
    while (!this.stopping) {
      const token = randomUUID();
      if (!(await this.acquire(webhookId, token))) return;
      this.drainingHere.add(webhookId);
      try {
        await this.deliverDue(webhookId, token, onScheduled);
      } finally {
        try {
          await this.release(webhookId, token);
        } finally {
          // before the check below: whoever saw this drain running can rely on that check to see their delivery
          this.drainingHere.delete(webhookId);
        }
      }
      if (this.stopping || !(await this.hasDue(webhookId))) return;
    }
  }

  /**
   * True while a drain of this process holds the webhook: every delivery of it that is due now will be made by that
   * drain, which looks for due work once more after letting the webhook go.
   */
  isDrainingHere(webhookId: string): boolean {
    return !this.stopping && this.drainingHere.has(webhookId);
  }

  private async deliverDue(webhookId: string, token: string, onScheduled: OnScheduled): Promise<void> {
    while (!this.stopping) {
      const webhook = await this.webhooks.findOneBy({ id: webhookId });
      if (!webhook) return;
      if (webhook.status !== 'active') {
        // a fan-out that raced with disabling: fail what it queued rather than leave it pending forever
        await this.db.transaction((m) => failPendingDeliveries(m, webhookId, webhook.disabledReason ?? 'manual'));
        return;
      }
      // the next few due attempts and their events in two queries (measured: one query of each per attempt made
      // a burst to one webhook three round trips slower per event); the webhook itself is read again every batch
      const batch = await this.deliveries.find({
        where: { webhookId, status: 'pending', nextAttemptAt: LessThanOrEqual(this.clock.iso()) },
        order: { eventId: 'ASC', attempt: 'ASC' },
        take: DRAIN_BATCH,
      });
      if (batch.length === 0) return;
      const events = await this.events.findBy({ id: In([...new Set(batch.map((d) => d.eventId))]) });
      const byId = new Map(events.map((e) => [e.id, e]));
      for (const row of batch) {
        if (this.stopping) return;
        const outcome = await this.attempt(webhook, row, byId.get(row.eventId) ?? null, token, onScheduled);
        if (outcome === 'disabled') break;
      }
    }
  }

  private async attempt(
    webhook: Webhook,
    row: WebhookDelivery,
    event: EventRecord | null,
    token: string,
    onScheduled: OnScheduled,
  ): Promise<AttemptOutcome | 'disabled' | undefined> {
    const attemptedAt = this.clock.iso();
    const result: AttemptResult = event
      ? await this.sender.send(webhook, toEventView(event))
      : { ok: false, status: null, body: null, error: 'event not found', durationMs: 0, retryAfterMs: undefined };
    // the request went out: losing its record would mean sending it again, so a failed write is retried
    const { outcome, retry, disabled } = await withRetries(() =>
      this.db.transaction((m) => this.record(m, row, result, attemptedAt, token)),
    );
    if (outcome) this.metrics.observe(outcome, result.durationMs);
    if (!result.ok) {
      this.logger.debug(
        { webhookId: webhook.id, deliveryId: row.id, attempt: row.attempt, error: result.error },
        'webhook attempt failed',
      );
    }
    if (retry) await onScheduled([retry]);
    return disabled ? 'disabled' : outcome;
  }

  /** Records one attempt and its consequences: retry, or disabling the webhook (410, or failing for too long). */
  private async record(
    m: EntityManager,
    row: WebhookDelivery,
    result: AttemptResult,
    attemptedAt: string,
    token: string,
  ): Promise<{ outcome?: AttemptOutcome; retry?: WebhookDelivery; disabled?: boolean }> {
    const webhook = await m.findOneBy(Webhook, { id: row.webhookId });
    if (!webhook) return {};
    const failingSince = result.ok ? null : (webhook.failingSince ?? attemptedAt);
    let retryDelay: number | undefined;
    let disable: DisabledReason | undefined;
    if (!result.ok && result.status === 410) {
      disable = 'endpoint_gone';
    } else if (!result.ok && row.kind === 'auto') {
      const delays = this.config.webhookRetryDelaysMs;
      retryDelay = retryDelayMs(row.attempt, delays, result.retryAfterMs);
      if (
        retryDelay === undefined &&
        exhaustedWhileFailing({
          attempt: row.attempt,
          attempts: attemptsPerEvent(delays),
          failingSince,
          firstAttemptAt: await this.firstAttemptAt(m, row, attemptedAt),
        })
      ) {
        disable = 'failing';
      }
    }
    const retryAt = retryDelay === undefined ? null : this.clock.iso(retryDelay);

    const recorded = await m.update(
      WebhookDelivery,
      { id: row.id, status: 'pending' },
      {
        status: result.ok ? 'succeeded' : 'failed',
        attemptedAt,
        durationMs: result.durationMs,
        responseStatus: result.status,
        responseBody: result.body,
        error: result.error,
        nextAttemptAt: retryAt,
      },
    );
    // recorded already by another sender (a drain that outlived its lease): keep the first record only
    if (!recorded.affected) return {};

    const changes: Partial<Webhook> = {
      ...(failingSince !== webhook.failingSince && { failingSince }),
      ...(disable && { status: 'disabled', disabledReason: disable, updatedAt: this.clock.iso() }),
    };
    if (Object.keys(changes).length > 0) await m.update(Webhook, { id: webhook.id }, changes);
    if (disable) {
      await failPendingDeliveries(m, webhook.id, disable);
      return { outcome: 'failed', disabled: true };
    }
    await m.update(Webhook, { id: webhook.id, leaseToken: token }, { leaseUntil: this.clock.iso(LEASE_MS) });
    if (!retryAt) return { outcome: result.ok ? 'succeeded' : 'failed' };
    const retry = newDelivery({
      webhookId: webhook.id,
      event: { id: row.eventId, type: row.eventType },
      attempt: row.attempt + 1,
      kind: 'auto',
      dueAt: retryAt,
      now: this.clock.iso(),
    });
    await insertDeliveries(m, [retry]);
    return { outcome: 'retrying', retry };
  }

  private async firstAttemptAt(m: EntityManager, row: WebhookDelivery, fallback: string): Promise<string> {
    const first = await m.findOne(WebhookDelivery, {
      select: { attemptedAt: true },
      where: { webhookId: row.webhookId, eventId: row.eventId, attempt: 1 },
    });
    return first?.attemptedAt ?? fallback;
  }

  private async acquire(webhookId: string, token: string): Promise<boolean> {
    const now = this.clock.iso();
    const result = await this.db.transaction((m) =>
      m
        .createQueryBuilder()
        .update(Webhook)
        .set({ leaseToken: token, leaseUntil: this.clock.iso(LEASE_MS) })
        .where('id = :id', { id: webhookId })
        .andWhere('(lease_until IS NULL OR lease_until < :now)', { now })
        .execute(),
    );
    return result.affected === 1;
  }

  private async release(webhookId: string, token: string): Promise<void> {
    try {
      await this.db.transaction((m) =>
        m.update(Webhook, { id: webhookId, leaseToken: token }, { leaseToken: null, leaseUntil: null }),
      );
    } catch (err) {
      // the lease then simply expires
      this.logger.warn({ err, webhookId }, 'could not release a webhook delivery lease');
    }
  }

  private hasDue(webhookId: string): Promise<boolean> {
    return this.deliveries.existsBy({ webhookId, status: 'pending', nextAttemptAt: LessThanOrEqual(this.clock.iso()) });
  }
}

const WRITE_RETRIES = [50, 200, 1000];

/** Runs an idempotent write again after a transient failure (SQLITE_BUSY, a PostgreSQL serialization failure). */
async function withRetries<T>(write: () => Promise<T>): Promise<T> {
  for (const pause of WRITE_RETRIES) {
    try {
      return await write();
    } catch {
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
  return write();
}
