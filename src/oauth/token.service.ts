import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { Clock } from '../common/clock.js';
import { AppException } from '../common/errors/app.exception.js';
import { ErrorCode } from '../common/errors/error-code.js';
import { randomSecret, safeEqual, sha256Hex } from '../common/crypto.js';
import { DatabaseService } from '../database/database.service.js';
import { User } from '../users/user.entity.js';
import { ACCESS_TOKEN_TTL_SECONDS, AccessTokens, JWT_FORMAT } from './access-tokens.service.js';
import { OAuthAccessToken } from './oauth-access-token.entity.js';
import { OAuthAuthorizationCode } from './oauth-authorization-code.entity.js';
import type { OAuthClient } from './oauth-client.entity.js';
import { OAuthGrant } from './oauth-grant.entity.js';
import { OAuthRefreshToken } from './oauth-refresh-token.entity.js';
import { OAuthError } from './oauth.errors.js';

export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 3600;
const CODE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/** The token response of SPEC §8 / the seed. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  scope: string;
}

type RevocationReason = 'code_replay' | 'refresh_token_reuse' | 'revoked';

const invalidGrant = (description: string) => new OAuthError('invalid_grant', description);

/**
 * The back channel: the token endpoint's two grants, revocation (RFC 7009) and introspection (RFC 7662).
 * The grant logic follows oidc-provider: a code is consumed once, atomically (a conditional UPDATE whose
 * row count decides the one winner), and a code or refresh token presented again revokes the whole grant,
 * i.e. every token that descends from it.
 */
@Injectable()
export class TokenService {
  private readonly logger = new Logger(TokenService.name);

  constructor(
    private readonly db: DatabaseService,
    private readonly accessTokens: AccessTokens,
    private readonly clock: Clock,
  ) {}

  async exchangeCode(client: OAuthClient, params: Record<string, string>): Promise<TokenResponse> {
    const { code, redirect_uri: redirectUri, code_verifier: verifier } = params;
    if (!code) throw new OAuthError('invalid_request', 'code is required');
    if (!redirectUri) throw new OAuthError('invalid_request', 'redirect_uri is required');
    const codeHash = sha256Hex(code);
    const row = await this.db.manager.findOneBy(OAuthAuthorizationCode, { codeHash });
    if (!row) throw invalidGrant('invalid authorization code');
    // a code presented by another client is refused without effect: its owner can still redeem it
    if (row.clientId !== client.id) throw invalidGrant('authorization code was issued to another client');
    this.checkPkce(row.codeChallenge, verifier);
    if (row.redirectUri !== redirectUri) throw invalidGrant('redirect_uri does not match the authorization request');
    // a replay revokes only once the request is otherwise right (no denial of service by whoever saw the
    // code), and before the expiry check, so that a late replay revokes too (RFC 6749 §4.1.2)
    if (row.consumedAt) {
      await this.revokeGrant(row.grantId, 'code_replay');
      throw invalidGrant('authorization code already used');
    }
    if (row.expiresAt <= this.clock.iso()) throw invalidGrant('authorization code expired');

    const now = this.clock.now();
    const issued = await this.db.transaction(async (m) => {
      const consumed = await m
        .createQueryBuilder()
        .update(OAuthAuthorizationCode)
        .set({ consumedAt: now.toISOString() })
        .where('code_hash = :codeHash AND consumed_at IS NULL', { codeHash })
        .execute();
      if (!consumed.affected) return undefined;
      const grant = await this.liveGrant(m, row.grantId);
      return grant && this.issue(m, grant, row.scopes, row.scopes, now);
    });
    if (!issued) {
      // lost the race against a parallel redemption of the same code: that is a replay too
      await this.revokeGrant(row.grantId, 'code_replay');
      throw invalidGrant('authorization code already used');
    }
    return this.respond(issued, now);
  }

  async refresh(client: OAuthClient, params: Record<string, string>): Promise<TokenResponse> {
    const token = params.refresh_token;
    if (!token) throw new OAuthError('invalid_request', 'refresh_token is required');
    const tokenHash = sha256Hex(token);
    const row = await this.db.manager.findOneBy(OAuthRefreshToken, { tokenHash });
    const grant = row ? await this.db.manager.findOneBy(OAuthGrant, { id: row.grantId }) : null;
    if (!row || !grant) throw invalidGrant('invalid refresh token');
    if (grant.clientId !== client.id) throw invalidGrant('refresh token was issued to another client');
    if (grant.revokedAt) throw invalidGrant('the grant has been revoked');
    if (row.consumedAt) {
      await this.revokeGrant(grant.id, 'refresh_token_reuse');
      throw invalidGrant('refresh token already used; the grant has been revoked');
    }
    if (row.expiresAt <= this.clock.iso()) throw invalidGrant('refresh token expired');
    const granted = row.scopes.split(' ');
    let accessScopes = row.scopes;
    if (params.scope !== undefined) {
      const requested = params.scope.split(' ').filter(Boolean);
      if (requested.length === 0 || requested.some((s) => !granted.includes(s))) {
        throw new OAuthError('invalid_scope', 'scope exceeds the scope originally granted');
      }
      accessScopes = granted.filter((s) => requested.includes(s)).join(' ');
    }

    const now = this.clock.now();
    const issued = await this.db.transaction(async (m) => {
      const rotated = await m
        .createQueryBuilder()
        .update(OAuthRefreshToken)
        .set({ consumedAt: now.toISOString() })
        .where('token_hash = :tokenHash AND consumed_at IS NULL', { tokenHash })
        .execute();
      if (!rotated.affected) return undefined;
      const live = await this.liveGrant(m, grant.id);
      // RFC 6749 §6: the new refresh token keeps the scope of the old one
      return live && this.issue(m, live, accessScopes, row.scopes, now);
    });
    if (!issued) {
      await this.revokeGrant(grant.id, 'refresh_token_reuse');
      throw invalidGrant('refresh token already used; the grant has been revoked');
    }
    return this.respond(issued, now);
  }

  /**
   * RFC 7009. A refresh token revokes its whole grant (and so the access tokens issued with it); an access
   * token only itself. Unknown tokens, and tokens of other clients, are answered the same way (200), and left alone.
   */
  async revoke(client: OAuthClient, params: Record<string, string>): Promise<void> {
    const token = params.token;
    if (!token) throw new OAuthError('invalid_request', 'token is required');
    const refresh = await this.findRefreshToken(token);
    if (refresh) {
      if (refresh.grant.clientId === client.id) await this.revokeGrant(refresh.grant.id, 'revoked');
      return;
    }
    const access = await this.findAccessToken(token);
    if (access && access.clientId === client.id) {
      const now = this.clock.iso();
      await this.db.transaction((m) =>
        m
          .createQueryBuilder()
          .update(OAuthAccessToken)
          .set({ revokedAt: now })
          .where('jti = :jti AND revoked_at IS NULL', { jti: access.jti })
          .execute(),
      );
    }
  }

  /** RFC 7662: the token's metadata when it is live and was issued to this client; `{active: false}` otherwise. */
  async introspect(client: OAuthClient, params: Record<string, string>): Promise<Record<string, unknown>> {
    const token = params.token;
    if (!token) throw new OAuthError('invalid_request', 'token is required');
    const inactive = { active: false };
    const refresh = await this.findRefreshToken(token);
    if (refresh) {
      const { row, grant } = refresh;
      const live = !row.consumedAt && !grant.revokedAt && row.expiresAt > this.clock.iso();
      if (!live || grant.clientId !== client.id) return inactive;
      const user = await this.db.manager.findOneBy(User, { id: grant.userId });
      if (!user) return inactive;
      return {
        active: true,
        scope: row.scopes,
        client_id: grant.clientId,
        username: user.email,
        token_type: 'refresh_token',
        exp: Math.floor(Date.parse(row.expiresAt) / 1000),
        iat: Math.floor(Date.parse(row.createdAt) / 1000),
        sub: grant.userId,
        iss: this.accessTokens.issuer,
      };
    }
    if (!JWT_FORMAT.test(token)) return inactive;
    try {
      const { claims, record } = await this.accessTokens.check(token);
      if (record.clientId !== client.id) return inactive;
      return {
        active: true,
        scope: claims.scope,
        client_id: claims.client_id,
        username: record.email,
        token_type: 'Bearer',
        exp: claims.exp,
        iat: claims.iat,
        sub: claims.sub,
        aud: claims.aud,
        iss: claims.iss,
        jti: claims.jti,
      };
    } catch (err) {
      if (err instanceof AppException) return inactive;
      throw err;
    }
  }

  /** Ends a grant and, through it, every access and refresh token issued under it. */
  async revokeGrant(grantId: string, reason: RevocationReason): Promise<void> {
    const now = this.clock.iso();
    const result = await this.db.transaction((m) =>
      m
        .createQueryBuilder()
        .update(OAuthGrant)
        .set({ revokedAt: now, revokedReason: reason })
        .where('id = :grantId AND revoked_at IS NULL', { grantId })
        .execute(),
    );
    if (result.affected) this.logger.warn({ grantId, reason }, 'OAuth grant revoked');
  }

  /** RFC 7636 §4.6, and a verifier without a challenge is refused too (it proves nothing, and hints at a mix-up). */
  private checkPkce(challenge: string | null, verifier: string | undefined): void {
    if (challenge === null) {
      if (verifier !== undefined)
        throw invalidGrant('code_verifier sent but the authorization request had no code_challenge');
      return;
    }
    if (verifier === undefined) throw invalidGrant('code_verifier is required');
    if (!CODE_VERIFIER.test(verifier)) throw invalidGrant('code_verifier is malformed');
    const computed = createHash('sha256').update(verifier).digest('base64url');
    if (!safeEqual(computed, challenge)) throw invalidGrant('code_verifier does not match the code_challenge');
  }

  private async liveGrant(m: EntityManager, grantId: string): Promise<OAuthGrant | undefined> {
    const grant = await m.findOneBy(OAuthGrant, { id: grantId });
    return grant && !grant.revokedAt ? grant : undefined;
  }

  /** Records a new access token (by its jti) and a new refresh token; signing happens after the commit. */
  private async issue(
    m: EntityManager,
    grant: OAuthGrant,
    accessScopes: string,
    refreshScopes: string,
    now: Date,
  ): Promise<{ grant: OAuthGrant; jti: string; refreshToken: string; scope: string }> {
    const jti = randomSecret(16);
    const refreshToken = randomSecret(32);
    const at = (seconds: number) => new Date(now.getTime() + seconds * 1000).toISOString();
    await m.insert(OAuthAccessToken, {
      jti,
      grantId: grant.id,
      expiresAt: at(ACCESS_TOKEN_TTL_SECONDS),
      revokedAt: null,
      createdAt: now.toISOString(),
    });
    await m.insert(OAuthRefreshToken, {
      tokenHash: sha256Hex(refreshToken),
      grantId: grant.id,
      scopes: refreshScopes,
      expiresAt: at(REFRESH_TOKEN_TTL_SECONDS),
      consumedAt: null,
      createdAt: now.toISOString(),
    });
    return { grant, jti, refreshToken, scope: accessScopes };
  }

  private async respond(
    issued: { grant: OAuthGrant; jti: string; refreshToken: string; scope: string },
    now: Date,
  ): Promise<TokenResponse> {
    const accessToken = await this.accessTokens.sign({
      jti: issued.jti,
      userId: issued.grant.userId,
      clientId: issued.grant.clientId,
      scopes: issued.scope,
      issuedAt: now,
    });
    return {
      access_token: accessToken,
      token_type: 'Bearer',
      expires_in: ACCESS_TOKEN_TTL_SECONDS,
      refresh_token: issued.refreshToken,
      scope: issued.scope,
    };
  }

  private async findRefreshToken(token: string): Promise<{ row: OAuthRefreshToken; grant: OAuthGrant } | undefined> {
    if (JWT_FORMAT.test(token)) return undefined;
    const row = await this.db.manager.findOneBy(OAuthRefreshToken, { tokenHash: sha256Hex(token) });
    const grant = row ? await this.db.manager.findOneBy(OAuthGrant, { id: row.grantId }) : null;
    return row && grant ? { row, grant } : undefined;
  }

  /** An access token of ours (signature valid, not expired), whatever its revocation state. */
  private async findAccessToken(token: string): Promise<{ jti: string; clientId: string } | undefined> {
    if (!JWT_FORMAT.test(token)) return undefined;
    try {
      const claims = await this.accessTokens.verify(token);
      const record = await this.accessTokens.lookup(claims.jti);
      return record ? { jti: record.jti, clientId: record.clientId } : undefined;
    } catch (err) {
      if (err instanceof AppException && (err.code === ErrorCode.TokenInvalid || err.code === ErrorCode.TokenExpired)) {
        return undefined;
      }
      throw err;
    }
  }
}
