import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { type Browser, chromium } from 'playwright-core';
import { type Gateway, ROOT, startGateway } from './helpers/gateway.js';
import { createUser, PASSWORD, postForm, registerClient } from './helpers/oauth.js';

/** Debian's chromium (installed by .ci/run); playwright's own browser download cannot work offline. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(ROOT, 'artifacts');
const available = existsSync(CHROMIUM);
if (!available && !process.env.CI) {
  process.stderr.write(`\n${CHROMIUM} not found: skipping the OAuth browser test (apt-get install -y chromium)\n`);
}
// in CI a missing browser is a failure, not a skip
const describeInBrowser = available || process.env.CI ? describe : describe.skip;

describeInBrowser('OAuth pages in a real browser (chromium)', () => {
  let gw: Gateway;
  let browser: Browser;
  let app: Server;
  let callback: string;
  const received: string[] = [];

  beforeAll(async () => {
    // the third-party app: receives the browser on its redirect_uri
    app = createServer((req, res) => {
      received.push(req.url ?? '');
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>Acme Dashboard</title><h1>Connected to IoT Gateway</h1>');
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    callback = `http://127.0.0.1:${(app.address() as AddressInfo).port}/callback`;
    [gw, browser] = await Promise.all([
      startGateway(),
      chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => app?.close(resolve));
    await gw?.stop();
  });

  it('signs in, approves the consent page and lands on the redirect URI with a code', async () => {
    await createUser(gw, 'carol@example.com');
    const client = await registerClient(gw, { name: 'Acme Dashboard', redirectUris: [callback] });
    const verifier = oidc.randomPKCECodeVerifier();
    const state = 'browser state/ü+1';
    const authorize = new URL('/oauth/authorize', gw.baseUrl);
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: client.clientId,
      redirect_uri: callback,
      scope: 'read write',
      state,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    }).toString();

    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 960, height: 760 } });
    const page = await context.newPage();
    const cspViolations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.goto(authorize.href);
    await page.screenshot({ path: join(ARTIFACTS, 'oauth-login.png'), fullPage: true });
    await page.getByLabel('Email').fill('carol@example.com');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByRole('heading', { name: 'Acme Dashboard wants to access your account' }).waitFor();
    expect(await page.locator('.scopes li').allInnerTexts()).toEqual([
      expect.stringContaining('read'),
      expect.stringContaining('write'),
    ]);
    const screenshot = join(ARTIFACTS, 'oauth-consent.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`OAuth consent page screenshot: ${screenshot}`);

    await Promise.all([
      page.waitForURL((url) => url.href.startsWith(callback)),
      page.getByRole('button', { name: 'Allow' }).click(),
    ]);
    await page.getByRole('heading', { name: 'Connected to IoT Gateway' }).waitFor();
    const landed = new URL(page.url());
    expect(landed.origin + landed.pathname).toBe(callback);
    expect(landed.searchParams.get('state')).toBe(state);
    const code = landed.searchParams.get('code');
    expect(code).toBeTruthy();
    expect(received.filter((url) => url.startsWith('/callback'))).toEqual([`${landed.pathname}${landed.search}`]);
    // the styles were not blocked by our own Content-Security-Policy
    expect(cspViolations).toEqual([]);
    await context.close();

    // and the code is a real one
    const tokens = await postForm(gw, '/oauth/token', {
      grant_type: 'authorization_code',
      code: code!,
      redirect_uri: callback,
      code_verifier: verifier,
      client_id: client.clientId,
      client_secret: client.clientSecret!,
    });
    expect(tokens.status).toBe(200);
    expect(tokens.body.scope).toBe('read write');
  }, 60_000);

  it('cannot be framed by another site', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const authorize = `${gw.baseUrl}/oauth/authorize?client_id=nope`;
    // an attacker's page (another origin: localhost vs 127.0.0.1) framing the error page
    const framing = createServer((_, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end(`<!doctype html><iframe id="f" src="${authorize}"></iframe>`);
    });
    await new Promise<void>((resolve) => framing.listen(0, '127.0.0.1', resolve));
    try {
      const blocked = page.waitForEvent('console', (m) => /frame-ancestors/.test(m.text()));
      await page.goto(`http://localhost:${(framing.address() as AddressInfo).port}/`);
      await blocked;
      const frame = page.frames().find((f) => f !== page.mainFrame());
      expect(await frame?.locator('main.card').count()).toBe(0);
    } finally {
      await context.close();
      await new Promise((resolve) => framing.close(resolve));
    }
  }, 30_000);
});
