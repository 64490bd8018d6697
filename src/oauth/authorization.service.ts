import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { Clock } from '../common/clock.js';
import { randomSecret, safeEqual, sha256Hex } from '../common/crypto.js';
import type { MessageKey, MessageParams } from '../common/i18n/messages.js';
import { newId } from '../common/ids.js';
import { DatabaseService } from '../database/database.service.js';
import { PasswordHasher } from '../users/password-hasher.js';
import { UsersService } from '../users/users.service.js';
import { LoginThrottle } from './login-throttle.service.js';
import { OAuthAuthorizationCode } from './oauth-authorization-code.entity.js';
import { OAUTH_SCOPES, type OAuthClient, type OAuthScope } from './oauth-client.entity.js';
import { OAuthClientsService, redirectUrisOf, scopesOf } from './oauth-clients.service.js';
import { OAuthGrant } from './oauth-grant.entity.js';
import type { Params } from './oauth-http.js';
import { OAuthInteraction } from './oauth-interaction.entity.js';
import { OAuthPageError } from './oauth.errors.js';
import { redirectWith } from './redirect-uri.js';

/** how long the user has to sign in and decide */
export const INTERACTION_TTL_SECONDS = 10 * 60;
/** SPEC §8: codes live at most 60 s */
export const CODE_TTL_SECONDS = 60;
/** RFC 7636 §4.2: BASE64URL(SHA256(verifier)) is 43 characters; the grammar allows 43..128 */
const CODE_CHALLENGE = /^[A-Za-z0-9._~-]{43,128}$/;
const INTERACTION_ID = /^[A-Za-z0-9_-]{43}$/;
const MAX_STATE_LENGTH = 4096;

/** What the user sees next. */
export type InteractionStep =
  | { kind: 'redirect'; location: string; completed?: boolean }
  | { kind: 'interaction'; uid: string }
  | {
      kind: 'login';
      clientName: string;
      csrfToken: string;
      email?: string;
      error?: { key: MessageKey; params?: MessageParams };
      status?: number;
      retryAfterSeconds?: number;
    }
  | {
      kind: 'consent';
      clientName: string;
      userEmail: string;
      scopes: OAuthScope[];
      redirectUri: string;
      csrfToken: string;
    };

/**
 * The front channel of the authorization code flow (RFC 6749 §4.1, PKCE RFC 7636): validates the
 * authorization request, keeps it as an interaction while the user signs in and consents, and answers the
 * client's redirect_uri with a code or `access_denied`. A request whose client or redirect_uri is not right
 * is never redirected anywhere: it ends on an error page.
 */
@Injectable()
export class AuthorizationService {
  constructor(
    @InjectRepository(OAuthInteraction) private readonly interactions: Repository<OAuthInteraction>,
    private readonly clients: OAuthClientsService,
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly throttle: LoginThrottle,
    private readonly db: DatabaseService,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  /** `GET /oauth/authorize` */
  async start(query: Params): Promise<InteractionStep> {
    const clientId = onlyOne(query, 'client_id');
    const client = await this.clients.find(clientId);
    if (!client) throw new OAuthPageError('oauth_error_client');
    const redirectUri = onlyOne(query, 'redirect_uri');
    if (redirectUri === undefined || !redirectUrisOf(client).includes(redirectUri)) {
      throw new OAuthPageError('oauth_error_redirect_uri');
    }

    // the redirect_uri is the client's own: from here on, problems are reported to the client
    const stateValue = query.state;
    const state = typeof stateValue === 'string' ? stateValue : undefined;
    const fail = (error: string, description: string): InteractionStep => ({
      kind: 'redirect',
      location: redirectWith(redirectUri, { error, error_description: description, state, iss: this.issuer }),
    });
    for (const name of ['response_type', 'scope', 'state', 'code_challenge', 'code_challenge_method']) {
      if (Array.isArray(query[name])) return fail('invalid_request', `${name} must not be repeated`);
    }
    if (state !== undefined && state.length > MAX_STATE_LENGTH) return fail('invalid_request', 'state is too long');
    const responseType = query.response_type as string | undefined;
    if (responseType === undefined) return fail('invalid_request', 'response_type is required');
    if (responseType !== 'code') return fail('unsupported_response_type', 'only response_type=code is supported');

    const allowed = scopesOf(client);
    const requested = typeof query.scope === 'string' ? query.scope.split(' ').filter(Boolean) : allowed;
    if (requested.length === 0) return fail('invalid_scope', 'scope is empty');
    if (requested.some((s) => !(allowed as string[]).includes(s))) {
      return fail('invalid_scope', `this client may request: ${allowed.join(' ')}`);
    }
    const scopes = OAUTH_SCOPES.filter((s) => requested.includes(s));

    const challenge = query.code_challenge as string | undefined;
    const method = query.code_challenge_method as string | undefined;
    if (challenge === undefined && method !== undefined) {
      return fail('invalid_request', 'code_challenge_method without code_challenge');
    }
    if (challenge !== undefined) {
      if ((method ?? 'plain') !== 'S256') return fail('invalid_request', 'code_challenge_method must be S256');
      if (!CODE_CHALLENGE.test(challenge)) return fail('invalid_request', 'code_challenge is malformed');
    } else if (client.type === 'public') {
      return fail('invalid_request', 'PKCE (code_challenge with S256) is required for public clients');
    }

    const uid = randomSecret(32);
    const now = this.clock.now();
    await this.db.transaction((m) =>
      m.insert(OAuthInteraction, {
        idHash: sha256Hex(uid),
        clientId: client.id,
        redirectUri,
        scopes: scopes.join(' '),
        state: state ?? null,
        codeChallenge: challenge ?? null,
        userId: null,
        csrfToken: randomSecret(24),
        expiresAt: new Date(now.getTime() + INTERACTION_TTL_SECONDS * 1000).toISOString(),
        completedAt: null,
        createdAt: now.toISOString(),
      }),
    );
    return { kind: 'interaction', uid };
  }

  /** `GET /oauth/interaction/:uid`: the login page, or the consent page once signed in. */
  async show(uid: string, cookie: string | undefined): Promise<InteractionStep> {
    const { interaction, client } = await this.open(uid, cookie);
    return this.pageFor(interaction, client);
  }

  /** `POST /oauth/interaction/:uid/login` with `email`, `password`, `csrf_token` */
  async login(uid: string, cookie: string | undefined, form: Params, ip: string): Promise<InteractionStep> {
    const { interaction, client } = await this.open(uid, cookie);
    checkCsrf(interaction, form);
    if (interaction.userId) return { kind: 'redirect', location: interactionPath(uid) };
    const email = typeof form.email === 'string' ? form.email.trim().toLowerCase().slice(0, 254) : '';
    const password = typeof form.password === 'string' ? form.password : '';
    const again = (key: MessageKey, status: number): InteractionStep => ({
      kind: 'login',
      clientName: client.name,
      csrfToken: interaction.csrfToken,
      email,
      error: { key },
      status,
    });
    if (!email || !password || password.length > 128) return again('oauth_login_missing', 400);

    const throttled = await this.throttle.attempt(email, ip);
    if (!throttled.allowed) {
      const minutes = Math.ceil(throttled.retryAfterSeconds / 60);
      return {
        kind: 'login',
        clientName: client.name,
        csrfToken: interaction.csrfToken,
        email,
        error: { key: 'oauth_login_throttled', params: { minutes } },
        status: 429,
        retryAfterSeconds: throttled.retryAfterSeconds,
      };
    }
    const user = await this.users.findByEmail(email);
    // verified against a dummy hash when there is no user: the answer takes as long either way
    if (!(await this.hasher.verify(user?.passwordHash ?? null, password)) || !user) {
      return again('oauth_login_failed', 401);
    }
    await this.throttle.succeeded(email, ip);
    // a fresh CSRF token for the consent form: nothing seen before sign-in is worth anything after it
    const signedIn = await this.db.transaction((m) =>
      m
        .createQueryBuilder()
        .update(OAuthInteraction)
        .set({ userId: user.id, csrfToken: randomSecret(24) })
        .where('id_hash = :id AND user_id IS NULL AND completed_at IS NULL', { id: interaction.idHash })
        .execute(),
    );
    if (!signedIn.affected) throw new OAuthPageError('oauth_error_expired');
    return { kind: 'redirect', location: interactionPath(uid) };
  }

  /** `POST /oauth/interaction/:uid/consent` with `csrf_token` and `decision=approve|deny` */
  async decide(uid: string, cookie: string | undefined, form: Params): Promise<InteractionStep> {
    const { interaction } = await this.open(uid, cookie);
    checkCsrf(interaction, form);
    if (!interaction.userId) return { kind: 'redirect', location: interactionPath(uid) };
    const decision = form.decision;
    if (decision !== 'approve' && decision !== 'deny') throw new OAuthPageError('oauth_error_decision');
    const state = interaction.state ?? undefined;
    const now = this.clock.now();
    const code = randomSecret(32);
    await this.db.transaction(async (m) => {
      // completes once: a double submit (or a replayed form) cannot mint a second code
      const done = await m
        .createQueryBuilder()
        .update(OAuthInteraction)
        .set({ completedAt: now.toISOString() })
        .where('id_hash = :id AND completed_at IS NULL', { id: interaction.idHash })
        .execute();
      if (!done.affected) throw new OAuthPageError('oauth_error_expired');
      if (decision === 'deny') return;
      const grant: OAuthGrant = {
        id: newId('grt'),
        clientId: interaction.clientId,
        userId: interaction.userId!,
        scopes: interaction.scopes,
        createdAt: now.toISOString(),
        revokedAt: null,
        revokedReason: null,
      };
      await m.insert(OAuthGrant, grant);
      await m.insert(OAuthAuthorizationCode, {
        codeHash: sha256Hex(code),
        grantId: grant.id,
        clientId: interaction.clientId,
        redirectUri: interaction.redirectUri,
        scopes: interaction.scopes,
        codeChallenge: interaction.codeChallenge,
        expiresAt: new Date(now.getTime() + CODE_TTL_SECONDS * 1000).toISOString(),
        consumedAt: null,
        createdAt: now.toISOString(),
      });
    });
    const params =
      decision === 'approve'
        ? { code, state, iss: this.issuer }
        : { error: 'access_denied', error_description: 'the user denied the request', state, iss: this.issuer };
    return { kind: 'redirect', location: redirectWith(interaction.redirectUri, params), completed: true };
  }

  private get issuer(): string {
    return this.config.publicUrl;
  }

  private async pageFor(interaction: OAuthInteraction, client: OAuthClient): Promise<InteractionStep> {
    if (!interaction.userId) return { kind: 'login', clientName: client.name, csrfToken: interaction.csrfToken };
    const user = await this.users.get(interaction.userId);
    return {
      kind: 'consent',
      clientName: client.name,
      userEmail: user.email,
      scopes: interaction.scopes.split(' ') as OAuthScope[],
      redirectUri: interaction.redirectUri,
      csrfToken: interaction.csrfToken,
    };
  }

  /** A live interaction, opened from the browser that started it (the cookie carries the same id). */
  private async open(
    uid: string,
    cookie: string | undefined,
  ): Promise<{ interaction: OAuthInteraction; client: OAuthClient }> {
    const interaction = INTERACTION_ID.test(uid) ? await this.interactions.findOneBy({ idHash: sha256Hex(uid) }) : null;
    if (!interaction || interaction.completedAt || interaction.expiresAt <= this.clock.iso()) {
      throw new OAuthPageError('oauth_error_expired');
    }
    if (!cookie || !safeEqual(cookie, uid)) throw new OAuthPageError('oauth_error_expired', 403);
    const client = await this.clients.find(interaction.clientId);
    if (!client) throw new OAuthPageError('oauth_error_expired');
    return { interaction, client };
  }
}

export function interactionPath(uid: string): string {
  return `/oauth/interaction/${uid}`;
}

/** A parameter that must appear at most once; repeated → error page (it may be the client_id or redirect_uri). */
function onlyOne(params: Params, name: string): string | undefined {
  const value = params[name];
  if (Array.isArray(value)) throw new OAuthPageError('oauth_error_repeated', 400, { name });
  return value;
}

function checkCsrf(interaction: OAuthInteraction, form: Params): void {
  const token = form.csrf_token;
  if (typeof token !== 'string' || !safeEqual(token, interaction.csrfToken)) {
    throw new OAuthPageError('oauth_error_csrf', 403);
  }
}
