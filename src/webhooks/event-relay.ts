import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, type Repository } from 'typeorm';
import { Clock } from '../common/clock.js';
import { DatabaseService } from '../database/database.service.js';
import { EventRecord } from '../events/event.entity.js';
import { insertDeliveries, newDelivery } from './delivery-log.js';
import { DeliveryQueue } from './delivery-queue.js';
import { isTargetOf } from './event-filter.js';
import { Webhook } from './webhook.entity.js';

const RELAY_INTERVAL_MS = 250;
const RELAY_BATCH = 100;

/**
 * The outbox relay. Business transactions only insert into `events`; this loop turns every committed event that
 * is not yet relayed into one pending delivery per subscribed webhook, marking the event relayed in the same
 * transaction, and then hands the deliveries to the queue. A crash anywhere loses nothing: before the commit the
 * event is still unrelayed, after it the deliveries are pending in the database.
 *
 * Several instances may relay at once: on PostgreSQL each takes its batch with `FOR UPDATE SKIP LOCKED`; on SQLite
 * writers are serialized anyway and the batch is re-read inside the transaction.
 */
@Injectable()
export class EventRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('WebhookRelay');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly db: DatabaseService,
    private readonly clock: Clock,
    private readonly queue: DeliveryQueue,
    @InjectRepository(EventRecord) private readonly events: Repository<EventRecord>,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.tick(), RELAY_INTERVAL_MS);
    this.tick();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  private tick(): void {
    if (this.running || this.stopped) return;
    this.running = this.relayAll()
      // e.g. another instance relaying the same batch: nothing was committed, the next tick tries again
      .catch((err: unknown) => this.logger.warn({ err }, 'event relay pass failed; retrying'))
      .finally(() => (this.running = undefined));
  }

  private async relayAll(): Promise<void> {
    while (!this.stopped && (await this.relayBatch()) === RELAY_BATCH);
  }

  /** Relays up to one batch of events, oldest first; returns how many were waiting. */
  private async relayBatch(): Promise<number> {
    // a cheap read first, so that an idle gateway never opens a write transaction
    const waiting = (
      await this.events.find({ select: { id: true }, where: { relayedAt: IsNull() }, take: RELAY_BATCH })
    ).length;
    if (waiting === 0) return 0;
    const deliveries = await this.db.transaction(async (m) => {
      const query = m
        .createQueryBuilder(EventRecord, 'e')
        .where('e.relayedAt IS NULL')
        .orderBy('e.id', 'ASC')
        .limit(RELAY_BATCH);
      if (this.db.isPostgres) query.setLock('pessimistic_write').setOnLocked('skip_locked');
      const events = await query.getMany();
      if (events.length === 0) return [];
      const now = this.clock.iso();
      await m.update(EventRecord, { id: In(events.map((e) => e.id)) }, { relayedAt: now });
      const webhooks = await m.findBy(Webhook, { status: 'active' });
      const rows = events.flatMap((event) =>
        webhooks
          .filter((webhook) => isTargetOf(webhook, event))
          .map((webhook) => newDelivery({ webhookId: webhook.id, event, attempt: 1, kind: 'auto', dueAt: now, now })),
      );
      await insertDeliveries(m, rows);
      return rows;
    });
    await this.queue.enqueue(deliveries);
    return waiting;
  }
}
