import { z } from 'zod';
import { COMMAND_NAME_PATTERN, DEVICE_ID_PATTERN } from '../broker/topics.js';
import { fieldError, type FieldError } from '../common/errors/app.exception.js';

export const MAX_TIMEOUT_MS = 300_000;
export const MAX_TTL_SECONDS = 30 * 24 * 3600;
export const MAX_PARAMS_BYTES = 16 * 1024;
export const MAX_BATCH_DEVICES = 100;
/** SPEC §6: at most this many queued commands per device (more → 42201) */
export const MAX_QUEUED_PER_DEVICE = 100;

/** Any JSON object; its size is checked by {@link bodyErrors} (so that the message is localized). */
const params = z.record(z.string(), z.unknown()).default({});
const timeoutMs = z.number().int().min(100).max(MAX_TIMEOUT_MS);
const ttlSeconds = z.number().int().min(0).max(MAX_TTL_SECONDS).default(0);

/**
 * `POST /v1/iot/devices/{id}/commands`. `timeoutMs` defaults to COMMAND_TIMEOUT_MS (applied by the service,
 * which knows the configuration).
 */
export const sendCommandSchema = z.strictObject({
  command: z.string().regex(COMMAND_NAME_PATTERN),
  params,
  timeoutMs: timeoutMs.optional(),
  ttlSeconds,
  async: z.boolean().default(false),
});
export type SendCommandDto = z.output<typeof sendCommandSchema>;

/** `POST /v1/iot/commands/batch`: one asynchronous command per device. */
export const batchCommandSchema = z.strictObject({
  deviceIds: z.array(z.string().regex(DEVICE_ID_PATTERN)).min(1).max(MAX_BATCH_DEVICES),
  command: z.string().regex(COMMAND_NAME_PATTERN),
  params,
  timeoutMs: timeoutMs.optional(),
  ttlSeconds,
});
export type BatchCommandDto = z.output<typeof batchCommandSchema>;

/** `Idempotency-Key`: 1–255 visible ASCII characters. */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** What the schemas cannot say in localized words: the size of `params`, duplicate device ids. */
export function bodyErrors(body: { params: Record<string, unknown>; deviceIds?: string[] }): FieldError[] {
  const errors: FieldError[] = [];
  if (Buffer.byteLength(JSON.stringify(body.params)) > MAX_PARAMS_BYTES) {
    errors.push(fieldError('params', 'too_long', { max: `${MAX_PARAMS_BYTES} bytes` }));
  }
  const seen = new Set<string>();
  body.deviceIds?.forEach((id, index) => {
    if (seen.has(id)) errors.push(fieldError(`deviceIds[${index}]`, 'command_duplicate_device'));
    seen.add(id);
  });
  return errors;
}
