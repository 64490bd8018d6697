import { z } from 'zod';

/**
 * The MQTT contract between devices and the gateway (SPEC §5): topic names, and the payload of every
 * topic. Self-contained on purpose (zod only, no Nest): the gateway, the simulator and the command
 * broker all import it, so that a device and the gateway cannot disagree about a topic or a field.
 */

/** Device ids as the registry accepts them; they never contain `/`, `+` or `#`, so they are safe topic levels. */
export const DEVICE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;
/** A command id inside a topic (the gateway issues `cmd_<ULID>`; anything topic-safe of this shape is parsed). */
export const COMMAND_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

export const TOPIC_ROOT = 'devices';

/** The topic filters the gateway listens to, as written in `@EventPattern(...)`. */
export const TOPIC_FILTERS = {
  telemetry: 'devices/+/telemetry',
  alerts: 'devices/+/alerts',
  commandReply: 'devices/+/commands/+/reply',
} as const;

export type TopicKind = 'telemetry' | 'alerts' | 'command' | 'command_reply';

/** Builders for every topic of a device. */
export const deviceTopics = {
  telemetry: (deviceId: string) => `${TOPIC_ROOT}/${deviceId}/telemetry`,
  alerts: (deviceId: string) => `${TOPIC_ROOT}/${deviceId}/alerts`,
  command: (deviceId: string, commandId: string) => `${TOPIC_ROOT}/${deviceId}/commands/${commandId}`,
  commandReply: (deviceId: string, commandId: string) => `${TOPIC_ROOT}/${deviceId}/commands/${commandId}/reply`,
  /** what a device subscribes to, to receive its commands */
  commandSubscription: (deviceId: string) => `${TOPIC_ROOT}/${deviceId}/commands/+`,
};

/**
 * MQTT topic filter matching (`+` one level, `#` the rest, including its parent level), for the filters the
 * ACL lets a device subscribe to. Topics starting with `$` are never matched by a leading wildcard.
 */
export function topicMatches(filter: string, topic: string): boolean {
  if (filter === topic) return true;
  if ((filter.startsWith('+') || filter.startsWith('#')) && topic.startsWith('$')) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return i === f.length - 1;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

export interface ParsedTopic {
  kind: TopicKind;
  deviceId: string;
  /** for `command` and `command_reply` */
  commandId?: string;
}

/**
 * `devices/{id}/telemetry` → `{kind: 'telemetry', deviceId}`; anything that is not one of the contract's
 * concrete topics (wildcards included) → null.
 */
export function parseTopic(topic: string): ParsedTopic | null {
  const levels = topic.split('/');
  if (levels.length < 3 || levels.length > 5 || levels[0] !== TOPIC_ROOT) return null;
  const deviceId = levels[1]!;
  if (!DEVICE_ID_PATTERN.test(deviceId)) return null;
  if (levels.length === 3) {
    if (levels[2] === 'telemetry') return { kind: 'telemetry', deviceId };
    if (levels[2] === 'alerts') return { kind: 'alerts', deviceId };
    return null;
  }
  if (levels[2] !== 'commands' || !COMMAND_ID_PATTERN.test(levels[3]!)) return null;
  if (levels.length === 4) return { kind: 'command', deviceId, commandId: levels[3]! };
  return levels[4] === 'reply' ? { kind: 'command_reply', deviceId, commandId: levels[3]! } : null;
}

// ---------------------------------------------------------------------------------------------------
// Payloads. Every payload is a UTF-8 JSON object of at most MAX_PAYLOAD_BYTES (the gateway's
// MQTT_MAX_PAYLOAD_BYTES may differ; this is the default).
// ---------------------------------------------------------------------------------------------------

export const MAX_PAYLOAD_BYTES = 64 * 1024;

/** `devices/{id}/telemetry`: `{"temperature": 21.5, "door": "open", "armed": true, "ts": 1718000000000}` */
export const TELEMETRY_KEY_PATTERN = /^[\p{L}\p{N}_.:-]{1,64}$/u;
export const MAX_TELEMETRY_KEYS = 100;
export const MAX_TELEMETRY_STRING = 1024;
/** A device clock may run a little ahead; further than this and the timestamp is refused. */
const MAX_CLOCK_AHEAD_MS = 24 * 60 * 60 * 1000;
const MIN_TIMESTAMP_MS = Date.UTC(2000, 0, 1);

export type TelemetryValue = number | string | boolean;

const telemetryValueSchema = z.union([z.number(), z.string().max(MAX_TELEMETRY_STRING), z.boolean()]);

/**
 * `ts` (optional) is epoch milliseconds or an ISO-8601 string; it becomes the points' time, else the
 * time the gateway received the message. The output separates it from the values.
 */
export const telemetryPayloadSchema = z
  // (zod's record never copies a `__proto__` key, so merging values into plain objects is safe)
  .record(z.string().regex(TELEMETRY_KEY_PATTERN), telemetryValueSchema)
  .transform((record, ctx) => {
    const { ts, ...values } = record;
    const keys = Object.keys(values).length;
    if (keys === 0) ctx.addIssue({ code: 'custom', message: 'telemetry carries no value' });
    if (keys > MAX_TELEMETRY_KEYS) ctx.addIssue({ code: 'custom', message: `more than ${MAX_TELEMETRY_KEYS} keys` });
    let at: string | undefined;
    if (ts !== undefined) {
      at = toIsoTimestamp(ts);
      if (at === undefined) ctx.addIssue({ code: 'custom', path: ['ts'], message: 'invalid or implausible ts' });
    }
    return { ts: at, values: values as Record<string, TelemetryValue> };
  });
export type TelemetryPayload = z.output<typeof telemetryPayloadSchema>;

function toIsoTimestamp(value: TelemetryValue): string | undefined {
  let ms: number;
  if (typeof value === 'number') ms = value;
  else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(value)) ms = Date.parse(value);
  else return undefined;
  if (!Number.isFinite(ms) || ms < MIN_TIMESTAMP_MS || ms > Date.now() + MAX_CLOCK_AHEAD_MS) return undefined;
  return new Date(ms).toISOString();
}

/** `devices/{id}/alerts`: raise (or repeat) an alert of a type, or clear it. */
export const ALERT_SEVERITIES = ['info', 'warning', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];
export const ALERT_TYPE_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

export const alertRaiseSchema = z.strictObject({
  type: z.string().regex(ALERT_TYPE_PATTERN),
  severity: z.enum(ALERT_SEVERITIES),
  message: z.string().max(1000),
  data: z.record(z.string(), z.unknown()).optional(),
});
export const alertClearSchema = z.strictObject({
  type: z.string().regex(ALERT_TYPE_PATTERN),
  status: z.literal('cleared'),
});
export const alertPayloadSchema = z.union([alertClearSchema, alertRaiseSchema]);
export type AlertRaise = z.output<typeof alertRaiseSchema>;
export type AlertClear = z.output<typeof alertClearSchema>;
export type AlertPayload = z.output<typeof alertPayloadSchema>;

export function isAlertClear(payload: AlertPayload): payload is AlertClear {
  return 'status' in payload;
}

/** Command names (`turnOn`, `setBrightness`, `firmware.update`): what sendCommand accepts and devices dispatch on. */
export const COMMAND_NAME_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * `devices/{id}/commands/{commandId}` (gateway → device, QoS 1). `issuedAt` is when the command was created;
 * `expiresAt` is its reply deadline (sent + timeoutMs): after it the gateway has given up on the command, so a
 * device that receives it later (a redelivery from a persistent session) should not execute it.
 */
export const commandPayloadSchema = z.object({
  id: z.string(),
  command: z.string(),
  params: z.record(z.string(), z.unknown()),
  issuedAt: z.string(),
  expiresAt: z.string().nullable(),
});
export type CommandPayload = z.output<typeof commandPayloadSchema>;

/** Builds the payload of a command topic (the gateway's side of the contract above). */
export function encodeCommandPayload(payload: CommandPayload): Buffer {
  return Buffer.from(JSON.stringify(payload));
}

/** `devices/{id}/commands/{commandId}/reply` (device → gateway). */
export const commandReplySchema = z.union([
  z.strictObject({ status: z.literal('ok'), result: z.unknown().optional() }),
  z.strictObject({
    status: z.literal('error'),
    error: z.strictObject({ code: z.union([z.string().max(64), z.number()]), message: z.string().max(1000) }),
  }),
]);
export type CommandReply = z.output<typeof commandReplySchema>;

/** The schema of each inbound topic kind. */
export const INBOUND_SCHEMAS = {
  telemetry: telemetryPayloadSchema,
  alerts: alertPayloadSchema,
  command_reply: commandReplySchema,
} as const;
export type InboundKind = keyof typeof INBOUND_SCHEMAS;

export type DecodeFailure = 'too_large' | 'json' | 'schema';

function utf8(bytes: Buffer | Uint8Array): string {
  return Buffer.isBuffer(bytes)
    ? bytes.toString('utf8')
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/**
 * Decodes an inbound payload: size, then JSON (an object), then the topic's schema.
 * Returns the validated value, or why it was refused.
 */
export function decodePayload<K extends InboundKind>(
  kind: K,
  payload: Buffer | Uint8Array | string,
  maxBytes = MAX_PAYLOAD_BYTES,
): { ok: true; value: z.output<(typeof INBOUND_SCHEMAS)[K]> } | { ok: false; reason: DecodeFailure; detail: string } {
  const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.byteLength;
  if (size > maxBytes) return { ok: false, reason: 'too_large', detail: `${size} bytes > ${maxBytes}` };
  let json: unknown;
  try {
    json = JSON.parse(typeof payload === 'string' ? payload : utf8(payload));
  } catch (err) {
    return { ok: false, reason: 'json', detail: err instanceof Error ? err.message : 'invalid JSON' };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { ok: false, reason: 'json', detail: 'not a JSON object' };
  }
  const result = INBOUND_SCHEMAS[kind].safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const path = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    return { ok: false, reason: 'schema', detail: `${path}${issue.message}` };
  }
  return { ok: true, value: result.data as z.output<(typeof INBOUND_SCHEMAS)[K]> };
}
