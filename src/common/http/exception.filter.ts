import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppException } from '../errors/app.exception.js';
import { ErrorCode } from '../errors/error-code.js';
import { negotiateLanguage } from '../i18n/messages.js';

const BODY_LIMIT_TEXT = '1 MiB';

/**
 * The one place errors become responses: the contract's body `{code, message, errors?, requestId}`,
 * in the caller's language. Anything we did not raise on purpose is a 500 50001 whose details go to the
 * log only (never a stack or SQL in the body).
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    const error = this.toAppException(exception, request);
    if (error.code === ErrorCode.Internal) {
      this.logger.error({ err: exception, requestId: request.id, url: request.url }, 'unhandled error');
    }
    const lang = negotiateLanguage(request.headers['accept-language']);
    const errors = error.options.errors?.map((e) => ({ field: e.field, message: e.message(lang) }));
    const body = {
      code: error.code,
      message: error.render(lang),
      ...(errors && errors.length > 0 && { errors }),
      ...error.options.extra,
      requestId: request.id,
    };
    if (reply.sent) return;
    reply.header('X-Request-ID', request.id);
    for (const [name, value] of Object.entries(error.options.headers ?? {})) reply.header(name, value);
    void reply.status(error.status).type('application/json; charset=utf-8').send(body);
  }

  private toAppException(exception: unknown, request: FastifyRequest): AppException {
    if (exception instanceof AppException) return exception;
    if (exception instanceof NotFoundException && !exception.cause) {
      return new AppException(ErrorCode.NotFound, {
        key: 'route_not_found',
        params: { method: request.method, path: request.url.split('?')[0] ?? '' },
      });
    }
    if (exception instanceof HttpException) {
      const cause = exception.cause as { code?: string; name?: string } | undefined;
      const status = exception.getStatus();
      switch (cause?.code) {
        case 'FST_ERR_CTP_BODY_TOO_LARGE':
        case 'FST_REQ_FILE_TOO_LARGE':
        case 'FST_PARTS_LIMIT':
        case 'FST_FILES_LIMIT':
          return new AppException(ErrorCode.ValidationFailed, {
            key: 'payload_too_large',
            params: { limit: BODY_LIMIT_TEXT },
            status: 413,
          });
        case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
          return new AppException(ErrorCode.ValidationFailed, {
            key: 'unsupported_media_type',
            params: { type: String(request.headers['content-type'] ?? ''), expected: 'application/json' },
            status: 415,
          });
        case 'FST_ERR_CTP_EMPTY_JSON_BODY':
          return AppException.validation([], 'body_required');
        case 'FST_ERR_CTP_INVALID_JSON_BODY':
          return AppException.validation([], 'invalid_json');
      }
      if (cause?.name === 'SyntaxError' && status === 400) return AppException.validation([], 'invalid_json');
      if (status === 404) return AppException.notFound();
      if (status === 413) {
        return new AppException(ErrorCode.ValidationFailed, {
          key: 'payload_too_large',
          params: { limit: BODY_LIMIT_TEXT },
          status,
        });
      }
      if (status === 401) return new AppException(ErrorCode.TokenInvalid);
      if (status === 403) return new AppException(ErrorCode.Forbidden);
      if (status === 429) return new AppException(ErrorCode.TooManyRequests);
      if (status >= 400 && status < 500) return new AppException(ErrorCode.ValidationFailed, { status });
    }
    return new AppException(ErrorCode.Internal);
  }
}
