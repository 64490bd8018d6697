import { EVENT_TYPES } from '../events/event-types.js';

const TYPES: ReadonlySet<string> = new Set(EVENT_TYPES);
const CATEGORIES: ReadonlySet<string> = new Set(EVENT_TYPES.map((type) => type.split('.')[0]!));

/** A webhook's event filter: `*` (everything), an event type (`order.paid`) or a category (`device.*`). */
export function isValidEventFilter(filter: string): boolean {
  if (filter === '*') return true;
  if (filter.endsWith('.*')) return CATEGORIES.has(filter.slice(0, -2));
  return TYPES.has(filter);
}

export function matchesEventFilter(filters: readonly string[], type: string): boolean {
  return filters.some((f) => f === '*' || f === type || (f.endsWith('.*') && type.startsWith(f.slice(0, -1))));
}

/**
 * Who gets an event: `webhook.test` goes only to the webhook it names; everything else by the filters, and only to
 * webhooks that existed when the event was recorded (a relay catching up after an outage does not flood a
 * subscription made since with older events).
 */
export function isTargetOf(
  webhook: { id: string; events: readonly string[]; createdAt: string },
  event: { type: string; data: Record<string, unknown>; createdAt: string },
): boolean {
  if (event.type === 'webhook.test') return event.data.webhookId === webhook.id;
  return webhook.createdAt <= event.createdAt && matchesEventFilter(webhook.events, event.type);
}
