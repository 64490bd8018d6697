import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { DeliveryDispatcher } from './delivery-dispatcher.js';
import { DeliveryQueue } from './delivery-queue.js';

const POLL_INTERVAL_MS = 250;
/** webhooks delivered to at the same time (each one sequentially, in event order) */
const MAX_PARALLEL_WEBHOOKS = 8;

/**
 * The embedded profile's queue: the database table itself, polled. Deliveries are picked up when due (at most a
 * poll interval late, or at once when enqueued), and since the table is the only state, a restart resumes exactly
 * where the last run stopped.
 */
@Injectable()
export class InProcessDeliveryQueue extends DeliveryQueue implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('WebhookDelivery');
  private readonly draining = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private scanning = false;
  private rescan = false;
  private stopped = false;

  constructor(private readonly dispatcher: DeliveryDispatcher) {
    super();
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.kick(), POLL_INTERVAL_MS);
    this.kick();
  }

  enqueue(): Promise<void> {
    this.kick();
    return Promise.resolve();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.dispatcher.stop();
    await Promise.allSettled(this.draining.values());
  }

  private kick(): void {
    if (this.stopped) return;
    if (this.scanning) {
      this.rescan = true;
      return;
    }
    this.scanning = true;
    void this.scan().finally(() => {
      this.scanning = false;
    });
  }

  /** Starts a drain for every webhook with due work that is not being drained yet, within the parallelism. */
  private async scan(): Promise<void> {
    do {
      this.rescan = false;
      if (this.draining.size >= MAX_PARALLEL_WEBHOOKS) return;
      let due: string[];
      try {
        due = await this.dispatcher.dueWebhookIds(MAX_PARALLEL_WEBHOOKS * 2);
      } catch (err) {
        this.logger.warn({ err }, 'could not poll webhook deliveries');
        return;
      }
      for (const webhookId of due) {
        if (this.draining.size >= MAX_PARALLEL_WEBHOOKS || this.stopped) break;
        if (!this.draining.has(webhookId)) this.startDrain(webhookId);
      }
    } while (this.rescan && !this.stopped);
  }

  private startDrain(webhookId: string): void {
    const run = this.dispatcher
      .drain(webhookId, () => this.enqueue())
      .then(
        () => {
          this.draining.delete(webhookId);
          this.kick(); // a slot is free: other webhooks may be waiting
        },
        (err: unknown) => {
          // not kicked again at once: the next poll retries, so a persistent fault cannot spin
          this.draining.delete(webhookId);
          this.logger.error({ err, webhookId }, 'webhook delivery failed unexpectedly');
        },
      );
    this.draining.set(webhookId, run);
  }
}
