import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AppException } from '../common/errors/app.exception.js';
import { ErrorCode } from '../common/errors/error-code.js';
import type { Scope } from './api-key.entity.js';
import { PUBLIC_ROUTE, REQUIRED_SCOPE } from './auth.decorators.js';

/**
 * Every route needs a principal unless marked @Public(). Authentication itself ran earlier, in the
 * onRequest hook (it must precede rate limiting and body parsing); this guard enforces the outcome and the scope.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (request.authError) throw request.authError;
    const principal = request.principal;
    if (!principal) throw new AppException(ErrorCode.TokenInvalid, { key: 'token_missing' });
    const declared = this.reflector.getAllAndOverride<Scope | null | undefined>(REQUIRED_SCOPE, targets);
    const needed: Scope | null =
      declared !== undefined ? declared : request.method === 'GET' || request.method === 'HEAD' ? 'read' : 'write';
    if (needed && !principal.scopes.has(needed)) {
      throw new AppException(ErrorCode.Forbidden, { key: 'scope_required', params: { scope: needed } });
    }
    return true;
  }
}
