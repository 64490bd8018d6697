import type { MessageKey, MessageParams } from '../common/i18n/messages.js';

/** RFC 6749 §5.2, RFC 7009 §2.2.1 error codes the endpoints answer with. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'server_error';

/**
 * An error of the token, revocation or introspection endpoint, rendered as an RFC 6749 body
 * `{"error","error_description"}` (not the /v1 envelope). The description is ASCII English, as the RFC requires.
 */
export class OAuthError extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(`${error}: ${description}`);
  }

  /** invalid_client is 401 (SPEC §8); everything else 400 */
  get status(): number {
    if (this.error === 'invalid_client') return 401;
    if (this.error === 'server_error') return 500;
    return 400;
  }
}

/** A problem shown to the user as an error page (never a redirect: the redirect_uri may be the attacker's). */
export class OAuthPageError extends Error {
  constructor(
    readonly key: MessageKey,
    readonly status = 400,
    readonly params?: MessageParams,
  ) {
    super(key);
  }
}
