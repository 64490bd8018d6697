import { Injectable } from '@nestjs/common';
import { errors, type JWTHeaderParameters, jwtVerify, SignJWT } from 'jose';
import type { Principal } from '../auth/principal.js';
import { AppConfig } from '../config/app-config.js';
import { AppException } from '../common/errors/app.exception.js';
import { ErrorCode } from '../common/errors/error-code.js';
import { DatabaseService } from '../database/database.service.js';
import type { UserRole } from '../users/user.entity.js';
import { User } from '../users/user.entity.js';
import { OAuthAccessToken } from './oauth-access-token.entity.js';
import { OAUTH_SCOPES, type OAuthScope } from './oauth-client.entity.js';
import { OAuthGrant } from './oauth-grant.entity.js';
import { SigningKeys } from './signing-keys.service.js';

/** SPEC §8: `expires_in` 3600 */
export const ACCESS_TOKEN_TTL_SECONDS = 3600;
/** RFC 9068 media type of JWT access tokens, in the `typ` header */
const ACCESS_TOKEN_TYP = 'at+jwt';
/** a compact JWS (header.payload.signature); API keys never look like this */
export const JWT_FORMAT = /^eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  client_id: string;
  scope: string;
  jti: string;
  iat: number;
  exp: number;
}

/** What the database says about an access token: its grant, user and whether anything was revoked. */
export interface AccessTokenRecord {
  jti: string;
  grantId: string;
  userId: string;
  clientId: string;
  email: string;
  role: UserRole;
  live: boolean;
}

/**
 * RS256 JWT access tokens (RFC 9068 profile): signed with the current key, verified against our JWKS,
 * and backed by a row per token so that revoking the token or its grant ends it before `exp`.
 */
@Injectable()
export class AccessTokens {
  constructor(
    private readonly keys: SigningKeys,
    private readonly config: AppConfig,
    private readonly db: DatabaseService,
  ) {}

  get issuer(): string {
    return this.config.publicUrl;
  }

  /** The resource the tokens are for: the REST API. */
  get audience(): string {
    return `${this.config.publicUrl}/v1`;
  }

  sign(input: { jti: string; userId: string; clientId: string; scopes: string; issuedAt: Date }): Promise<string> {
    const { kid, privateKey } = this.keys.signing;
    const iat = Math.floor(input.issuedAt.getTime() / 1000);
    return new SignJWT({ client_id: input.clientId, scope: input.scopes })
      .setProtectedHeader({ alg: 'RS256', typ: ACCESS_TOKEN_TYP, kid })
      .setIssuer(this.issuer)
      .setSubject(input.userId)
      .setAudience(this.audience)
      .setJti(input.jti)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ACCESS_TOKEN_TTL_SECONDS)
      .sign(privateKey);
  }

  /**
   * Signature (one of our keys, RS256 only), `typ`, issuer, audience and expiry.
   * Throws 40102 when the token is ours but expired, 40101 for anything else.
   */
  async verify(token: string): Promise<AccessTokenClaims> {
    if (!JWT_FORMAT.test(token)) throw new AppException(ErrorCode.TokenInvalid);
    try {
      const { payload } = await jwtVerify(token, (header: JWTHeaderParameters) => this.keyFor(header), {
        algorithms: ['RS256'],
        typ: ACCESS_TOKEN_TYP,
        issuer: this.issuer,
        audience: this.audience,
        requiredClaims: ['sub', 'jti', 'iat', 'exp', 'client_id', 'scope'],
      });
      if (typeof payload.client_id !== 'string' || typeof payload.scope !== 'string') {
        throw new AppException(ErrorCode.TokenInvalid);
      }
      return payload as unknown as AccessTokenClaims;
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw new AppException(ErrorCode.TokenExpired);
      if (err instanceof errors.JOSEError || err instanceof AppException) {
        throw new AppException(ErrorCode.TokenInvalid);
      }
      throw err;
    }
  }

  /** One query: the token's row, its grant and user. Null when any of them is gone. */
  async lookup(jti: string): Promise<AccessTokenRecord | null> {
    const row = await this.db.manager
      .createQueryBuilder(OAuthAccessToken, 't')
      .innerJoin(OAuthGrant, 'g', 'g.id = t.grantId')
      .innerJoin(User, 'u', 'u.id = g.userId')
      .select('t.jti', 'jti')
      .addSelect('t.grantId', 'grantId')
      .addSelect('t.revokedAt', 'tokenRevokedAt')
      .addSelect('g.revokedAt', 'grantRevokedAt')
      .addSelect('g.userId', 'userId')
      .addSelect('g.clientId', 'clientId')
      .addSelect('u.email', 'email')
      .addSelect('u.role', 'role')
      .where('t.jti = :jti', { jti })
      .getRawOne<Record<string, string | null>>();
    if (!row) return null;
    return {
      jti: row.jti!,
      grantId: row.grantId!,
      userId: row.userId!,
      clientId: row.clientId!,
      email: row.email!,
      role: row.role as UserRole,
      live: row.tokenRevokedAt === null && row.grantRevokedAt === null,
    };
  }

  /** A verified, live token whose record matches its claims; 40101/40102 otherwise. */
  async check(token: string): Promise<{ claims: AccessTokenClaims; record: AccessTokenRecord }> {
    const claims = await this.verify(token);
    const record = await this.lookup(claims.jti);
    if (!record || !record.live || record.userId !== claims.sub || record.clientId !== claims.client_id) {
      throw new AppException(ErrorCode.TokenInvalid);
    }
    return { claims, record };
  }

  /** The `/v1` principal of an access token: the user, acting through the client, with the token's scopes. */
  async authenticate(token: string): Promise<Principal> {
    const { claims, record } = await this.check(token);
    const scopes = claims.scope
      .split(' ')
      .filter((s): s is OAuthScope => (OAUTH_SCOPES as readonly string[]).includes(s));
    return {
      type: 'oauth',
      userId: record.userId,
      role: record.role,
      scopes: new Set(scopes),
      clientId: record.clientId,
      key: `oauth:${record.userId}:${record.clientId}`,
    };
  }

  private keyFor(header: JWTHeaderParameters) {
    const key = this.keys.verificationKey(header.kid);
    if (!key) throw new errors.JWKSNoMatchingKey();
    return key;
  }
}
