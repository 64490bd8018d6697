import { resolve } from 'node:path';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type DatabaseConfig =
  { type: 'sqlite'; path: string } | { type: 'postgres'; url: string; schema: string | undefined };

/**
 * The gateway's whole configuration, parsed once from the environment at start.
 * Nothing else in the code base reads `process.env`; inject this class instead.
 */
export class AppConfig {
  readonly httpHost!: string;
  readonly httpPort!: number;
  readonly mqttPort!: number;
  readonly mqttWsPath!: string;
  readonly dataDir!: string;
  readonly database!: DatabaseConfig;
  readonly redisUrl!: string | undefined;
  /** Prefix of every Redis key we write, so that several deployments (or test runs) can share one Redis. */
  readonly redisPrefix!: string;
  readonly adminApiKey!: string | undefined;
  /**
   * Base URL of the gateway as clients see it: the OAuth issuer and the links in its metadata. PUBLIC_URL if
   * set; otherwise http://<host>:<port> (host: HTTP_HOST, or localhost when it is a wildcard address), and the
   * port is the one actually bound, which with HTTP_PORT=0 is only known after listen (see {@link listeningOn}).
   */
  publicUrl!: string;
  /** PUBLIC_URL was given explicitly (then it never changes) */
  readonly publicUrlFixed!: boolean;
  /** PEM RSA private key signing OAuth access tokens (OAUTH_SIGNING_KEY); unset → generated into DATA_DIR */
  readonly oauthSigningKey!: string | undefined;
  readonly rateLimit!: { standard: number; batch: number; upload: number };
  readonly webhookAllowPrivateNetworks!: boolean;
  readonly webhookRetryDelaysMs!: number[];
  readonly commandTimeoutMs!: number;
  readonly logLevel!: LogLevel;
  /** Largest MQTT payload a device may publish; bigger ones are dropped (the connection stays up). */
  readonly mqttMaxPayloadBytes!: number;
  /** Telemetry history older than this is deleted; 0 keeps it forever. */
  readonly telemetryRetentionDays!: number;

  constructor(values: Omit<AppConfig, 'listeningOn'>) {
    Object.assign(this, values);
  }

  /** Called by main.ts once the HTTP server listens: a default PUBLIC_URL follows the port really bound. */
  listeningOn(port: number): void {
    if (!this.publicUrlFixed) this.publicUrl = defaultPublicUrl(this.httpHost, port);
  }
}

/** `http://localhost:3000` for the wildcard addresses, else the address HTTP_HOST names (the only one that answers). */
export function defaultPublicUrl(host: string, port: number): string {
  const name = host === '0.0.0.0' || host === '::' || host === '[::]' ? 'localhost' : host;
  return `http://${name.includes(':') && !name.startsWith('[') ? `[${name}]` : name}:${port}`;
}

export class ConfigError extends Error {}

const port = (allowZero: boolean) =>
  z
    .string()
    .regex(/^\d+$/, 'expected an integer port number')
    .transform(Number)
    .refine((n) => n >= (allowZero ? 0 : 1) && n <= 65535, `expected a port in ${allowZero ? 0 : 1}..65535`);

const positiveInt = z
  .string()
  .regex(/^\d+$/, 'expected a positive integer')
  .transform(Number)
  .refine((n) => n > 0 && Number.isSafeInteger(n), 'expected a positive integer');

const url = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    `expected a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
  );

const nonNegativeInt = z
  .string()
  .regex(/^\d+$/, 'expected a non-negative integer')
  .transform(Number)
  .refine((n) => Number.isSafeInteger(n), 'expected a non-negative integer');

const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const envSchema = z.object({
  HTTP_HOST: z.string().min(1).default('0.0.0.0'),
  HTTP_PORT: port(true).default(3000),
  MQTT_PORT: port(true).default(1883),
  MQTT_WS_PATH: z
    .string()
    .regex(/^\/[\w\-./]*$/, 'expected a path starting with /')
    .default('/mqtt'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: url(['postgres:', 'postgresql:', 'sqlite:']).optional(),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'expected a lower-case SQL identifier')
    .optional(),
  REDIS_URL: url(['redis:', 'rediss:']).optional(),
  REDIS_PREFIX: z
    .string()
    .regex(/^[\w:.-]{1,64}$/, 'expected 1-64 characters of [A-Za-z0-9_:.-]')
    .default('gw'),
  ADMIN_API_KEY: z.string().min(32, 'expected at least 32 characters').optional(),
  PUBLIC_URL: url(['http:', 'https:']).optional(),
  OAUTH_SIGNING_KEY: z
    .string()
    // PEM in one env line: `\n` escapes are accepted for the line breaks
    .transform((s) => s.replace(/\\n/g, '\n').replace(/\r\n/g, '\n').trim())
    .refine((s) => /^-----BEGIN (RSA )?PRIVATE KEY-----\n[\s\S]+\n-----END (RSA )?PRIVATE KEY-----$/.test(s), {
      message: 'expected a PEM-encoded RSA private key (-----BEGIN PRIVATE KEY-----…)',
    })
    .optional(),
  RATE_LIMIT_STANDARD: positiveInt.default(1000),
  RATE_LIMIT_BATCH: positiveInt.default(100),
  RATE_LIMIT_UPLOAD: positiveInt.default(60),
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: bool.default(false),
  WEBHOOK_RETRY_DELAYS_MS: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'expected comma-separated milliseconds, e.g. 5000,300000')
    .transform((s) => s.split(',').map(Number))
    .default([5000, 300000, 1800000, 7200000, 18000000, 36000000, 50400000, 72000000, 86400000]),
  COMMAND_TIMEOUT_MS: positiveInt.default(10000),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  MQTT_MAX_PAYLOAD_BYTES: positiveInt
    .refine((n) => n <= 16 * 1024 * 1024, 'expected at most 16777216 (16 MiB)')
    .default(64 * 1024),
  TELEMETRY_RETENTION_DAYS: nonNegativeInt.refine((n) => n <= 36500, 'expected at most 36500 days').default(30),
});

/** Parses the environment into an {@link AppConfig}; throws a {@link ConfigError} naming the first bad variable. */
export function parseConfig(env: Record<string, string | undefined>): AppConfig {
  // Empty strings count as unset, as in most deployment tools.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const name = String(issue.path[0]);
    const shown = cleaned[name] === undefined ? '' : ` (got ${JSON.stringify(redact(name, cleaned[name]))})`;
    throw new ConfigError(`Invalid environment variable ${name}: ${issue.message}${shown}`);
  }
  const e = result.data;
  const dataDir = resolve(e.DATA_DIR);
  let database: DatabaseConfig;
  if (!e.DATABASE_URL) {
    database = { type: 'sqlite', path: resolve(dataDir, 'gateway.sqlite') };
  } else if (e.DATABASE_URL.startsWith('sqlite:')) {
    const path = e.DATABASE_URL.slice('sqlite:'.length).replace(/^\/\//, '');
    if (!path) throw new ConfigError('Invalid environment variable DATABASE_URL: expected sqlite:<file path>');
    database = { type: 'sqlite', path: resolve(path) };
  } else {
    database = { type: 'postgres', url: e.DATABASE_URL, schema: e.DATABASE_SCHEMA };
  }
  return new AppConfig({
    httpHost: e.HTTP_HOST,
    httpPort: e.HTTP_PORT,
    mqttPort: e.MQTT_PORT,
    mqttWsPath: e.MQTT_WS_PATH,
    dataDir,
    database,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    adminApiKey: e.ADMIN_API_KEY,
    publicUrl: (e.PUBLIC_URL ?? defaultPublicUrl(e.HTTP_HOST, e.HTTP_PORT)).replace(/\/+$/, ''),
    publicUrlFixed: e.PUBLIC_URL !== undefined,
    oauthSigningKey: e.OAUTH_SIGNING_KEY,
    rateLimit: { standard: e.RATE_LIMIT_STANDARD, batch: e.RATE_LIMIT_BATCH, upload: e.RATE_LIMIT_UPLOAD },
    webhookAllowPrivateNetworks: e.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
    webhookRetryDelaysMs: e.WEBHOOK_RETRY_DELAYS_MS,
    commandTimeoutMs: e.COMMAND_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
    mqttMaxPayloadBytes: e.MQTT_MAX_PAYLOAD_BYTES,
    telemetryRetentionDays: e.TELEMETRY_RETENTION_DAYS,
  });
}

function redact(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return value;
  if (name === 'ADMIN_API_KEY') return `${value.slice(0, 3)}…`;
  if (name === 'OAUTH_SIGNING_KEY') return `${value.slice(0, 16)}…`;
  if (name.endsWith('_URL')) return value.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');
  return value;
}
