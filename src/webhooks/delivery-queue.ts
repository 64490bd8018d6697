import type { ScheduledDelivery } from './delivery-log.js';

/**
 * Runs pending deliveries when they are due. The `webhook_deliveries` table is the source of truth; a queue only
 * decides when {@link DeliveryDispatcher.drain} runs. Two implementations with the same semantics: BullMQ (when
 * REDIS_URL is set) and an in-process worker polling the table.
 */
export abstract class DeliveryQueue {
  /**
   * Makes these freshly committed pending deliveries run when due. Never throws: if the queue cannot take them
   * now (Redis down), they are still pending in the database and are picked up later.
   */
  abstract enqueue(deliveries: ScheduledDelivery[]): Promise<void>;
}
