import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { negotiateLanguage } from '../common/i18n/messages.js';
import { sendPage } from './oauth-http.js';
import { errorPage } from './oauth-pages.js';
import { OAuthPageError } from './oauth.errors.js';

/** Anything that goes wrong on the authorization pages becomes an error page in the user's language. */
@Catch()
export class OAuthPageFilter implements ExceptionFilter {
  private readonly logger = new Logger('OAuth');

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const lang = negotiateLanguage(request.headers['accept-language']);
    if (reply.sent) return;
    if (exception instanceof OAuthPageError) {
      sendPage(reply, errorPage(lang, exception.status, exception.key, exception.params));
      return;
    }
    this.logger.error({ err: exception, requestId: request.id, url: request.url }, 'unhandled error');
    sendPage(reply, errorPage(lang, 500, 'oauth_error_internal'));
  }
}
