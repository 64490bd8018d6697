import { generateKeyPairSync } from 'node:crypto';
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, decodeProtectedHeader } from 'jose';
import { ApiClient } from './helpers/api-client.js';
import { createStorage, type Gateway, runGatewayExpectingFailure, startGateway } from './helpers/gateway.js';
import {
  createUser,
  csrfTokenOf,
  formActionOf,
  obtainTokens,
  openAuthorization,
  PASSWORD,
  type PageResponse,
  registerClient,
  UserAgent,
} from './helpers/oauth.js';

const CALLBACK = 'https://app.example.com/callback';

async function loginPage(gw: Gateway, clientId: string): Promise<{ agent: UserAgent; page: PageResponse }> {
  const agent = new UserAgent(gw.baseUrl);
  const url = new URL('/oauth/authorize', gw.baseUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: CALLBACK,
    scope: 'read',
  }).toString();
  return { agent, page: await openAuthorization(agent, url) };
}

describe('OAuth login throttling', () => {
  let gw: Gateway;
  let clientId: string;

  beforeAll(async () => {
    gw = await startGateway();
    for (const name of ['alice', 'bob', 'carol']) await createUser(gw, `${name}@example.com`);
    clientId = (await registerClient(gw, { redirectUris: [CALLBACK], scopes: ['read'] })).clientId;
  });
  afterAll(() => gw.stop());

  async function attempt(email: string, password: string) {
    const { agent, page } = await loginPage(gw, clientId);
    return agent.post(formActionOf(page.text), { email, password, csrf_token: csrfTokenOf(page.text) });
  }

  it('per account: after 5 failures even the right password is refused for a while; other accounts are not', async () => {
    for (let i = 0; i < 5; i++) expect((await attempt('alice@example.com', `wrong ${i}`)).status).toBe(401);
    const blocked = await attempt('ALICE@example.com', PASSWORD);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(blocked.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(blocked.text).toContain('Too many failed sign-in attempts');
    expect((await attempt('bob@example.com', PASSWORD)).status).toBe(303);
  });

  it('per IP: guessing across many accounts from one address is stopped, for every account', async () => {
    let attempts = 0;
    let status = 401;
    while (status === 401 && attempts < 40) {
      status = (await attempt(`guess-${attempts}@example.com`, 'wrong')).status;
      attempts++;
    }
    expect(status).toBe(429);
    expect(attempts).toBeLessThanOrEqual(30);
    // carol never failed, but comes from the same address
    expect((await attempt('carol@example.com', PASSWORD)).status).toBe(429);
  });
});

describe('OAuth signing keys', () => {
  it('uses OAUTH_SIGNING_KEY when given (kid = its JWK thumbprint) and writes no key file', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const jwk = publicKey.export({ format: 'jwk' });
    const kid = await calculateJwkThumbprint({ kty: 'RSA', n: jwk.n!, e: jwk.e! });
    // one line, as env files and CI secrets like it
    const gw = await startGateway({ env: { OAUTH_SIGNING_KEY: pem.trim().replace(/\n/g, '\\n') } });
    try {
      const jwks: any = await (await fetch(`${gw.baseUrl}/.well-known/jwks.json`)).json();
      expect(jwks.keys.map((k: { kid: string }) => k.kid)).toEqual([kid]);
      await createUser(gw, 'dave@example.com');
      const client = await registerClient(gw, { redirectUris: [CALLBACK] });
      const tokens = await obtainTokens(gw, client, 'dave@example.com');
      expect(decodeProtectedHeader(tokens.access_token).kid).toBe(kid);
      expect((await new ApiClient(gw.baseUrl, tokens.access_token).get('/v1/users/me')).status).toBe(200);
      expect(existsSync(join(gw.storage.dataDir, 'oauth-signing-key.pem'))).toBe(false);
    } finally {
      await gw.stop();
    }
  }, 60_000);

  it('refuses to start with an unusable OAUTH_SIGNING_KEY', async () => {
    const storage = createStorage();
    try {
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const ec = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
      for (const [value, message] of [
        ['not a key', /Invalid environment variable OAUTH_SIGNING_KEY: expected a PEM-encoded RSA private key/],
        [ec, /OAUTH_SIGNING_KEY must be an RSA private key of at least 2048 bits/],
      ] as const) {
        const { code, output } = await runGatewayExpectingFailure({
          ...storage.env,
          HTTP_PORT: '0',
          MQTT_PORT: '0',
          OAUTH_SIGNING_KEY: value,
        });
        expect(code).toBe(1);
        expect(output).toMatch(message);
        expect(output).not.toContain('PRIVATE KEY-----\n');
      }
    } finally {
      await storage.drop();
    }
  }, 60_000);

  it('keeps its generated key across restarts, and honours a previous key after a rotation', async () => {
    const storage = createStorage();
    // a fixed issuer, as in production: with HTTP_PORT=0 the default one would follow the new port
    const env = { PUBLIC_URL: 'https://gateway.example.test' };
    let gw: Gateway | undefined;
    try {
      gw = await startGateway({ storage, env });
      await createUser(gw, 'erin@example.com');
      const client = await registerClient(gw, { redirectUris: [CALLBACK] });
      const before = await obtainTokens(gw, client, 'erin@example.com');
      await gw.stop();

      gw = await startGateway({ storage, env });
      expect((await new ApiClient(gw.baseUrl, before.access_token).get('/v1/users/me')).status).toBe(200);
      // the purge of expired OAuth records ran at start (before listening), and its SQL is valid here
      expect(gw.output()).not.toContain('could not purge');
      await gw.stop();

      // rotation: the current key becomes the previous one; a new key is generated at start
      renameSync(
        join(storage.dataDir, 'oauth-signing-key.pem'),
        join(storage.dataDir, 'oauth-signing-key.previous.pem'),
      );
      gw = await startGateway({ storage, env });
      const jwks: any = await (await fetch(`${gw.baseUrl}/.well-known/jwks.json`)).json();
      const oldKid = decodeProtectedHeader(before.access_token).kid;
      expect(jwks.keys).toHaveLength(2);
      expect(jwks.keys[1].kid).toBe(oldKid);
      expect((await new ApiClient(gw.baseUrl, before.access_token).get('/v1/users/me')).status).toBe(200);
      const after = await obtainTokens(gw, client, 'erin@example.com');
      expect(decodeProtectedHeader(after.access_token).kid).toBe(jwks.keys[0].kid);
      expect(jwks.keys[0].kid).not.toBe(oldKid);
    } finally {
      await gw?.stop();
      await storage.drop();
    }
  }, 120_000);
});
