import type { ListSpec } from '../common/query/list-query.js';
import { WEBHOOK_STATUSES, type Webhook } from './webhook.entity.js';

/** A webhook as the API shows it; the secret only appears in the create and rotate-secret responses. */
export interface WebhookView {
  id: string;
  url: string;
  events: string[];
  description: string | null;
  status: Webhook['status'];
  disabledReason: Webhook['disabledReason'];
  createdAt: string;
  updatedAt: string;
}

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
