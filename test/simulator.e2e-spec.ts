import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getCommand, sendCommand } from './helpers/commands.js';
import { presenceOf, waitFor, waitForDevice } from './helpers/devices.js';
import { ADMIN_KEY, type Gateway, ROOT, startGateway } from './helpers/gateway.js';

const CLI = join(ROOT, 'simulator/dist/simulator/cli.js');

interface Sim {
  process: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

function simulator(args: string[]): Sim {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { process: child, output: () => output, exited };
}

describe('simulator CLI', () => {
  let gw: Gateway;
  let dir: string;
  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/ensure-simulator-built.mjs'], { cwd: ROOT, stdio: 'inherit' });
    dir = mkdtempSync(join(tmpdir(), 'sim-test-'));
    gw = await startGateway();
  }, 120_000);
  afterAll(async () => {
    await gw.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('--help prints the usage; a bad flag exits 2', async () => {
    const help = simulator(['--help']);
    expect(await help.exited).toBe(0);
    expect(help.output()).toMatch(/Usage: npm run simulator -- \[options\]/);
    const bad = simulator(['--no-such-flag']);
    expect(await bad.exited).toBe(2);
  });

  it("provisions lamps and answers the seed's turnOn with brightness 80 end to end", async () => {
    const credentials = join(dir, 'lamps.json');
    const sim = simulator([
      ...['--api-url', gw.baseUrl, '--api-key', ADMIN_KEY, '--count', '2', '--prefix', 'lamp'],
      ...['--mqtt-url', `mqtt://127.0.0.1:${gw.mqttPort}`, '--interval', '200', '--save-credentials', credentials],
    ]);
    try {
      await waitFor(() => sim.output().includes('2/2 connected'), `simulator connected:\n${sim.output()}`, 30_000);
      const res = await sendCommand(gw, 'lamp-1', { command: 'turnOn', params: { brightness: 80 } });
      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ status: 'succeeded', result: { on: true, brightness: 80 } });
      const unknown = await sendCommand(gw, 'lamp-2', { command: 'selfDestruct' });
      expect(unknown.body.data).toMatchObject({ status: 'failed', error: { code: 'UNKNOWN_COMMAND' } });
      await waitForDevice(gw, 'lamp-1', (d) => d.telemetry.brightness === 80 && d.telemetry.on === true, 'telemetry');
      expect(sim.output()).toContain('lamp-1 ← turnOn {"brightness":80} → ok {"on":true,"brightness":80}');
      const saved = JSON.parse(readFileSync(credentials, 'utf8'));
      expect(saved.map((d: { id: string }) => d.id)).toEqual(['lamp-1', 'lamp-2']);
    } finally {
      sim.process.kill('SIGINT');
    }
    expect(await sim.exited).toBe(0);
    expect(sim.output()).toMatch(/commands answered 2 \(1 errors\)/);
  }, 60_000);

  it('runs from a credentials file over WebSocket; reboot goes offline and comes back', async () => {
    const credentials = join(dir, 'lamps.json');
    const sim = simulator([
      ...['--credentials', credentials, '--transport', 'ws', '--mqtt-url', `ws://127.0.0.1:${gw.httpPort}/mqtt`],
      ...['--interval', '0', '--reboot-delay', '500'],
    ]);
    try {
      await waitFor(() => sim.output().includes('2/2 connected'), `simulator connected:\n${sim.output()}`, 30_000);
      const dim = await sendCommand(gw, 'lamp-2', { command: 'setBrightness', params: { brightness: 30 } });
      expect(dim.body.data).toMatchObject({ status: 'succeeded', result: { brightness: 30 } });
      const before = (await presenceOf(gw, 'lamp-2')).length;
      const reboot = await sendCommand(gw, 'lamp-2', { command: 'reboot' });
      expect(reboot.body.data).toMatchObject({ status: 'succeeded', result: { rebooting: true } });
      const presence = await waitFor(async () => {
        const p = await presenceOf(gw, 'lamp-2');
        return p.length >= before + 2 ? p : undefined;
      }, 'offline and back online');
      expect(presence.slice(before)).toEqual(['device.offline:client_disconnect', 'device.online:client_connect']);
      // back and answering (its command subscription renewed)
      const again = await sendCommand(gw, 'lamp-2', { command: 'turnOff' });
      expect(again.body.data).toMatchObject({ status: 'succeeded', result: { on: false } });
      expect((await getCommand(gw, again.body.data.id)).deliveredAt).not.toBeNull();
    } finally {
      sim.process.kill('SIGTERM');
    }
    expect(await sim.exited).toBe(0);
  }, 60_000);
});
