import { z } from 'zod';
import { OAUTH_SCOPES } from './oauth-client.entity.js';

/** `redirectUris` are checked further by the service (https, or http on loopback; no fragment, no user info). */
export const createOAuthClientSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
  redirectUris: z.array(z.string().min(1).max(2000)).min(1).max(10),
  scopes: z
    .array(z.enum(OAUTH_SCOPES))
    .min(1)
    .max(OAUTH_SCOPES.length)
    .transform((s) => OAUTH_SCOPES.filter((scope) => s.includes(scope))),
  type: z.enum(['confidential', 'public']),
});
export type CreateOAuthClientDto = z.output<typeof createOAuthClientSchema>;
