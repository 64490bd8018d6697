import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError } from './oauth.errors.js';

/** Error bodies of the token, revocation and introspection endpoints: RFC 6749 §5.2, never cached. */
@Catch()
export class OAuthErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('OAuth');

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    let error: OAuthError;
    if (exception instanceof OAuthError) {
      error = exception;
    } else {
      this.logger.error({ err: exception, requestId: request.id, url: request.url }, 'unhandled error');
      error = new OAuthError('server_error', 'internal error');
    }
    if (reply.sent) return;
    for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
    void reply
      .status(error.status)
      .header('Cache-Control', 'no-store')
      .header('Pragma', 'no-cache')
      .type('application/json; charset=utf-8')
      .send({ error: error.error, error_description: error.description });
  }
}
