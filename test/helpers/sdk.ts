import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type * as Sdk from '../../sdk/typescript/src/index.js';
import type { DeviceCredentials } from '../../simulator/credentials.js';
import { Fleet } from '../../simulator/fleet.js';
import { ADMIN_KEY, type Gateway, ROOT } from './gateway.js';

export type { Sdk };

export const SDK_DIR = join(ROOT, 'sdk/typescript');

/**
 * The built TypeScript SDK (`sdk/typescript/dist/esm`, what users install), typed by its sources. `npm test`
 * builds it (`npm run build:sdk`).
 */
export async function loadSdk(): Promise<typeof Sdk> {
  const entry = join(SDK_DIR, 'dist/esm/index.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build:sdk\``);
  return (await import(entry)) as typeof Sdk;
}

/** A client of `gw` with the admin key, through the built SDK. */
export async function sdkClient(gw: Gateway, options: Partial<Sdk.ClientOptions> = {}): Promise<Sdk.Client> {
  const { Client } = await loadSdk();
  return new Client({ apiKey: ADMIN_KEY, baseUrl: `${gw.baseUrl}/v1`, ...options });
}

/**
 * A directory where `import … from '@enterprise-platform/sdk'` resolves to this repository's SDK through its
 * package.json (exports map, ESM and CommonJS), as after `npm install @enterprise-platform/sdk`; inside the
 * repository, so that other packages (mqtt) resolve from its node_modules.
 */
export function sdkInstallDir(): { dir: string; remove(): void } {
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, '.tmp/sdk-'));
  mkdirSync(join(dir, 'node_modules/@enterprise-platform'), { recursive: true });
  symlinkSync(SDK_DIR, join(dir, 'node_modules/@enterprise-platform/sdk'), 'dir');
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Simulated lamps (the simulator's Fleet) registered under these ids and connected over MQTT: they answer
 * `turnOn`, `turnOff`, `setBrightness`, `reboot` (anything else: an UNKNOWN_COMMAND error reply).
 */
export async function startLamps(
  gw: Gateway,
  ids: string[],
  options: { commandDelayMs?: number; telemetryIntervalMs?: number } = {},
): Promise<Fleet> {
  const devices: DeviceCredentials[] = [];
  for (const id of ids) {
    const res = await gw.api.post('/v1/iot/devices', { id, name: `Lamp ${id}`, type: 'lamp' });
    if (res.status !== 201) throw new Error(`device ${id}: ${res.status} ${res.text}`);
    devices.push({ id, password: res.body.data.credentials.password });
  }
  const fleet = new Fleet({
    brokerUrl: `mqtt://127.0.0.1:${gw.mqttPort}`,
    devices,
    commandDelayMs: options.commandDelayMs ?? 20,
    telemetryIntervalMs: options.telemetryIntervalMs ?? 0,
  });
  await fleet.start();
  return fleet;
}
