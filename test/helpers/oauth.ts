import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash, createPrivateKey, randomBytes } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import type { Gateway } from './gateway.js';

export const PASSWORD = 'correct horse battery staple';

export interface RegisteredClient {
  id: string;
  clientId: string;
  clientSecret?: string;
  name: string;
  redirectUris: string[];
  scopes: string[];
  type: 'confidential' | 'public';
}

/** A platform user who can sign in on the login page. */
export async function createUser(
  gw: Gateway,
  email: string,
  password = PASSWORD,
): Promise<{ id: string; email: string }> {
  const res = await gw.api.post('/v1/users', { email, name: email.split('@')[0], password, role: 'member' });
  if (res.status !== 201) throw new Error(`creating ${email}: ${res.status} ${res.text}`);
  return res.body.data;
}

export async function registerClient(
  gw: Gateway,
  body: { name?: string; redirectUris: string[]; scopes?: string[]; type?: 'confidential' | 'public' },
): Promise<RegisteredClient> {
  const res = await gw.api.post('/v1/oauth/clients', {
    name: body.name ?? 'Test App',
    redirectUris: body.redirectUris,
    scopes: body.scopes ?? ['read', 'write'],
    type: body.type ?? 'confidential',
  });
  if (res.status !== 201) throw new Error(`registering a client: ${res.status} ${res.text}`);
  return res.body.data;
}

export interface PageResponse {
  status: number;
  headers: Headers;
  text: string;
  location: string | null;
}

/**
 * The user's browser, without a browser: follows nothing by itself (every redirect is visible to the test),
 * keeps cookies with their Path, posts forms as a browser would.
 */
export class UserAgent {
  private readonly cookies = new Map<string, { value: string; path: string }>();

  constructor(
    readonly baseUrl: string,
    private readonly headers: Record<string, string> = { 'Accept-Language': 'en-US' },
  ) {}

  get(url: string): Promise<PageResponse> {
    return this.request('GET', url);
  }

  post(url: string, form: Record<string, string>): Promise<PageResponse> {
    return this.request('POST', url, new URLSearchParams(form).toString());
  }

  private async request(method: string, url: string, body?: string): Promise<PageResponse> {
    const target = new URL(url, this.baseUrl);
    const cookie = [...this.cookies.entries()]
      .filter(([, c]) => target.pathname.startsWith(c.path))
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ');
    const res = await fetch(target, {
      method,
      redirect: 'manual',
      headers: {
        ...this.headers,
        ...(cookie && { Cookie: cookie }),
        ...(body !== undefined && { 'Content-Type': 'application/x-www-form-urlencoded' }),
      },
      ...(body !== undefined && { body }),
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';').map((s) => s.trim());
      const [name = '', value = ''] = pair.split('=');
      const path = attributes.find((a) => a.toLowerCase().startsWith('path='))?.slice(5) ?? '/';
      const maxAge = attributes.find((a) => a.toLowerCase().startsWith('max-age='));
      if (maxAge === 'Max-Age=0') this.cookies.delete(name);
      else this.cookies.set(name, { value, path });
    }
    return { status: res.status, headers: res.headers, text: await res.text(), location: res.headers.get('location') };
  }
}

export function csrfTokenOf(html: string): string {
  const match = /name="csrf_token" value="([^"]+)"/.exec(html);
  if (!match) throw new Error(`no csrf_token in page:\n${html}`);
  return match[1]!;
}

export function formActionOf(html: string): string {
  const match = /<form method="post" action="([^"]+)"/.exec(html);
  if (!match) throw new Error(`no form in page:\n${html}`);
  return match[1]!;
}

/** Authorization request → interaction page: the login form. */
export async function openAuthorization(agent: UserAgent, authorizeUrl: string | URL): Promise<PageResponse> {
  const start = await agent.get(String(authorizeUrl));
  if (start.status !== 303 || !start.location?.startsWith('/oauth/interaction/')) {
    throw new Error(`authorize did not start an interaction: ${start.status} ${start.location}\n${start.text}`);
  }
  return agent.get(start.location);
}

/** Signs in on the login page; returns the consent page. */
export async function signIn(agent: UserAgent, loginPage: PageResponse, email: string, password = PASSWORD) {
  const res = await agent.post(formActionOf(loginPage.text), {
    email,
    password,
    csrf_token: csrfTokenOf(loginPage.text),
  });
  if (res.status !== 303 || !res.location) throw new Error(`login failed: ${res.status}\n${res.text}`);
  return agent.get(res.location);
}

/**
 * The whole front channel as a user would go through it: sign in, answer the consent page.
 * Returns the URL the browser is sent back to (the client's redirect_uri with code or error).
 */
export async function authorizeAs(
  gw: Gateway,
  authorizeUrl: string | URL,
  email: string,
  decision: 'approve' | 'deny' = 'approve',
): Promise<URL> {
  const agent = new UserAgent(gw.baseUrl);
  const consent = await signIn(agent, await openAuthorization(agent, authorizeUrl), email);
  if (consent.status !== 200) throw new Error(`no consent page: ${consent.status}\n${consent.text}`);
  const res = await agent.post(formActionOf(consent.text), { csrf_token: csrfTokenOf(consent.text), decision });
  if (res.status !== 303 || !res.location) throw new Error(`consent did not redirect: ${res.status}\n${res.text}`);
  return new URL(res.location);
}

/** A form POST to a back-channel endpoint, as raw as a test needs it. */
export async function postForm(
  gw: Gateway,
  path: string,
  form: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: any }> {
  const res = await fetch(`${gw.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

export function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/**
 * The same access token, signed again with the gateway's own key from DATA_DIR, but issued two hours ago and
 * expired one hour ago: how the tests get an expired token without waiting an hour (or a test-only env var).
 */
export async function expiredCopyOf(gw: Gateway, accessToken: string): Promise<string> {
  const key = createPrivateKey(readFileSync(join(gw.storage.dataDir, 'oauth-signing-key.pem'), 'utf8'));
  const header = decodeProtectedHeader(accessToken);
  const claims = decodeJwt(accessToken);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...claims, iat: now - 7200, exp: now - 3600 })
    .setProtectedHeader({ alg: 'RS256', typ: header.typ!, kid: header.kid! })
    .sign(key);
}

/** Tokens for `email` through the whole flow (PKCE, login, consent, code exchange with client_secret_post). */
export async function obtainTokens(
  gw: Gateway,
  client: RegisteredClient,
  email: string,
): Promise<{ access_token: string; refresh_token: string; scope: string }> {
  const verifier = randomBytes(32).toString('base64url');
  const url = new URL('/oauth/authorize', gw.baseUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId,
    redirect_uri: client.redirectUris[0]!,
    scope: client.scopes.join(' '),
    state: 'obtain',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();
  const back = await authorizeAs(gw, url, email);
  const res = await postForm(gw, '/oauth/token', {
    grant_type: 'authorization_code',
    code: back.searchParams.get('code') ?? '',
    redirect_uri: client.redirectUris[0]!,
    code_verifier: verifier,
    client_id: client.clientId,
    ...(client.clientSecret && { client_secret: client.clientSecret }),
  });
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}
