import { z } from 'zod';
import { DEVICE_ID_PATTERN } from '../broker/topics.js';

const text = (max: number) => z.string().trim().min(1).max(max);
const MAX_METADATA_BYTES = 16 * 1024;

const metadataSchema = z
  .record(z.string().min(1).max(64), z.unknown())
  .refine((m) => Object.keys(m).length <= 50, { message: 'at most 50 keys' })
  .refine((m) => Buffer.byteLength(JSON.stringify(m)) <= MAX_METADATA_BYTES, {
    message: `at most ${MAX_METADATA_BYTES} bytes of JSON`,
  });

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
