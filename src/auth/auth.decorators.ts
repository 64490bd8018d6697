import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Scope } from './api-key.entity.js';
import type { Principal } from './principal.js';

export const PUBLIC_ROUTE = 'auth:public';
export const REQUIRED_SCOPE = 'auth:scope';

/** No credential needed (ops endpoints, OAuth pages). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/**
 * The scope a route needs. Without it: `read` for GET/HEAD, `write` otherwise; `admin` routes say so.
 * An explicit `null` means any valid principal (e.g. `/v1/users/me`).
 */
export const RequireScope = (scope: Scope | null) => SetMetadata(REQUIRED_SCOPE, scope);

/** The authenticated caller (the guard guarantees there is one on non-public routes). */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  return request.principal!;
});
