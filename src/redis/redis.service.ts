import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
import { AppConfig } from '../config/app-config.js';

/** Redis connections of the production profile (REDIS_URL); all are closed at shutdown. */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  private readonly logger = new Logger(RedisService.name);
  private readonly connections: Redis[] = [];
  private healthClient: Redis | undefined;

  constructor(private readonly config: AppConfig) {}

  get enabled(): boolean {
    return this.config.redisUrl !== undefined;
  }

  /** Prefix for every key we write (REDIS_PREFIX). */
  key(...parts: string[]): string {
    return [this.config.redisPrefix, ...parts].join(':');
  }

  /** A new connection; `purpose` names it in logs. */
  connect(purpose: string, options: RedisOptions = {}): Redis {
    if (!this.config.redisUrl) throw new Error('REDIS_URL is not set');
    const client = new Redis(this.config.redisUrl, { connectionName: `gateway:${purpose}`, ...options });
    let down = false;
    client.on('error', (err: Error) => {
      if (!down) this.logger.warn({ purpose, err: err.message }, 'redis connection error');
      down = true;
    });
    client.on('ready', () => {
      if (down) this.logger.log({ purpose }, 'redis connection restored');
      down = false;
    });
    this.connections.push(client);
    return client;
  }

  async ping(): Promise<boolean> {
    if (!this.enabled) return true;
    this.healthClient ??= this.connect('health', { maxRetriesPerRequest: 0, connectTimeout: 2000 });
    try {
      const pong = await Promise.race([
        this.healthClient.ping(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error('redis ping timed out')), 2000).unref()),
      ]);
      return pong === 'PONG';
    } catch {
      return false;
    }
  }

  /** QUIT where Redis answers (bounded), a plain disconnect where it does not: shutdown never waits for Redis. */
  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(
      this.connections.map(async (c) => {
        if (c.status !== 'ready') return c.disconnect();
        const timer = setTimeout(() => c.disconnect(), 1000);
        await c.quit().catch(() => c.disconnect());
        clearTimeout(timer);
      }),
    );
  }
}
