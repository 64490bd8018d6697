import { Injectable, Logger } from '@nestjs/common';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppConfig } from '../config/app-config.js';
import { AppException } from '../common/errors/app.exception.js';
import { ErrorCode } from '../common/errors/error-code.js';
import { RedisService } from '../redis/redis.service.js';

export type RateCategory = 'standard' | 'batch' | 'upload';

export interface RateLimitState {
  limit: number;
  remaining: number;
  /** unix epoch seconds at which the window resets */
  reset: number;
}

const WINDOW_SECONDS = 60;

/** Which budget a route spends (SPEC §3): bulk routes end in /batch, uploads in /import. */
export function rateCategoryOf(routePattern: string | undefined): RateCategory {
  if (!routePattern) return 'standard';
  if (routePattern.endsWith('/batch')) return 'batch';
  if (routePattern.endsWith('/import')) return 'upload';
  return 'standard';
}

/**
 * Fixed one-minute windows per principal and category. In memory by default; on Redis when REDIS_URL
 * is set, so that every gateway instance counts against the same budget. If Redis is unreachable the
 * in-memory limiter takes over (rate-limiter-flexible's insurance limiter): the API stays up and still limited.
 */
@Injectable()
export class RateLimitService {
  private readonly logger = new Logger(RateLimitService.name);
  private readonly limiters: Record<RateCategory, RateLimiterAbstract>;

  constructor(
    private readonly config: AppConfig,
    redis: RedisService,
  ) {
    const client = redis.enabled
      ? redis.connect('rate-limit', { enableOfflineQueue: false, maxRetriesPerRequest: 1 })
      : undefined;
    const make = (category: RateCategory): RateLimiterAbstract => {
      const points = config.rateLimit[category];
      const memory = new RateLimiterMemory({ points, duration: WINDOW_SECONDS, keyPrefix: `rl:${category}` });
      if (!client) return memory;
      return new RateLimiterRedis({
        storeClient: client,
        points,
        duration: WINDOW_SECONDS,
        keyPrefix: redis.key('rl', category),
        rejectIfRedisNotReady: true,
        insuranceLimiter: memory,
      });
    };
    this.limiters = { standard: make('standard'), batch: make('batch'), upload: make('upload') };
  }

  /** Spends one point; returns the state for the headers, or throws 429 42901 (with the same headers). */
  async consume(category: RateCategory, key: string): Promise<RateLimitState> {
    const limit = this.config.rateLimit[category];
    try {
      const res = await this.limiters[category].consume(key);
      return this.state(limit, res);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) {
        // a store error without insurance: do not turn an infrastructure fault into a 429
        this.logger.error({ err: rejection }, 'rate limiter failed');
        return { limit, remaining: limit, reset: Math.ceil(Date.now() / 1000) + WINDOW_SECONDS };
      }
      const state = this.state(limit, rejection);
      const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new AppException(ErrorCode.TooManyRequests, {
        extra: { retryAfter },
        headers: { ...headersOf(state), 'Retry-After': String(retryAfter) },
      });
    }
  }

  private state(limit: number, res: RateLimiterRes): RateLimitState {
    return {
      limit,
      remaining: Math.max(0, res.remainingPoints),
      reset: Math.ceil((Date.now() + res.msBeforeNext) / 1000),
    };
  }
}

export function headersOf(state: RateLimitState): Record<string, string> {
  return {
    'X-RateLimit-Limit': String(state.limit),
    'X-RateLimit-Remaining': String(state.remaining),
    'X-RateLimit-Reset': String(state.reset),
  };
}
