import { readFileSync, writeFileSync } from 'node:fs';
import { DEVICE_ID_PATTERN } from '../src/broker/topics.js';

/** What a simulated device needs to connect: its id (= client id = username) and its token. */
export interface DeviceCredentials {
  id: string;
  password: string;
}

export interface ProvisionOptions {
  /** base URL of the gateway, e.g. http://localhost:3000 */
  apiUrl: string;
  apiKey: string;
  count: number;
  /** device ids are `<prefix>-<n>`, n from 1 */
  prefix: string;
  type?: string;
  /** called once per device */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Registers `count` devices through the REST API (`POST /v1/iot/devices`) and returns their credentials. A
 * device that already exists (409, e.g. from an earlier run) gets new credentials instead
 * (`POST /v1/iot/devices/{id}/credentials`): tokens are shown only once, so this is how a re-run gets them.
 */
export async function provisionDevices(options: ProvisionOptions): Promise<DeviceCredentials[]> {
  const base = options.apiUrl.replace(/\/+$/, '');
  const headers = { Authorization: `Bearer ${options.apiKey}`, 'Content-Type': 'application/json' };
  const ids = Array.from({ length: options.count }, (_, i) => `${options.prefix}-${i + 1}`);
  const bad = ids.find((id) => !DEVICE_ID_PATTERN.test(id));
  if (bad) throw new Error(`invalid device id "${bad}": choose another --prefix`);
  const out: DeviceCredentials[] = new Array(ids.length);
  let done = 0;
  const provisionOne = async (index: number): Promise<void> => {
    const id = ids[index]!;
    let res = await fetch(`${base}/v1/iot/devices`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ id, name: `Simulated lamp ${index + 1}`, type: options.type ?? 'simulated-lamp' }),
    });
    if (res.status === 409) {
      res = await fetch(`${base}/v1/iot/devices/${encodeURIComponent(id)}/credentials`, { method: 'POST', headers });
    }
    const body = (await res.json().catch(() => ({}))) as {
      data?: { credentials?: { username: string; password: string } };
      message?: string;
    };
    if (!res.ok || !body.data?.credentials) {
      throw new Error(`could not provision ${id}: HTTP ${res.status} ${body.message ?? ''}`.trim());
    }
    out[index] = { id, password: body.data.credentials.password };
    options.onProgress?.(++done, ids.length);
  };
  // a few at a time: fast, and well inside the API's rate limit
  for (let i = 0; i < ids.length; i += 10) {
    await Promise.all(ids.slice(i, i + 10).map((_, j) => provisionOne(i + j)));
  }
  return out;
}

/** Reads `[{"id": "lamp-1", "password": "…"}]` (`username` is accepted for `id`, as the API names it). */
export function readCredentials(file: string): DeviceCredentials[] {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  if (!Array.isArray(parsed)) throw new Error(`${file}: expected a JSON array of {id, password}`);
  return parsed.map((item: unknown, i) => {
    const entry = item as { id?: unknown; username?: unknown; password?: unknown };
    const id = entry.id ?? entry.username;
    if (typeof id !== 'string' || typeof entry.password !== 'string') {
      throw new Error(`${file}: item ${i} needs "id" (or "username") and "password"`);
    }
    return { id, password: entry.password };
  });
}

export function writeCredentials(file: string, credentials: DeviceCredentials[]): void {
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
}
