import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Fleet } from '../simulator/fleet.js';
import { examplesOf, ExampleRunner, typeCheck } from './helpers/doc-examples.js';
import { ADMIN_KEY, type Gateway, PROFILE, ROOT, startGateway } from './helpers/gateway.js';
import { createUser, obtainTokens, registerClient } from './helpers/oauth.js';
import { SDK_DIR, sdkInstallDir, startLamps } from './helpers/sdk.js';

/** Pages whose every bash, TypeScript and Python example is run, in order, against a fresh gateway. */
const PAGES = [
  'docs/crm-api.md',
  'docs/iot-api.md',
  'docs/best-practices.md',
  'sdk/typescript/README.md',
  'sdk/python/README.md',
];

const read = (page: string) => readFileSync(join(ROOT, page), 'utf8');

// The examples do not depend on the storage: once, on the embedded profile, is enough.
const describeDocs = PROFILE.postgresUrl ? describe.skip : describe;

describeDocs('documentation examples', () => {
  describe.each(PAGES)('%s', (page) => {
    let gw: Gateway;
    let fleet: Fleet;
    let install: ReturnType<typeof sdkInstallDir>;
    let runner: ExampleRunner;

    beforeAll(async () => {
      gw = await startGateway({ env: { WEBHOOK_RETRY_DELAYS_MS: '200,500' } });
      // device_001 is the seed's lamp: online, answering commands, sending telemetry
      fleet = await startLamps(gw, ['device_001'], { telemetryIntervalMs: 500 });
      install = sdkInstallDir();
      let accessToken: string | undefined;
      if (read(page).includes('YOUR_ACCESS_TOKEN')) {
        // a real OAuth access token of a platform user, through the whole authorization-code flow
        const user = await createUser(gw, 'docs-reader@example.com');
        const app = await registerClient(gw, { redirectUris: ['https://app.example.com/callback'] });
        accessToken = (await obtainTokens(gw, app, user.email)).access_token;
      }
      runner = new ExampleRunner({
        accessToken,
        baseUrl: gw.baseUrl,
        mqttPort: gw.mqttPort!,
        apiKey: ADMIN_KEY,
        installDir: install.dir,
        pythonPath: join(ROOT, 'sdk/python'),
      });
    }, 60_000);

    afterAll(async () => {
      runner?.close();
      install?.remove();
      await fleet?.stop();
      await gw?.stop();
    });

    it('runs every example, in order, as written', async () => {
      const examples = examplesOf(read(page));
      expect(examples.length).toBeGreaterThan(0);
      for (const example of examples) {
        const outcome = await runner.run(example);
        // TEST_DOCS_OUTPUT=1 shows what each example printed
        if (process.env.TEST_DOCS_OUTPUT) process.stderr.write(`--- ${page}:${example.line}\n${outcome.output}\n`);
        if (outcome.code !== 0) {
          throw new Error(
            `${page}:${example.line} (${example.lang}${example.expectError ? ', expect-error' : ''}) ` +
              `exited with ${outcome.code}:\n${outcome.output}\n--- the example ---\n${example.code}`,
          );
        }
      }
    }, 300_000);
  });

  it('every TypeScript example type-checks against the published SDK types (strict)', () => {
    const install = sdkInstallDir();
    try {
      const examples = PAGES.flatMap((page) =>
        examplesOf(read(page))
          .filter((e) => e.lang === 'ts')
          .map((e) => ({ name: `${page}:${e.line}`, code: e.code })),
      );
      expect(examples.length).toBeGreaterThan(5);
      expect(typeCheck(examples, install.dir)).toEqual([]);
    } finally {
      install.remove();
    }
  }, 120_000);

  it("the SDK READMEs open with the seed's examples, verbatim", () => {
    const firstOf = (page: string, lang: string) =>
      examplesOf(read(page))
        .find((e) => e.lang === lang)!
        .code.trim();
    expect(firstOf('sdk/typescript/README.md', 'ts')).toBe(read('sdk/typescript/examples/seed.ts').trim());
    expect(firstOf('sdk/python/README.md', 'python')).toBe(read('sdk/python/examples/seed.py').trim());
    expect(SDK_DIR).toBe(join(ROOT, 'sdk/typescript'));
  });
});
