import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { Public } from '../auth/auth.decorators.js';
import { RawResponse } from '../common/http/envelope.interceptor.js';
import { RedisService } from '../redis/redis.service.js';

@ApiTags('ops')
@Controller('health')
@Public()
@RawResponse()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly redis: RedisService,
  ) {}

  /** The process is up and serving HTTP. */
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  /** Ready for traffic: the database answers, and Redis when configured. 503 otherwise. */
  @Get('ready')
  @HealthCheck()
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    try {
      return await this.health.check([
        () => this.database.pingCheck('database', { timeout: 3000 }),
        ...(this.redis.enabled ? [() => this.redisCheck()] : []),
      ]);
    } catch (err) {
      // terminus reports "not ready" as a 503 exception: answer with its report, not a generic error body
      if (!(err instanceof ServiceUnavailableException)) throw err;
      void reply.status(503);
      return err.getResponse();
    }
  }

  private async redisCheck() {
    const session = this.indicators.check('redis');
    return (await this.redis.ping()) ? session.up() : session.down();
  }
}
