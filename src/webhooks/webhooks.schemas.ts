import { z } from 'zod';
import { WEBHOOK_STATUSES } from './webhook.entity.js';

const url = z.string().trim().min(1).max(2048);
/** event names are checked against the catalogue by the service, which names the offending item */
const events = z.array(z.string().trim().min(1).max(64)).min(1).max(50);
const secret = z.string().min(16).max(256);
const description = z.string().trim().max(500);

export const createWebhookSchema = z.strictObject({
  url,
  events,
  secret: secret.optional(),
  description: description.optional(),
});
export type CreateWebhookDto = z.output<typeof createWebhookSchema>;

/** `status: active` re-enables a disabled webhook; `secret` replaces the secret (shown in this response only). */
export const patchWebhookSchema = z.strictObject({
  url: url.optional(),
  events: events.optional(),
  description: description.nullable().optional(),
  status: z.enum(WEBHOOK_STATUSES).optional(),
  secret: secret.optional(),
});
export type PatchWebhookDto = z.output<typeof patchWebhookSchema>;

/** Body of rotate-secret, optional: without `secret` a new one is generated. */
export const rotateSecretSchema = z.strictObject({ secret: secret.optional() }).optional();
export type RotateSecretDto = z.output<typeof rotateSecretSchema>;
