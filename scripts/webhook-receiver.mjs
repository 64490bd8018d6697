#!/usr/bin/env node
// A webhook receiver for trying the gateway out (and for `npm run demo`): it listens on a local port, checks
// both signatures of every delivery with the shared secret, prints the event and answers 200 (401 if a signature
// is wrong). No dependencies; see docs/webhooks.md for what it checks.
//
//   node scripts/webhook-receiver.mjs --secret whsec_… [--port 4000]
//
// or from another script: `const r = await startWebhookReceiver({ secret, port: 0 }); r.url; await r.close();`
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { fileURLToPath } from 'node:url';

const TOLERANCE_SECONDS = 5 * 60;

function safeEqual(a, b) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** `X-Webhook-Signature: sha256=<hex HMAC-SHA256(secret, body)>` (the seed's scheme). */
export function verifySeedSignature(body, header, secret) {
  return (
    typeof header === 'string' && safeEqual(header, `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`)
  );
}

/** Standard Webhooks: `webhook-signature: v1,<base64 HMAC-SHA256(key, id.timestamp.body)>`, timestamp within 5 min. */
export function verifyStandardSignature(body, headers, secret, now = Date.now()) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (!id || !timestamp || !signatures) return false;
  if (Math.abs(now / 1000 - Number(timestamp)) > TOLERANCE_SECONDS) return false;
  const key = secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
  const expected = `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
  return signatures.split(' ').some((s) => safeEqual(s, expected));
}

export async function startWebhookReceiver({ secret, port = 0, host = '127.0.0.1', onEvent, log = console.log }) {
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const seedOk = verifySeedSignature(body, req.headers['x-webhook-signature'], secret);
      const standardOk = verifyStandardSignature(body, req.headers, secret);
      if (!seedOk || !standardOk) {
        log(`✗ rejected ${req.headers['x-webhook-id'] ?? '?'}: bad signature (seed ${seedOk}, standard ${standardOk})`);
        res.writeHead(401).end('invalid signature');
        return;
      }
      const event = JSON.parse(body);
      log(`✓ ${event.type.padEnd(18)} ${event.id}  ${JSON.stringify(event.data).slice(0, 120)}`);
      onEvent?.(event);
      res.writeHead(200).end('ok');
    });
  });
  await new Promise((resolve) => server.listen(port, host, resolve));
  const address = server.address();
  return {
    url: `http://${host}:${address.port}/webhook`,
    port: address.port,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const secret = arg('secret');
  if (!secret) {
    console.error('usage: node scripts/webhook-receiver.mjs --secret <webhook secret> [--port 4000]');
    process.exit(1);
  }
  const receiver = await startWebhookReceiver({ secret, port: Number(arg('port') ?? 4000) });
  console.log(`Webhook receiver listening on ${receiver.url} (signatures checked with the given secret)`);
}
