import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import * as oidc from 'openid-client';
import pg from 'pg';
import { ApiClient } from './helpers/api-client.js';
import { type Gateway, PROFILE, startGateway } from './helpers/gateway.js';
import {
  authorizeAs,
  basic,
  createUser,
  csrfTokenOf,
  expiredCopyOf,
  formActionOf,
  openAuthorization,
  postForm,
  type RegisteredClient,
  registerClient,
  signIn,
  UserAgent,
} from './helpers/oauth.js';

const APP_CALLBACK = 'https://app.example.com/callback';
const SPA_CALLBACK = 'http://127.0.0.1:8123/callback';
/** a state with everything that tends to get mangled: spaces, +, %, &, =, /, non-ASCII */
const TRICKY_STATE = 'a b+c%2F&d=e/é 状态 ~!*()';

describe('OAuth 2.0 authorization server', () => {
  let gw: Gateway;
  let alice: { id: string; email: string };
  let app: RegisteredClient;
  let spa: RegisteredClient;
  let other: RegisteredClient;

  beforeAll(async () => {
    gw = await startGateway();
    alice = await createUser(gw, 'alice@example.com');
    app = await registerClient(gw, { name: 'Acme Dashboard', redirectUris: [APP_CALLBACK] });
    spa = await registerClient(gw, {
      name: 'Acme Mobile',
      type: 'public',
      redirectUris: [SPA_CALLBACK],
      scopes: ['read'],
    });
    other = await registerClient(gw, { name: 'Other App', redirectUris: ['https://other.example.net/cb'] });
  });
  afterAll(() => gw.stop());

  /** openid-client, configured the way a third-party app would: discovery from the issuer URL. */
  const discover = (client: RegisteredClient, auth: oidc.ClientAuth) =>
    oidc.discovery(new URL(gw.baseUrl), client.clientId, undefined, auth, {
      execute: [oidc.allowInsecureRequests],
      algorithm: 'oauth2',
    });

  function authorizeUrl(client: RegisteredClient, params: Record<string, string | undefined> = {}): URL {
    const url = new URL('/oauth/authorize', gw.baseUrl);
    const all: Record<string, string | undefined> = {
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: client.redirectUris[0],
      scope: client.scopes.join(' '),
      state: 'xyz',
      ...params,
    };
    for (const [name, value] of Object.entries(all)) if (value !== undefined) url.searchParams.set(name, value);
    return url;
  }

  /** A fresh code for `client` (through login and consent), with PKCE unless `pkce: false`. */
  async function codeFor(client: RegisteredClient, options: { pkce?: boolean } = {}) {
    const verifier = oidc.randomPKCECodeVerifier();
    const pkce =
      options.pkce === false
        ? {}
        : { code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' };
    const back = await authorizeAs(gw, authorizeUrl(client, pkce), alice.email);
    const code = back.searchParams.get('code');
    if (!code) throw new Error(`no code: ${back.href}`);
    return { code, verifier };
  }

  const credentials = (client: RegisteredClient) => ({
    client_id: client.clientId,
    ...(client.clientSecret && { client_secret: client.clientSecret }),
  });

  const redeem = (client: RegisteredClient, code: string, extra: Record<string, string> = {}) =>
    postForm(gw, '/oauth/token', {
      grant_type: 'authorization_code',
      code,
      redirect_uri: client.redirectUris[0]!,
      ...credentials(client),
      ...extra,
    });

  const refresh = (client: RegisteredClient, refreshToken: string) =>
    postForm(gw, '/oauth/token', { grant_type: 'refresh_token', refresh_token: refreshToken, ...credentials(client) });

  const asBearer = (token: string) => new ApiClient(gw.baseUrl, token);

  function expectOAuthError(res: { status: number; headers: Headers; body: any }, status: number, error: string) {
    expect({ status: res.status, error: res.body?.error }).toEqual({ status, error });
    expect(Object.keys(res.body).sort()).toEqual(['error', 'error_description']);
    expect(res.headers.get('cache-control')).toBe('no-store');
  }

  describe('client registration (/v1/oauth/clients)', () => {
    it('shows the secret of a confidential client once, and never again', async () => {
      expect(app).toEqual({
        id: expect.stringMatching(/^cli_[0-9A-Z]{26}$/),
        clientId: app.id,
        clientSecret: expect.stringMatching(/^[\w-]{43}$/),
        name: 'Acme Dashboard',
        redirectUris: [APP_CALLBACK],
        scopes: ['read', 'write'],
        type: 'confidential',
        createdAt: expect.any(String),
      });
      expect(spa).not.toHaveProperty('clientSecret');
      const got = await gw.api.get(`/v1/oauth/clients/${app.id}`);
      expect(got.status).toBe(200);
      expect(got.body.data).not.toHaveProperty('clientSecret');
      const list = await gw.api.get('/v1/oauth/clients?type=public');
      expect(list.body.data.items.map((c: RegisteredClient) => c.id)).toEqual([spa.id]);
      expect(list.text).not.toContain(app.clientSecret);
    });

    it('refuses redirect URIs that are not https (or http on loopback), or carry a fragment or user info', async () => {
      const res = await gw.api.post(
        '/v1/oauth/clients',
        {
          name: 'Bad',
          redirectUris: [
            'https://ok.example.com/cb',
            'http://app.example.com/cb',
            'https://a.example.com/cb#x',
            'https://good.com@evil.com/cb',
          ],
          scopes: ['read'],
          type: 'confidential',
        },
        { 'Accept-Language': 'en-US' },
      );
      expect(res.status).toBe(400);
      expect(res.body.code).toBe(40001);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([
        'redirectUris[1]',
        'redirectUris[2]',
        'redirectUris[3]',
      ]);
      const unknown = await gw.api.post('/v1/oauth/clients', {
        name: 'X',
        redirectUris: [APP_CALLBACK],
        scopes: ['admin'],
        type: 'confidential',
      });
      expect(unknown.body.code).toBe(40001);
    });

    it('needs the admin scope', async () => {
      const key = await gw.api.post('/v1/api-keys', { name: 'rw', scopes: ['read', 'write'] });
      const res = await new ApiClient(gw.baseUrl, key.body.data.key).get('/v1/oauth/clients');
      expect(res.status).toBe(403);
      expect(res.body.code).toBe(40301);
    });
  });

  describe('used by openid-client as a third-party app would', () => {
    it('discovers the metadata (RFC 8414) and the JWKS', async () => {
      const config = await discover(app, oidc.ClientSecretPost(app.clientSecret));
      const meta = config.serverMetadata();
      // PUBLIC_URL is unset and HTTP_PORT=0: the issuer follows the port actually bound
      expect(meta.issuer).toBe(gw.baseUrl);
      expect(meta).toMatchObject({
        authorization_endpoint: `${gw.baseUrl}/oauth/authorize`,
        token_endpoint: `${gw.baseUrl}/oauth/token`,
        revocation_endpoint: `${gw.baseUrl}/oauth/revoke`,
        introspection_endpoint: `${gw.baseUrl}/oauth/introspect`,
        jwks_uri: `${gw.baseUrl}/.well-known/jwks.json`,
        code_challenge_methods_supported: ['S256'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
      });
      const jwks: any = await (await fetch(meta.jwks_uri!)).json();
      expect(jwks.keys).toEqual([
        { kty: 'RSA', n: expect.any(String), e: 'AQAB', kid: expect.any(String), alg: 'RS256', use: 'sig' },
      ]);
    });

    it('code + PKCE, then /v1 as the user, introspection, refresh rotation and revocation', async () => {
      const config = await discover(app, oidc.ClientSecretPost(app.clientSecret));
      const verifier = oidc.randomPKCECodeVerifier();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: APP_CALLBACK,
        scope: 'read write',
        state: TRICKY_STATE,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      });
      const back = await authorizeAs(gw, url, alice.email);
      expect(back.origin + back.pathname).toBe(APP_CALLBACK);
      expect(back.searchParams.get('state')).toBe(TRICKY_STATE);
      expect(back.searchParams.get('iss')).toBe(gw.baseUrl);

      const tokens = await oidc.authorizationCodeGrant(config, back, {
        pkceCodeVerifier: verifier,
        expectedState: TRICKY_STATE,
      });
      expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 3600, scope: 'read write' });
      expect(tokens.refresh_token).toEqual(expect.any(String));
      const header = decodeProtectedHeader(tokens.access_token);
      const jwks: any = await (await fetch(`${gw.baseUrl}/.well-known/jwks.json`)).json();
      expect(header).toEqual({ alg: 'RS256', typ: 'at+jwt', kid: jwks.keys[0].kid });
      expect(decodeJwt(tokens.access_token)).toMatchObject({
        iss: gw.baseUrl,
        sub: alice.id,
        aud: `${gw.baseUrl}/v1`,
        client_id: app.clientId,
        scope: 'read write',
      });

      // the principal is the user, acting through the client
      const api = asBearer(tokens.access_token);
      const me = await api.get('/v1/users/me');
      expect(me.status).toBe(200);
      expect(me.body.data).toMatchObject({ id: alice.id, email: alice.email });
      expect(me.headers.get('x-ratelimit-limit')).toBe('1000');
      const created = await api.post('/v1/customers', { name: 'Created through OAuth' });
      expect(created.status).toBe(201);

      const introspected = await oidc.tokenIntrospection(config, tokens.access_token);
      expect(introspected).toMatchObject({
        active: true,
        client_id: app.clientId,
        sub: alice.id,
        username: alice.email,
        scope: 'read write',
        token_type: 'Bearer',
        iss: gw.baseUrl,
      });

      const rotated = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
      expect(rotated.refresh_token).not.toBe(tokens.refresh_token);
      expect(rotated.access_token).not.toBe(tokens.access_token);
      expect((await asBearer(rotated.access_token).get('/v1/users/me')).status).toBe(200);
      expect(await oidc.tokenIntrospection(config, tokens.refresh_token!)).toEqual({ active: false });
      expect(await oidc.tokenIntrospection(config, rotated.refresh_token!)).toMatchObject({
        active: true,
        token_type: 'refresh_token',
      });

      // revoking the refresh token ends the grant: every access token issued under it stops working
      await oidc.tokenRevocation(config, rotated.refresh_token!);
      for (const token of [tokens.access_token, rotated.access_token]) {
        const res = await asBearer(token).get('/v1/users/me');
        expect({ status: res.status, code: res.body.code }).toEqual({ status: 401, code: 40101 });
      }
      expect(await oidc.tokenIntrospection(config, rotated.access_token)).toEqual({ active: false });
      await expect(oidc.refreshTokenGrant(config, rotated.refresh_token!)).rejects.toMatchObject({
        error: 'invalid_grant',
      });
    });

    it('authenticates with HTTP Basic too (client_secret_basic)', async () => {
      const config = await discover(app, oidc.ClientSecretBasic(app.clientSecret));
      const verifier = oidc.randomPKCECodeVerifier();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: APP_CALLBACK,
        scope: 'read',
        state: 's1',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      });
      const tokens = await oidc.authorizationCodeGrant(config, await authorizeAs(gw, url, alice.email), {
        pkceCodeVerifier: verifier,
        expectedState: 's1',
      });
      expect(tokens.scope).toBe('read');
      const rotated = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
      expect((await asBearer(rotated.access_token).get('/v1/customers')).status).toBe(200);
      // a read-only token cannot write
      const denied = await asBearer(rotated.access_token).post('/v1/customers', { name: 'nope' });
      expect({ status: denied.status, code: denied.body.code }).toEqual({ status: 403, code: 40301 });
    });

    it('serves a public client (PKCE, no secret), which cannot introspect', async () => {
      const config = await discover(spa, oidc.None());
      const verifier = oidc.randomPKCECodeVerifier();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: SPA_CALLBACK,
        scope: 'read',
        state: 'p1',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      });
      const tokens = await oidc.authorizationCodeGrant(config, await authorizeAs(gw, url, alice.email), {
        pkceCodeVerifier: verifier,
        expectedState: 'p1',
      });
      expect((await asBearer(tokens.access_token).get('/v1/users/me')).body.data.id).toBe(alice.id);
      const rotated = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
      await expect(oidc.tokenIntrospection(config, rotated.access_token)).rejects.toMatchObject({
        error: 'invalid_client',
      });
      await oidc.tokenRevocation(config, rotated.access_token);
      expect((await asBearer(rotated.access_token).get('/v1/users/me')).status).toBe(401);
      // an access token is revoked alone: the refresh token still works
      const again = await oidc.refreshTokenGrant(config, rotated.refresh_token!);
      expect((await asBearer(again.access_token).get('/v1/users/me')).status).toBe(200);
    });
  });

  describe('authorization request with a bad client or redirect_uri: an error page, never a redirect', () => {
    it.each([
      ['a trailing slash', `${APP_CALLBACK}/`],
      ['an extra path segment', `${APP_CALLBACK}/extra`],
      ['an extra query', `${APP_CALLBACK}?next=/admin`],
      ['another host that starts with the good one', 'https://app.example.com.evil.com/callback'],
      ['the good host as user info of another', 'https://app.example.com@evil.com/callback'],
      ['http instead of https', 'http://app.example.com/callback'],
      ['another case', 'https://APP.example.com/callback'],
      ['no redirect_uri at all', undefined],
    ])('redirect_uri with %s', async (_, redirectUri) => {
      // response_type=token is wrong too: the redirect_uri check must come first and not redirect the error
      const res = await new UserAgent(gw.baseUrl).get(
        authorizeUrl(app, { redirect_uri: redirectUri, response_type: 'token' }).href,
      );
      expect(res.status).toBe(400);
      expect(res.location).toBeNull();
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.text).toContain('redirect_uri is missing or not registered');
      expect(res.text).not.toContain('evil.com');
    });

    it.each([
      ['unknown', 'cli_01ARZ3NDEKTSV4RRFFQ69G5FAV'],
      ['malformed', '../../etc/passwd'],
      ['missing', undefined],
    ])('client_id %s', async (_, clientId) => {
      const res = await new UserAgent(gw.baseUrl).get(authorizeUrl(app, { client_id: clientId }).href);
      expect(res.status).toBe(400);
      expect(res.location).toBeNull();
      expect(res.text).toContain('Unknown application');
    });

    it('a repeated redirect_uri', async () => {
      const url = authorizeUrl(app);
      url.searchParams.append('redirect_uri', 'https://evil.example/cb');
      const res = await new UserAgent(gw.baseUrl).get(url.href);
      expect({ status: res.status, location: res.location }).toEqual({ status: 400, location: null });
    });

    it('speaks the default language (zh-CN) without Accept-Language', async () => {
      const res = await new UserAgent(gw.baseUrl, {}).get(
        authorizeUrl(app, { redirect_uri: 'https://x.example/cb' }).href,
      );
      expect(res.text).toContain('<html lang="zh-CN">');
      expect(res.text).toContain('redirect_uri 缺失');
    });
  });

  describe('other errors go back to the registered redirect_uri, state byte-identical', () => {
    it.each([
      ['an unsupported response_type', { response_type: 'token' }, 'unsupported_response_type'],
      ['a scope the client may not ask for', { scope: 'read admin' }, 'invalid_scope'],
      ['PKCE "plain"', { code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }, 'invalid_request'],
      ['a malformed code_challenge', { code_challenge: 'short', code_challenge_method: 'S256' }, 'invalid_request'],
    ])('%s', async (_, params, error) => {
      const res = await new UserAgent(gw.baseUrl).get(authorizeUrl(app, { ...params, state: TRICKY_STATE }).href);
      expect(res.status).toBe(303);
      const back = new URL(res.location!);
      expect(back.origin + back.pathname).toBe(APP_CALLBACK);
      expect(back.searchParams.get('error')).toBe(error);
      expect(back.searchParams.get('state')).toBe(TRICKY_STATE);
      expect(back.searchParams.get('iss')).toBe(gw.baseUrl);
    });

    it('a public client without PKCE', async () => {
      const res = await new UserAgent(gw.baseUrl).get(authorizeUrl(spa).href);
      const back = new URL(res.location!);
      expect(back.searchParams.get('error')).toBe('invalid_request');
      expect(back.searchParams.get('error_description')).toContain('PKCE');
    });

    it('deny on the consent page → access_denied', async () => {
      const back = await authorizeAs(gw, authorizeUrl(app, { state: TRICKY_STATE }), alice.email, 'deny');
      expect(back.origin + back.pathname).toBe(APP_CALLBACK);
      expect(back.searchParams.get('error')).toBe('access_denied');
      expect(back.searchParams.get('state')).toBe(TRICKY_STATE);
      expect(back.searchParams.has('code')).toBe(false);
    });
  });

  describe('login and consent pages', () => {
    it('forbid framing and caching', async () => {
      const agent = new UserAgent(gw.baseUrl);
      const login = await openAuthorization(agent, authorizeUrl(app));
      const consent = await signIn(agent, login, alice.email);
      for (const page of [login, consent]) {
        expect(page.status).toBe(200);
        expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
        expect(page.headers.get('x-frame-options')).toBe('DENY');
        expect(page.headers.get('cache-control')).toBe('no-store');
      }
      expect(login.text).toContain('name="email"');
      expect(login.text).toContain('name="password"');
      expect(consent.text).toContain('Acme Dashboard');
      expect(consent.text).toContain('alice@example.com');
      expect(consent.text).toMatch(/name="decision" value="approve"/);
      expect(consent.text).toMatch(/name="decision" value="deny"/);
      // the consent form may lead to the client: its origin is allowed as a form target, nothing else
      expect(consent.headers.get('content-security-policy')).toContain("form-action 'self' https://app.example.com");
    });

    it('refuse a consent POST without (or with a wrong) CSRF token, and issue no code', async () => {
      const agent = new UserAgent(gw.baseUrl);
      const consent = await signIn(agent, await openAuthorization(agent, authorizeUrl(app)), alice.email);
      for (const form of [{ decision: 'approve' }, { decision: 'approve', csrf_token: 'forged' }] as Record<
        string,
        string
      >[]) {
        const res = await agent.post(formActionOf(consent.text), form);
        expect({ status: res.status, location: res.location }).toEqual({ status: 403, location: null });
        expect(res.text).toContain('CSRF');
      }
      // the login form's token is not the consent form's: it was rotated at sign-in
      const loginToken = csrfTokenOf((await openAuthorization(new UserAgent(gw.baseUrl), authorizeUrl(app))).text);
      expect(loginToken).not.toBe(csrfTokenOf(consent.text));
      // the real token still works once
      const ok = await agent.post(formActionOf(consent.text), {
        csrf_token: csrfTokenOf(consent.text),
        decision: 'approve',
      });
      expect(ok.status).toBe(303);
      expect(new URL(ok.location!).searchParams.get('code')).toBeTruthy();
      const twice = await agent.post(formActionOf(consent.text), {
        csrf_token: csrfTokenOf(consent.text),
        decision: 'approve',
      });
      expect({ status: twice.status, location: twice.location }).toEqual({ status: 400, location: null });
    });

    it('refuse a login POST without CSRF token, and an interaction opened in another browser', async () => {
      const agent = new UserAgent(gw.baseUrl);
      const login = await openAuthorization(agent, authorizeUrl(app));
      const res = await agent.post(formActionOf(login.text), { email: alice.email, password: 'x' });
      expect(res.status).toBe(403);
      const elsewhere = await new UserAgent(gw.baseUrl).get(formActionOf(login.text).replace(/\/login$/, ''));
      expect(elsewhere.status).toBe(403);
    });

    it('say so when the password is wrong, without telling whether the account exists', async () => {
      const texts: string[] = [];
      for (const email of [alice.email, 'nobody@example.com']) {
        const agent = new UserAgent(gw.baseUrl);
        const login = await openAuthorization(agent, authorizeUrl(app));
        const res = await agent.post(formActionOf(login.text), {
          email,
          password: 'wrong password',
          csrf_token: csrfTokenOf(login.text),
        });
        expect(res.status).toBe(401);
        expect(res.text).toContain('Incorrect email or password');
        texts.push(
          res.text
            .replace(email, 'EMAIL')
            .replace(formActionOf(login.text), 'ACTION')
            .replace(csrfTokenOf(login.text), 'CSRF'),
        );
      }
      expect(texts[0]).toBe(texts[1]);
    });
  });

  describe('token endpoint', () => {
    it('answers exactly as the seed, uncached', async () => {
      const { code, verifier } = await codeFor(app);
      const res = await redeem(app, code, { code_verifier: verifier });
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(Object.keys(res.body).sort()).toEqual([
        'access_token',
        'expires_in',
        'refresh_token',
        'scope',
        'token_type',
      ]);
      expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600, scope: 'read write' });
    });

    it('a code used twice: the second redemption fails and revokes what the first one got', async () => {
      const { code, verifier } = await codeFor(app);
      const first = await redeem(app, code, { code_verifier: verifier });
      expect(first.status).toBe(200);
      expect((await asBearer(first.body.access_token).get('/v1/users/me')).status).toBe(200);
      expectOAuthError(await redeem(app, code, { code_verifier: verifier }), 400, 'invalid_grant');
      const after = await asBearer(first.body.access_token).get('/v1/users/me');
      expect({ status: after.status, code: after.body.code }).toEqual({ status: 401, code: 40101 });
      expectOAuthError(await refresh(app, first.body.refresh_token), 400, 'invalid_grant');
    });

    it('10 parallel redemptions of one code: exactly one succeeds', async () => {
      const { code, verifier } = await codeFor(app);
      const results = await Promise.all(
        Array.from({ length: 10 }, () => redeem(app, code, { code_verifier: verifier })),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 400, 400, 400, 400, 400, 400, 400, 400, 400]);
      for (const r of results.filter((r) => r.status === 400)) expect(r.body.error).toBe('invalid_grant');
    });

    it("refuses another client's code, which its owner can still redeem", async () => {
      const { code, verifier } = await codeFor(app);
      expectOAuthError(
        await redeem(other, code, { code_verifier: verifier, redirect_uri: APP_CALLBACK }),
        400,
        'invalid_grant',
      );
      expect((await redeem(app, code, { code_verifier: verifier })).status).toBe(200);
    });

    it('checks redirect_uri and PKCE: wrong or missing verifier, verifier without a challenge', async () => {
      const { code, verifier } = await codeFor(app);
      expectOAuthError(
        await redeem(app, code, { code_verifier: verifier, redirect_uri: `${APP_CALLBACK}/` }),
        400,
        'invalid_grant',
      );
      expectOAuthError(await redeem(app, code, { code_verifier: oidc.randomPKCECodeVerifier() }), 400, 'invalid_grant');
      expectOAuthError(await redeem(app, code), 400, 'invalid_grant');
      expect((await redeem(app, code, { code_verifier: verifier })).status).toBe(200);

      const plain = await codeFor(app, { pkce: false });
      const res = await redeem(app, plain.code, { code_verifier: oidc.randomPKCECodeVerifier() });
      expectOAuthError(res, 400, 'invalid_grant');
      expect(res.body.error_description).toContain('code_challenge');
      // PKCE is honoured for confidential clients, not required
      expect((await redeem(app, plain.code)).status).toBe(200);
    });

    it('an old refresh token used again revokes the whole grant', async () => {
      const { code, verifier } = await codeFor(app);
      const first = (await redeem(app, code, { code_verifier: verifier })).body;
      const second = await refresh(app, first.refresh_token);
      expect(second.status).toBe(200);
      expectOAuthError(await refresh(app, first.refresh_token), 400, 'invalid_grant');
      // the legitimate holder of the newest tokens is cut off too: the grant is gone
      expectOAuthError(await refresh(app, second.body.refresh_token), 400, 'invalid_grant');
      for (const token of [first.access_token, second.body.access_token]) {
        expect((await asBearer(token).get('/v1/users/me')).body.code).toBe(40101);
      }
    });

    it("refuses another client's refresh token and narrows scope on request", async () => {
      const { code, verifier } = await codeFor(app);
      const tokens = (await redeem(app, code, { code_verifier: verifier })).body;
      expectOAuthError(await refresh(other, tokens.refresh_token), 400, 'invalid_grant');
      const narrowed = await postForm(gw, '/oauth/token', {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        scope: 'read',
        ...credentials(app),
      });
      expect(narrowed.body.scope).toBe('read');
      const wider = await postForm(gw, '/oauth/token', {
        grant_type: 'refresh_token',
        refresh_token: narrowed.body.refresh_token,
        scope: 'read write admin',
        ...credentials(app),
      });
      expectOAuthError(wider, 400, 'invalid_scope');
    });

    it('credentials in both Basic and the body, or in the query string: invalid_request', async () => {
      const { code, verifier } = await codeFor(app);
      const both = await postForm(
        gw,
        '/oauth/token',
        {
          grant_type: 'authorization_code',
          code,
          redirect_uri: APP_CALLBACK,
          code_verifier: verifier,
          ...credentials(app),
        },
        { Authorization: basic(app.clientId, app.clientSecret!) },
      );
      expectOAuthError(both, 400, 'invalid_request');
      const query = new URLSearchParams(credentials(app));
      const inQuery = await postForm(gw, `/oauth/token?${query.toString()}`, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: APP_CALLBACK,
        code_verifier: verifier,
      });
      expectOAuthError(inQuery, 400, 'invalid_request');
      // neither consumed the code
      expect((await redeem(app, code, { code_verifier: verifier })).status).toBe(200);
    });

    it('invalid_client is 401, with WWW-Authenticate when Basic was used', async () => {
      const viaBasic = await postForm(
        gw,
        '/oauth/token',
        { grant_type: 'refresh_token', refresh_token: 'x' },
        { Authorization: basic(app.clientId, 'wrong') },
      );
      expectOAuthError(viaBasic, 401, 'invalid_client');
      expect(viaBasic.headers.get('www-authenticate')).toMatch(/^Basic realm="oauth"/);
      const viaBody = await postForm(gw, '/oauth/token', {
        grant_type: 'refresh_token',
        refresh_token: 'x',
        client_id: app.clientId,
        client_secret: 'wrong',
      });
      expectOAuthError(viaBody, 401, 'invalid_client');
      expect(viaBody.headers.get('www-authenticate')).toBeNull();
      const anonymous = await postForm(gw, '/oauth/token', { grant_type: 'refresh_token', refresh_token: 'x' });
      expectOAuthError(anonymous, 401, 'invalid_client');
      const noSecret = await postForm(gw, '/oauth/token', {
        grant_type: 'refresh_token',
        refresh_token: 'x',
        client_id: app.clientId,
      });
      expectOAuthError(noSecret, 401, 'invalid_client');
    });

    it('RFC 6749 errors for malformed requests', async () => {
      const auth = credentials(app);
      expectOAuthError(await postForm(gw, '/oauth/token', { ...auth }), 400, 'invalid_request');
      expectOAuthError(
        await postForm(gw, '/oauth/token', { grant_type: 'password', ...auth }),
        400,
        'unsupported_grant_type',
      );
      expectOAuthError(
        await postForm(gw, '/oauth/token', { grant_type: 'authorization_code', ...auth }),
        400,
        'invalid_request',
      );
      expectOAuthError(
        await postForm(gw, '/oauth/token', {
          grant_type: 'authorization_code',
          code: 'nope',
          redirect_uri: APP_CALLBACK,
          ...auth,
        }),
        400,
        'invalid_grant',
      );
      const repeated = await fetch(`${gw.baseUrl}/oauth/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `grant_type=refresh_token&refresh_token=a&refresh_token=b&client_id=${app.clientId}&client_secret=${app.clientSecret}`,
      });
      expect(repeated.status).toBe(400);
      expect(((await repeated.json()) as any).error).toBe('invalid_request');
      const json = await fetch(`${gw.baseUrl}/oauth/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: 'a', ...auth }),
      });
      expect(json.status).toBe(400);
      expect(((await json.json()) as any).error).toBe('invalid_request');
    });

    it('revocation answers 200 for unknown tokens and leaves other clients’ tokens alone', async () => {
      const { code, verifier } = await codeFor(app);
      const tokens = (await redeem(app, code, { code_verifier: verifier })).body;
      expect((await postForm(gw, '/oauth/revoke', { token: 'unknown', ...credentials(app) })).status).toBe(200);
      expect((await postForm(gw, '/oauth/revoke', { token: tokens.refresh_token, ...credentials(other) })).status).toBe(
        200,
      );
      expect((await postForm(gw, '/oauth/revoke', { token: tokens.access_token, ...credentials(other) })).status).toBe(
        200,
      );
      expect((await asBearer(tokens.access_token).get('/v1/users/me')).status).toBe(200);
      expect((await refresh(app, tokens.refresh_token)).status).toBe(200);
      expectOAuthError(
        await postForm(gw, '/oauth/revoke', { token: 'x', client_id: app.clientId, client_secret: 'bad' }),
        401,
        'invalid_client',
      );
      const introspected = await postForm(gw, '/oauth/introspect', {
        token: tokens.access_token,
        ...credentials(other),
      });
      expect(introspected.body).toEqual({ active: false });
    });
  });

  describe('access tokens on /v1', () => {
    let tokens: { access_token: string; refresh_token: string };
    beforeAll(async () => {
      const { code, verifier } = await codeFor(app);
      tokens = (await redeem(app, code, { code_verifier: verifier })).body;
    });

    it('an expired token is 40102', async () => {
      const expired = await expiredCopyOf(gw, tokens.access_token);
      const res = await asBearer(expired).get('/v1/users/me');
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 401, code: 40102 });
      expect((await postForm(gw, '/oauth/introspect', { token: expired, ...credentials(app) })).body).toEqual({
        active: false,
      });
    });

    it('a token not signed by our key is 40101, even when it claims to be expired', async () => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const claims = decodeJwt(tokens.access_token);
      const header = decodeProtectedHeader(tokens.access_token);
      for (const exp of [claims.exp!, Math.floor(Date.now() / 1000) - 60]) {
        const forged = await new SignJWT({ ...claims, exp })
          .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: header.kid! })
          .sign(privateKey);
        expect((await asBearer(forged).get('/v1/users/me')).body.code).toBe(40101);
      }
      const [h, p, s] = tokens.access_token.split('.');
      const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, scope: 'read write admin' })).toString('base64url')}.${s}`;
      expect((await asBearer(tampered).get('/v1/users')).body.code).toBe(40101);
      expect(p).toBeTruthy();
    });

    it('OAuth tokens never carry admin: admin routes are 40301', async () => {
      const res = await asBearer(tokens.access_token).get('/v1/users');
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 403, code: 40301 });
    });

    it('are rate limited per user + client', async () => {
      const { code, verifier } = await codeFor(app);
      const second = (await redeem(app, code, { code_verifier: verifier })).body;
      const a = await asBearer(tokens.access_token).get('/v1/users/me');
      const b = await asBearer(second.access_token).get('/v1/users/me');
      const key = await gw.api.get('/v1/users/me');
      const remaining = (r: { headers: Headers }) => Number(r.headers.get('x-ratelimit-remaining'));
      // two tokens of the same user and client spend one budget; the admin's API key has its own
      expect(remaining(b)).toBe(remaining(a) - 1);
      expect(remaining(key)).not.toBe(remaining(b) - 1);
    });

    it('stop working at once when the client is deleted', async () => {
      const temp = await registerClient(gw, { name: 'Temp', redirectUris: ['https://temp.example.com/cb'] });
      const { code, verifier } = await codeFor(temp);
      const t = (await redeem(temp, code, { code_verifier: verifier })).body;
      expect((await asBearer(t.access_token).get('/v1/users/me')).status).toBe(200);
      expect((await gw.api.delete(`/v1/oauth/clients/${temp.id}`)).status).toBe(204);
      expect((await asBearer(t.access_token).get('/v1/users/me')).body.code).toBe(40101);
      expectOAuthError(await refresh(temp, t.refresh_token), 401, 'invalid_client');
    });
  });

  it('stores codes, refresh tokens and client secrets only as hashes', async () => {
    const { code, verifier } = await codeFor(app);
    const issued = await codeFor(app);
    const tokens = (await redeem(app, issued.code, { code_verifier: issued.verifier })).body;
    const stored = await storedData(gw);
    expect(stored).toContain(app.clientId);
    for (const secret of [app.clientSecret!, code, issued.code, tokens.refresh_token, verifier]) {
      expect(stored).not.toContain(secret);
    }
  });
});

/** Everything the gateway stored: the SQLite files' bytes, or the OAuth tables of its PostgreSQL schema. */
async function storedData(gw: Gateway): Promise<string> {
  if (!PROFILE.postgresUrl) {
    const dir = gw.storage.dataDir;
    return ['gateway.sqlite', 'gateway.sqlite-wal']
      .map((f) => {
        try {
          return readFileSync(join(dir, f)).toString('latin1');
        } catch {
          return '';
        }
      })
      .join('\n');
  }
  const client = new pg.Client({ connectionString: PROFILE.postgresUrl });
  await client.connect();
  try {
    const schema = gw.storage.env.DATABASE_SCHEMA!;
    const tables = [
      'oauth_clients',
      'oauth_grants',
      'oauth_authorization_codes',
      'oauth_refresh_tokens',
      'oauth_access_tokens',
      'oauth_interactions',
    ];
    const rows = await Promise.all(tables.map((t) => client.query(`SELECT * FROM "${schema}"."${t}"`)));
    return JSON.stringify(rows.map((r) => r.rows));
  } finally {
    await client.end();
  }
}
