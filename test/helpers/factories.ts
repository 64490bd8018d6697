import type { ApiClient } from './api-client.js';

let seq = 0;

export async function createCustomer(api: ApiClient, overrides: Record<string, unknown> = {}): Promise<any> {
  seq += 1;
  const res = await api.post('/v1/customers', { name: `Customer ${seq}`, industry: '互联网', ...overrides });
  if (res.status !== 201) throw new Error(`createCustomer: ${res.status} ${res.text}`);
  return res.body.data;
}

export async function createOrder(
  api: ApiClient,
  customerId: string,
  overrides: Record<string, unknown> = {},
): Promise<any> {
  const res = await api.post('/v1/orders', {
    customerId,
    items: [{ sku: 'SKU-1', name: '智能灯泡', quantity: 2, unitPrice: 1999 }],
    ...overrides,
  });
  if (res.status !== 201) throw new Error(`createOrder: ${res.status} ${res.text}`);
  return res.body.data;
}

/** An API key with the given scopes, created by the admin; returns the full secret. */
export async function createApiKey(
  api: ApiClient,
  scopes: string[],
  extra: Record<string, unknown> = {},
): Promise<{ id: string; key: string }> {
  const res = await api.post('/v1/api-keys', { name: `key ${scopes.join('+')}`, scopes, ...extra });
  if (res.status !== 201) throw new Error(`createApiKey: ${res.status} ${res.text}`);
  return { id: res.body.data.id, key: res.body.data.key };
}

export async function createUser(api: ApiClient, overrides: Record<string, unknown> = {}): Promise<any> {
  seq += 1;
  const res = await api.post('/v1/users', {
    email: `user${seq}.${Date.now()}@example.com`,
    name: `User ${seq}`,
    password: 'correct horse battery staple',
    role: 'member',
    ...overrides,
  });
  if (res.status !== 201) throw new Error(`createUser: ${res.status} ${res.text}`);
  return res.body.data;
}

/** Polls `check` until it returns a truthy value (for effects that happen asynchronously); fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
