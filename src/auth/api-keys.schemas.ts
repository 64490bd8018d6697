import { z } from 'zod';
import { SCOPES } from './api-key.entity.js';

export const createApiKeySchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  scopes: z
    .array(z.enum(SCOPES))
    .min(1)
    .max(3)
    .transform((s) => [...new Set(s)]),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
  /** the user the key acts as (an admin may create keys for others); the caller by default */
  userId: z.string().min(1).max(64).optional(),
});
export type CreateApiKeyDto = z.output<typeof createApiKeySchema>;
