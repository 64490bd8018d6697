import { execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './helpers/gateway.js';

/** `npm run demo` (SPEC §11): presence, telemetry, an alert, a command round trip and verified webhooks. */
describe('npm run demo', () => {
  it('shows the whole product working, with verified webhooks, and stops cleanly', async () => {
    execFileSync(process.execPath, [join(ROOT, 'scripts/ensure-simulator-built.mjs')], { cwd: ROOT, stdio: 'ignore' });
    const demo = spawn(process.execPath, [join(ROOT, 'scripts/demo.mjs'), '--duration', '5'], { cwd: ROOT });
    let output = '';
    demo.stdout.on('data', (c: Buffer) => (output += c.toString()));
    demo.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const code = await new Promise<number | null>((resolve) => demo.once('exit', resolve));
    expect({ code, output }).toMatchObject({ code: 0 });
    // ports: the preferred ones, or the free ones it says it took
    expect(output).toMatch(/HTTP \(REST, docs, MQTT over WebSocket\): (port 3000|port 3000 is in use, taking \d+)/);
    expect(output).toMatch(/MQTT over TCP: (port 1883|port 1883 is in use, taking \d+ instead \(MQTT_PORT=\d+\))/);
    // presence, telemetry, command round trip, alert — each seen through a webhook whose signatures were verified
    for (const line of [
      /webhook ✓ device\.created +lamp-1/,
      /webhook ✓ device\.online +lamp-\d: online/,
      /GET \/v1\/iot\/devices\/lamp-1 → status online, telemetry \{.*"temperature"/,
      /lamp-1 ← turnOn \{"brightness":80\} → ok/,
      /→ succeeded \{"on":true,"brightness":80\}/,
      /webhook ✓ command\.succeeded +lamp-1: turnOn → succeeded/,
      /webhook ✓ command\.failed +lamp-2: selfDestruct → failed/,
      /webhook ✓ device\.alert +lamp-3: overheat critical → active/,
      /webhook ✓ device\.alert +lamp-3: overheat critical → cleared/,
      /webhook ✓ device\.offline +lamp-2: offline \(connection_lost\)/,
    ]) {
      expect(output).toMatch(line);
    }
    expect(output).not.toContain('rejected');
    expect(output).toMatch(/Done: \d+ verified webhook deliveries/);
  }, 120_000);
});
