import { Injectable, Logger } from '@nestjs/common';
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { RedisService } from '../redis/redis.service.js';

const WINDOW_SECONDS = 15 * 60;
/** failed sign-ins per account (email) per window: guessing one user's password */
export const LOGIN_FAILURES_PER_ACCOUNT = 5;
/** failed sign-ins per client IP per window: trying many accounts from one place */
export const LOGIN_FAILURES_PER_IP = 30;

export type ThrottleOutcome = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Throttles password guessing on the login page, per account and per IP (SPEC §8). Every attempt spends a
 * point on both budgets before the password is checked (so parallel guesses are counted too); a successful
 * sign-in clears the account's budget and gives the IP its point back. Unknown emails are counted like
 * real ones, so the throttle does not reveal which accounts exist. Shared through Redis when REDIS_URL is set.
 */
@Injectable()
export class LoginThrottle {
  private readonly logger = new Logger(LoginThrottle.name);
  private readonly perAccount: RateLimiterAbstract;
  private readonly perIp: RateLimiterAbstract;

  constructor(redis: RedisService) {
    const client = redis.enabled
      ? redis.connect('login-throttle', { enableOfflineQueue: false, maxRetriesPerRequest: 1 })
      : undefined;
    const make = (name: string, points: number): RateLimiterAbstract => {
      const memory = new RateLimiterMemory({ points, duration: WINDOW_SECONDS, keyPrefix: `login:${name}` });
      if (!client) return memory;
      return new RateLimiterRedis({
        storeClient: client,
        points,
        duration: WINDOW_SECONDS,
        keyPrefix: redis.key('login', name),
        rejectIfRedisNotReady: true,
        insuranceLimiter: memory,
      });
    };
    this.perAccount = make('account', LOGIN_FAILURES_PER_ACCOUNT);
    this.perIp = make('ip', LOGIN_FAILURES_PER_IP);
  }

  async attempt(email: string, ip: string): Promise<ThrottleOutcome> {
    const results = await Promise.allSettled([this.perAccount.consume(email), this.perIp.consume(ip)]);
    let waitMs = 0;
    for (const result of results) {
      if (result.status === 'fulfilled') continue;
      if (!(result.reason instanceof RateLimiterRes)) {
        this.logger.error({ err: result.reason }, 'login throttle failed');
        continue;
      }
      waitMs = Math.max(waitMs, result.reason.msBeforeNext);
    }
    return waitMs > 0
      ? { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) }
      : { allowed: true };
  }

  async succeeded(email: string, ip: string): Promise<void> {
    await Promise.allSettled([this.perAccount.delete(email), this.perIp.reward(ip, 1)]);
  }
}
