import type { UserRole } from '../users/user.entity.js';
import type { Scope } from './api-key.entity.js';

/** Who is calling: the user behind an API key or an OAuth access token, and what the credential may do. */
export interface Principal {
  type: 'api_key' | 'oauth';
  userId: string;
  role: UserRole;
  scopes: ReadonlySet<Scope>;
  apiKeyId?: string;
  clientId?: string;
  /** what rate limits and idempotency keys are counted against */
  key: string;
}
