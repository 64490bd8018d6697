import { z } from 'zod';
import { DEVICE_ID_PATTERN } from '../broker/topics.js';
import { fieldError, type FieldError } from '../common/errors/app.exception.js';

const text = (max: number) => z.string().trim().min(1).max(max);
export const MAX_METADATA_KEYS = 50;
export const MAX_METADATA_BYTES = 16 * 1024;

/** Any JSON object; its size is checked by {@link metadataErrors} (so that the messages are localized). */
const metadataSchema = z.record(z.string().min(1).max(64), z.unknown());

export function metadataErrors(metadata: Record<string, unknown> | undefined): FieldError[] {
  if (metadata === undefined) return [];
  if (Object.keys(metadata).length > MAX_METADATA_KEYS) {
    return [fieldError('metadata', 'too_many_items', { max: MAX_METADATA_KEYS })];
  }
  const bytes = Buffer.byteLength(JSON.stringify(metadata));
  return bytes > MAX_METADATA_BYTES ? [fieldError('metadata', 'too_long', { max: `${MAX_METADATA_BYTES} bytes` })] : [];
}

/** POST: every field optional; `id` is generated (`dev_…`) when absent. */
export const createDeviceSchema = z.strictObject({
  id: z.string().regex(DEVICE_ID_PATTERN).optional(),
  name: text(200).optional(),
  type: text(64).optional(),
  customerId: z.string().min(1).max(64).optional(),
  metadata: metadataSchema.default({}),
  disabled: z.boolean().default(false),
});
export type CreateDeviceDto = z.output<typeof createDeviceSchema>;

/** PATCH: only the fields present change; `null` clears; `metadata` replaces the whole object. */
export const patchDeviceSchema = z.strictObject({
  name: text(200).nullable().optional(),
  type: text(64).nullable().optional(),
  customerId: z.string().min(1).max(64).nullable().optional(),
  metadata: metadataSchema.optional(),
  disabled: z.boolean().optional(),
});
export type PatchDeviceDto = z.output<typeof patchDeviceSchema>;
