import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { Logger } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ErrorCode } from './common/errors/error-code.js';
import { AppModule } from './app.module.js';
import { AuthHooks } from './auth/auth.hooks.js';
import { DeviceTransport } from './broker/device-transport.strategy.js';
import type { AppConfig } from './config/app-config.js';
import { requestIdFrom } from './common/http/request-context.js';
import { newId } from './common/ids.js';
import { MAX_IMPORT_BYTES } from './crm/customers/customers-import.service.js';
import { MetricsService } from './metrics/metrics.service.js';
import { setupOpenApi } from './openapi.js';

export const BODY_LIMIT = 1024 * 1024;

/**
 * Builds the whole gateway, initialized but not yet listening. `main.ts` and the e2e tests share it,
 * so that tests exercise exactly what production runs.
 */
export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT,
    requestIdHeader: false,
    genReqId: (raw: IncomingMessage) => {
      const id = requestIdFrom(raw.headers['x-request-id'], () => newId('req'));
      // pino-http (nestjs-pino) logs raw requests: give it the same id
      (raw as IncomingMessage & { id: string }).id = id;
      return id;
    },
    multipart: { limits: { fileSize: MAX_IMPORT_BYTES, files: 1 } },
    clientErrorHandler: answerUnparseableRequest,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bufferLogs: true,
    abortOnError: false,
    // our own JSON parser below; form bodies are added by the OAuth module
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.flushLogs();

  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('X-Request-ID', request.id);
    done();
  });
  app.get(AuthHooks).register(fastify);
  registerHttpMetrics(fastify, app.get(MetricsService));
  acceptEmptyJsonBodies(fastify);
  setupOpenApi(app);
  // Device messages reach `@EventPattern('devices/+/…')` handlers through this in-process transport. Started
  // before init, so that its subscriptions are in place before the broker (started in init) accepts devices.
  app.connectMicroservice({ strategy: app.get(DeviceTransport) });
  await app.startAllMicroservices();
  await app.init();
  return app;
}

/**
 * Requests Node cannot even parse (a raw non-ASCII byte in the URL, oversized headers) never reach Fastify's
 * routing; answer them in the contract's error shape rather than Fastify's default body.
 */
function answerUnparseableRequest(err: Error & { code?: string }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const headerOverflow = err.code === 'HPE_HEADER_OVERFLOW';
  const body = JSON.stringify({
    code: ErrorCode.ValidationFailed,
    message: headerOverflow
      ? 'Request headers too large'
      : 'Malformed HTTP request (percent-encode non-ASCII URL characters)',
    requestId: newId('req'),
  });
  socket.end(
    `HTTP/1.1 ${headerOverflow ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\n` +
      `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

function registerHttpMetrics(fastify: FastifyInstance, metrics: MetricsService): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
}

/**
 * `POST /v1/orders/{id}/pay` with `Content-Type: application/json` and no body is a normal client habit:
 * treat an empty JSON body as no body (routes that need one still say 40001), keeping fastify's own parser
 * (with its prototype-poisoning protection) for everything else.
 */
function acceptEmptyJsonBodies(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  // JSON only: a text/plain body is refused with 415 rather than parsed into a string
  fastify.removeContentTypeParser(['application/json', 'text/plain']);
  fastify.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: BODY_LIMIT },
    (request, body, done) => {
      if (typeof body === 'string' && body.trim() === '') return done(null, undefined);
      return parseJson(request, body as string, done);
    },
  );
}
