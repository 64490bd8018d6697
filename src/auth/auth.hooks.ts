import { Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppException } from '../common/errors/app.exception.js';
import { ErrorCode } from '../common/errors/error-code.js';
import { Authenticator } from './authenticator.service.js';
import { headersOf, RateLimitService, rateCategoryOf } from './rate-limit.service.js';

const TOKEN_QUERY_PARAMS = ['access_token', 'api_key', 'apiKey', 'token', 'key'];
/** Where one of those names is an ordinary parameter of the route, not a smuggled credential. */
const ROUTE_QUERY_PARAMS: Record<string, string[]> = {
  // SPEC §4: GET /v1/iot/devices/{id}/telemetry?key=temperature
  '/v1/iot/devices/:id/telemetry': ['key'],
};

/**
 * Runs on every /v1 request before the body is read: authenticate (the guard enforces the outcome
 * later), then spend the rate budget of the principal — or of the client IP when there is none, so that
 * guessing keys is throttled too. The X-RateLimit-* headers go on every /v1 response.
 */
@Injectable()
export class AuthHooks {
  constructor(
    private readonly authenticator: Authenticator,
    private readonly rateLimits: RateLimitService,
  ) {}

  register(fastify: FastifyInstance): void {
    fastify.addHook('onRequest', (request, reply) => this.onRequest(request, reply));
  }

  private async onRequest(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    if (!isApiPath(request.url)) return;
    const query = request.query as Record<string, unknown> | undefined;
    const own = ROUTE_QUERY_PARAMS[request.routeOptions.url ?? ''];
    if (query && TOKEN_QUERY_PARAMS.some((p) => p in query && !own?.includes(p))) {
      request.authError = new AppException(ErrorCode.TokenInvalid, { key: 'token_in_query' });
    } else if (request.headers.authorization) {
      try {
        request.principal = await this.authenticator.authenticate(request.headers.authorization);
      } catch (err) {
        if (!(err instanceof AppException)) throw err;
        request.authError = err;
      }
    }
    const category = rateCategoryOf(request.routeOptions.url);
    const key = request.principal?.key ?? `ip:${request.ip}`;
    const state = await this.rateLimits.consume(category, key);
    void reply.headers(headersOf(state));
  }
}

function isApiPath(url: string): boolean {
  return url === '/v1' || url.startsWith('/v1/') || url.startsWith('/v1?');
}
