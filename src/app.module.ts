import { type DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import { AlertsModule } from './alerts/alerts.module.js';
import { AuthModule } from './auth/auth.module.js';
import { BrokerModule } from './broker/broker.module.js';
import { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { CommandsModule } from './commands/commands.module.js';
import { CommonModule } from './common/common.module.js';
import { AllExceptionsFilter } from './common/http/exception.filter.js';
import { EnvelopeInterceptor } from './common/http/envelope.interceptor.js';
import { CustomersModule } from './crm/customers/customers.module.js';
import { OrdersModule } from './crm/orders/orders.module.js';
import { DatabaseModule } from './database/database.module.js';
import { DevicesModule } from './devices/devices.module.js';
import { EventsModule } from './events/events.module.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { OAuthModule } from './oauth/oauth.module.js';
import { RedisModule } from './redis/redis.module.js';
import { TelemetryModule } from './telemetry/telemetry.module.js';
import { UsersModule } from './users/users.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';

const QUIET_ROUTES = ['/health/live', '/health/ready', '/metrics'];

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          // nestjs-pino's default route pattern ({/*splat}) never matches on the Fastify adapter
          forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
          pinoHttp: {
            level: config.logLevel,
            // fastify generated (or accepted) the id and stored it on the raw request; see app.ts
            genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id: string }).id,
            customAttributeKeys: { reqId: 'requestId' },
            quietReqLogger: true,
            autoLogging: {
              ignore: (req: IncomingMessage & { originalUrl?: string }) =>
                QUIET_ROUTES.includes((req.originalUrl ?? req.url ?? '').split('?')[0]!),
            },
            redact: ['req.headers.authorization', 'req.headers.cookie'],
            serializers: {
              req: (req: { id: string; method: string; url: string }) => ({
                id: req.id,
                method: req.method,
                url: req.url.split('?')[0],
              }),
            },
          },
        }),
        CommonModule,
        DatabaseModule,
        RedisModule,
        MetricsModule,
        EventsModule,
        AuthModule,
        UsersModule,
        CustomersModule,
        OrdersModule,
        BrokerModule,
        DevicesModule,
        TelemetryModule,
        AlertsModule,
        WebhooksModule.forRoot(config),
        CommandsModule,
        HealthModule,
        OAuthModule,
      ],
      providers: [
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_INTERCEPTOR, useClass: EnvelopeInterceptor },
      ],
    };
  }
}
