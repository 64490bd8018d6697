import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { map, type Observable } from 'rxjs';
import { CursorPage, OffsetPage } from '../query/page.js';

const RAW = 'raw-response';
/** The handler's return value is the body as is (health, metrics, OAuth endpoints): no envelope. */
export const RawResponse = () => SetMetadata(RAW, true);

/** Wraps every /v1 result in the seed's envelope: `{code: 0, message: "success", data}`. */
@Injectable()
export class EnvelopeInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const raw = this.reflector.getAllAndOverride<boolean>(RAW, [context.getHandler(), context.getClass()]);
    if (raw) return next.handle();
    return next.handle().pipe(map(envelope));
  }
}

export function envelope(data: unknown): unknown {
  if (data === undefined) return undefined;
  if (data instanceof OffsetPage) return { code: 0, message: 'success', data: data.toBody() };
  if (data instanceof CursorPage) {
    return {
      code: 0,
      message: 'success',
      data: { items: data.items },
      cursor: { next: data.next, hasMore: data.next !== null },
    };
  }
  return { code: 0, message: 'success', data };
}
