import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { type Language, negotiateLanguage } from './messages.js';

/** The response language negotiated from Accept-Language (for messages inside success bodies, e.g. import reports). */
export const Lang = createParamDecorator((_: unknown, ctx: ExecutionContext): Language => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  return negotiateLanguage(request.headers['accept-language']);
});
