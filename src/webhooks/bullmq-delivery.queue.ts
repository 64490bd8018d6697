import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DelayedError, type Job, Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { RedisService } from '../redis/redis.service.js';
import type { ScheduledDelivery } from './delivery-log.js';
import { DeliveryDispatcher } from './delivery-dispatcher.js';
import { DeliveryQueue } from './delivery-queue.js';

export const QUEUE_NAME = 'webhook-deliveries';
const JOB_NAME = 'deliver';
/** jobs in progress per instance; each drains one webhook, and one webhook is drained by one job at a time */
const CONCURRENCY = 16;
/** a job whose webhook is being drained elsewhere looks again this much later */
const BUSY_RETRY_MS = 1000;
/** how often pending deliveries missing from Redis (lost in an outage, or never added) are put back */
const RECONCILE_INTERVAL_MS = 5000;
/** a pending delivery this much past due without having run is considered missing from the queue */
const OVERDUE_GRACE_MS = 5000;
const RECONCILE_BATCH = 500;
/** the relay does not wait longer than this for Redis; the reconciler catches up later */
const ENQUEUE_TIMEOUT_MS = 2000;
/** at shutdown, how long closing BullMQ may take (it needs Redis) before the connections are just dropped */
const CLOSE_TIMEOUT_MS = 3000;

/** One job per pending delivery (attempt); its id is the delivery id, so adding it twice is harmless. */
const deliveryJobSchema = z.strictObject({ deliveryId: z.string().min(1), webhookId: z.string().min(1) });
export type DeliveryJobData = z.infer<typeof deliveryJobSchema>;

/**
 * The production profile's queue: BullMQ on Redis, one queue and one processor. A job carries no state of its own
 * but the delivery id: the attempt count, retry times and outcome live in the database, so losing Redis loses no
 * delivery — the reconciler re-adds every pending delivery that is overdue once Redis is back.
 *
 * A job ends `completed` when its delivery succeeded and `failed` (kept for a week) when it failed, with the
 * attempt's error; the retry, if any, is a new job for the new pending delivery, delayed until it is due.
 */
@Injectable()
export class BullmqDeliveryQueue extends DeliveryQueue implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('WebhookDelivery');
  private readonly queue: Queue<DeliveryJobData, string, string>;
  private readonly worker: Worker<DeliveryJobData, string, string>;
  private readonly connections: Redis[];
  /** drains in progress: at shutdown they finish their attempt (database only) before BullMQ is closed */
  private readonly drains = new Set<Promise<void>>();
  private reconcileTimer: NodeJS.Timeout | undefined;
  private reconciling: Promise<void> | undefined;
  private redisDown = false;

  constructor(
    redis: RedisService,
    private readonly dispatcher: DeliveryDispatcher,
  ) {
    super();
    const prefix = redis.key('bull');
    this.connections = [
      redis.connect('webhook-queue'),
      redis.connect('webhook-worker', { maxRetriesPerRequest: null }),
    ];
    this.queue = new Queue<DeliveryJobData, string, string>(QUEUE_NAME, {
      connection: this.connections[0]!,
      prefix,
      defaultJobOptions: {
        attempts: 1,
        removeOnComplete: { age: 24 * 3600, count: 1000 },
        removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
      },
    });
    this.worker = new Worker<DeliveryJobData, string, string>(QUEUE_NAME, (job, token) => this.process(job, token), {
      connection: this.connections[1]!,
      prefix,
      concurrency: CONCURRENCY,
      autorun: false,
      // a crashed instance's jobs go back to the queue within ~30 s
      lockDuration: 15_000,
      stalledInterval: 15_000,
    });
    this.queue.on('error', (err) => this.onRedisError(err));
    this.worker.on('error', (err) => this.onRedisError(err));
  }

  onApplicationBootstrap(): void {
    void this.worker.run().catch((err: unknown) => this.logger.error({ err }, 'webhook worker stopped'));
    this.reconcileTimer = setInterval(() => {
      this.reconciling ??= this.reconcile()
        .catch((err: unknown) => this.onRedisError(err as Error))
        .finally(() => (this.reconciling = undefined));
    }, RECONCILE_INTERVAL_MS);
  }

  async enqueue(deliveries: ScheduledDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((done) => (timer = setTimeout(done, ENQUEUE_TIMEOUT_MS)));
    try {
      await Promise.race([this.add(deliveries), timeout]);
    } catch (err) {
      this.onRedisError(err as Error);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Attempts in flight finish and are recorded; then BullMQ is closed, which needs Redis — if Redis is down that is
   * given up after a moment and the connections are dropped (the jobs' deliveries are pending in the database).
   */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.reconcileTimer);
    this.dispatcher.stop();
    await Promise.allSettled(this.drains);
    await bounded(Promise.all([this.worker.close(), this.reconciling, this.queue.close()]), CLOSE_TIMEOUT_MS);
    for (const connection of this.connections) connection.disconnect();
  }

  private async process(job: Job<DeliveryJobData, string, string>, token: string | undefined): Promise<string> {
    const { deliveryId, webhookId } = deliveryJobSchema.parse(job.data);
    // A drain of this process holds the webhook, and this job's delivery is due (a job runs when its delivery is
    // due; rows are never rescheduled, a retry is a new row): that drain will make the attempt, as it looks for due
    // work again after letting go, so this job is done — no query, no Redis round trip. Measured (bench/RESULTS.md):
    // re-delaying such jobs every second made each job of a burst cycle through Redis and the database until its
    // turn, 20+ CPU-ms per event. The outcome is in the delivery log; a failure schedules its retry as a new job.
    if (this.dispatcher.isDrainingHere(webhookId)) return 'made by the drain in progress';
    const drain = this.dispatcher.drain(webhookId, (retries) => this.enqueue(retries));
    this.drains.add(drain);
    try {
      await drain;
    } finally {
      this.drains.delete(drain);
    }
    const delivery = await this.dispatcher.find(deliveryId);
    if (!delivery) return 'deleted';
    if (delivery.status === 'pending') {
      // a drain of this process took the webhook in the meantime (see the same check above)
      if (this.dispatcher.isDrainingHere(webhookId)) return 'made by the drain in progress';
      // the webhook is being drained by another instance, or we are shutting down: look again later
      const due = delivery.nextAttemptAt ? Date.parse(delivery.nextAttemptAt) : 0;
      await job.moveToDelayed(Math.max(due, Date.now() + BUSY_RETRY_MS), token);
      throw new DelayedError();
    }
    if (delivery.status === 'failed') {
      throw new Error(delivery.error ?? `HTTP ${delivery.responseStatus}`);
    }
    return `HTTP ${delivery.responseStatus}`;
  }

  private add(deliveries: ScheduledDelivery[]) {
    const now = Date.now();
    return this.queue.addBulk(
      deliveries.map((d) => ({
        name: JOB_NAME,
        data: { deliveryId: d.id, webhookId: d.webhookId },
        opts: { jobId: d.id, delay: Math.max(0, (d.nextAttemptAt ? Date.parse(d.nextAttemptAt) : now) - now) },
      })),
    );
  }

  /** Puts back every overdue pending delivery whose job is missing (Redis lost it) or already finished. */
  private async reconcile(): Promise<void> {
    const overdue = await this.dispatcher.overdue(OVERDUE_GRACE_MS, RECONCILE_BATCH);
    let restored = 0;
    for (const delivery of overdue) {
      const job = await this.queue.getJob(delivery.id);
      const state = job ? await job.getState() : 'missing';
      if (state === 'completed' || state === 'failed') {
        await job!.retry(state);
      } else if (state === 'missing' || state === 'unknown') {
        await job?.remove();
        await this.add([delivery]);
      } else {
        continue;
      }
      restored += 1;
    }
    this.redisDown = false;
    if (restored > 0) this.logger.log({ restored }, 'pending webhook deliveries re-queued');
  }

  private onRedisError(err: Error): void {
    if (this.redisDown) return;
    this.redisDown = true;
    this.logger.warn({ err: err.message }, 'webhook queue unavailable; deliveries wait in the database');
  }
}

/** Waits for `work`, but no longer than `ms`; its failure or lateness is not the caller's concern. */
async function bounded(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
