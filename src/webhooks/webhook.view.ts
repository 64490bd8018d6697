import { z } from 'zod';
import { apiSchema } from '../common/openapi/api-schemas.js';
import type { ListSpec } from '../common/query/list-query.js';
import { DISABLED_REASONS, WEBHOOK_STATUSES, type Webhook } from './webhook.entity.js';

/** A webhook as the API shows it; the secret only appears in the create and rotate-secret responses. */
export const webhookViewSchema = apiSchema(
  'Webhook',
  z.object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.string()).describe('event types, `category.*` or `*`'),
    description: z.string().nullable(),
    status: z.enum(WEBHOOK_STATUSES),
    disabledReason: z.enum(DISABLED_REASONS).nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
);
export type WebhookView = z.infer<typeof webhookViewSchema>;

export const webhookWithSecretSchema = apiSchema(
  'WebhookWithSecret',
  webhookViewSchema.extend({ secret: z.string().describe('the signing secret: shown in this response only') }),
);
export type WebhookWithSecret = z.infer<typeof webhookWithSecretSchema>;

export function toWebhookView(w: Webhook): WebhookView {
  return {
    id: w.id,
    url: w.url,
    events: w.events,
    description: w.description,
    status: w.status,
    disabledReason: w.disabledReason,
    createdAt: w.createdAt,
    updatedAt: w.updatedAt,
  };
}

export const WEBHOOK_LIST: ListSpec = {
  fields: {
    id: { column: 'id', type: 'string' },
    url: { column: 'url', type: 'string' },
    status: { column: 'status', type: 'enum', values: WEBHOOK_STATUSES },
    createdAt: { column: 'created_at', type: 'date', property: 'createdAt' },
    updatedAt: { column: 'updated_at', type: 'date', property: 'updatedAt' },
  },
  search: ['url', 'description'],
  select: ['id', 'url', 'events', 'description', 'status', 'disabledReason', 'createdAt', 'updatedAt'],
};
