import type { EntityManager } from 'typeorm';
import { z } from 'zod';
import { newId } from '../common/ids.js';
import { apiSchema } from '../common/openapi/api-schemas.js';
import type { ListSpec } from '../common/query/list-query.js';
import { EVENT_TYPES } from '../events/event-types.js';
import { DELIVERY_STATUSES, type DeliveryKind, WebhookDelivery } from './webhook-delivery.entity.js';

/** A delivery log item (SPEC §12), plus `webhookId`, `responseBody` (first 1 KiB) and `attemptedAt`. */
export const deliveryViewSchema = apiSchema(
  'WebhookDelivery',
  z.object({
    id: z.string(),
    webhookId: z.string(),
    eventId: z.string(),
    eventType: z.string(),
    attempt: z.number().int().describe('1 for the first attempt of the event at this webhook'),
    status: z.enum(DELIVERY_STATUSES),
    responseStatus: z.number().int().nullable(),
    responseBody: z.string().nullable().describe('the first 1 KiB of the response'),
    durationMs: z.number().int().nullable(),
    error: z.string().nullable(),
    createdAt: z.string(),
    attemptedAt: z.string().nullable(),
    nextAttemptAt: z.string().nullable().describe('pending: when due; failed: when the retry is due, if any'),
  }),
);
export type DeliveryView = z.infer<typeof deliveryViewSchema>;

export function toDeliveryView(d: WebhookDelivery): DeliveryView {
  return {
    id: d.id,
    webhookId: d.webhookId,
    eventId: d.eventId,
    eventType: d.eventType,
    attempt: d.attempt,
    status: d.status,
    responseStatus: d.responseStatus,
    responseBody: d.responseBody,
    durationMs: d.durationMs,
    error: d.error,
    createdAt: d.createdAt,
    attemptedAt: d.attemptedAt,
    nextAttemptAt: d.nextAttemptAt,
  };
}

export const DELIVERY_LIST: ListSpec = {
  fields: {
    status: { column: 'status', type: 'enum', values: DELIVERY_STATUSES },
    eventType: { column: 'event_type', type: 'enum', values: EVENT_TYPES },
    createdAt: { column: 'created_at', type: 'date', property: 'createdAt' },
  },
  search: [],
  select: [
    'id',
    'webhookId',
    'eventId',
    'eventType',
    'attempt',
    'status',
    'responseStatus',
    'responseBody',
    'durationMs',
    'error',
    'createdAt',
    'attemptedAt',
    'nextAttemptAt',
  ],
};

/** What a queue needs to know about a pending delivery to run it when due. */
export type ScheduledDelivery = Pick<WebhookDelivery, 'id' | 'webhookId' | 'nextAttemptAt'>;

/** A pending attempt of `event` at `webhookId`, due at `dueAt`. */
export function newDelivery(input: {
  webhookId: string;
  event: { id: string; type: string };
  attempt: number;
  kind: DeliveryKind;
  dueAt: string;
  now: string;
}): WebhookDelivery {
  return Object.assign(new WebhookDelivery(), {
    id: newId('dlv'),
    webhookId: input.webhookId,
    eventId: input.event.id,
    eventType: input.event.type,
    attempt: input.attempt,
    kind: input.kind,
    status: 'pending',
    nextAttemptAt: input.dueAt,
    attemptedAt: null,
    responseStatus: null,
    responseBody: null,
    durationMs: null,
    error: null,
    createdAt: input.now,
  } satisfies WebhookDelivery);
}

const INSERT_CHUNK = 200;

export async function insertDeliveries(m: EntityManager, rows: WebhookDelivery[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) await m.insert(WebhookDelivery, rows.slice(i, i + INSERT_CHUNK));
}

/** A disabled webhook gets nothing more: what was still pending for it ends failed, saying why. */
export async function failPendingDeliveries(m: EntityManager, webhookId: string, reason: string): Promise<void> {
  await m.update(
    WebhookDelivery,
    { webhookId, status: 'pending' },
    { status: 'failed', error: `not attempted: webhook disabled (${reason})`, nextAttemptAt: null },
  );
}
