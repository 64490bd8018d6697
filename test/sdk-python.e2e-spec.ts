import { execFile, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Fleet } from '../simulator/fleet.js';
import { ADMIN_KEY, type Gateway, PROFILE, ROOT, startGateway } from './helpers/gateway.js';
import { startLamps } from './helpers/sdk.js';

const run = promisify(execFile);
const PYTHON = process.env.PYTHON ?? 'python3';
const PYTHON_SDK = join(ROOT, 'sdk/python');
const BATCH_LIMIT = 3;

/** Runs `python3 -m unittest` over sdk/python/tests with `env`; resolves with its exit code and output. */
function unittest(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(PYTHON, ['-m', 'unittest', 'discover', '-s', 'tests', '-t', '.', '-v'], {
    cwd: PYTHON_SDK,
    env: { ...process.env, PYTHONPATH: PYTHON_SDK, PYTHONDONTWRITEBYTECODE: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

/** `python3 -m venv` + `pip install sdk/python` (the way the README says); resolves with the venv's directory. */
async function installedVenv(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'sdk-venv-'));
  // a clean copy: pip builds in the source tree (build/, *.egg-info), which should not be this repository's
  const source = join(dir, 'src');
  cpSync(PYTHON_SDK, source, {
    recursive: true,
    filter: (path) => !/(__pycache__|\.egg-info|[\\/]build)$/.test(path),
  });
  await run(PYTHON, ['-m', 'venv', join(dir, 'venv')]);
  await run(join(dir, 'venv/bin/pip'), ['install', '--quiet', source], { timeout: 150_000 });
  return dir;
}

/**
 * The Python SDK's own suite (`python3 -m unittest`, sdk/python/tests) against a real gateway: this file starts
 * the gateway (low batch rate limit) and a simulated lamp `device_001`, uses up the batch quota of one key for
 * the 429 test, and runs the suite with their addresses in the environment.
 */
describe('Python SDK against a running gateway', () => {
  let gw: Gateway;
  let fleet: Fleet;
  let limitedKey: string;
  /** the virtualenv with sdk/python pip-installed: prepared while the suite runs (it mostly waits) */
  let venv: Promise<string> | undefined;

  beforeAll(async () => {
    if (!PROFILE.postgresUrl) venv = installedVenv();
    // a rejection is looked at by its test
    venv?.catch(() => undefined);
    gw = await startGateway({ env: { RATE_LIMIT_BATCH: String(BATCH_LIMIT) } });
    const key = await gw.api.post('/v1/api-keys', { name: 'rate-limited', scopes: ['read', 'write'] });
    limitedKey = key.body.data.key;
    for (let i = 0; i < BATCH_LIMIT; i++) {
      const res = await gw.api.as(limitedKey).post('/v1/customers/batch', { items: [{ name: `window ${i}` }] });
      if (res.status !== 201) throw new Error(`batch: ${res.status} ${res.text}`);
    }
    fleet = await startLamps(gw, ['device_001']);
  }, 60_000);

  afterAll(async () => {
    await fleet?.stop();
    await gw?.stop();
    const dir = await venv?.catch(() => undefined);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('python3 -m unittest discover sdk/python/tests passes, with no live test skipped', async () => {
    const { code, output } = await unittest({
      EP_TEST_BASE_URL: `${gw.baseUrl}/v1`,
      EP_TEST_API_KEY: ADMIN_KEY,
      EP_TEST_DEVICE_ID: 'device_001',
      EP_TEST_RATE_LIMITED_KEY: limitedKey,
      EP_TEST_REQUIRE_LIVE: '1',
      // waiting for the rate limit's window (up to a minute) once is enough: on the embedded profile
      EP_TEST_RATE_LIMIT_WAIT: PROFILE.postgresUrl ? '0' : '1',
    });
    if (code !== 0 || /skipped/.test(output)) throw new Error(`python3 -m unittest failed (exit ${code}):\n${output}`);
    expect(output).toMatch(/\nOK\n?$/);
  }, 120_000);

  // pip and a venv take a while; once (on the embedded profile) is enough
  (PROFILE.postgresUrl ? it.skip : it)(
    'pip installs sdk/python into a fresh virtualenv, and the installed package runs the seed example',
    async () => {
      const dir = await venv!;
      const seed = readFileSync(join(PYTHON_SDK, 'examples/seed.py'), 'utf8').replace(
        "'YOUR_API_KEY'",
        JSON.stringify(ADMIN_KEY),
      );
      const { stdout } = await run(
        join(dir, 'venv/bin/python'),
        ['-c', `${seed}\nimport enterprise_platform; print(enterprise_platform.__file__, new_customer['name'])`],
        // away from the sources, so that the installed package is the one imported
        {
          cwd: join(dir, 'venv'),
          env: { PATH: process.env.PATH ?? '', ENTERPRISE_PLATFORM_BASE_URL: `${gw.baseUrl}/v1` },
        },
      );
      const [file, name] = stdout.trim().split(' ');
      expect(file).toMatch(/\/site-packages\/enterprise_platform\/__init__\.py$/);
      expect(file!.startsWith(join(dir, 'venv'))).toBe(true);
      expect(name).toBe('新客户');
    },
    180_000,
  );
});
