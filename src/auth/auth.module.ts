import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OAuthTokensModule } from '../oauth/oauth-tokens.module.js';
import { User } from '../users/user.entity.js';
import { AdminBootstrapService } from './admin-bootstrap.service.js';
import { ApiKey } from './api-key.entity.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysService } from './api-keys.service.js';
import { AuthGuard } from './auth.guard.js';
import { AuthHooks } from './auth.hooks.js';
import { Authenticator } from './authenticator.service.js';
import { RateLimitService } from './rate-limit.service.js';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([ApiKey, User]), OAuthTokensModule],
  controllers: [ApiKeysController],
  providers: [
    ApiKeysService,
    Authenticator,
    RateLimitService,
    AuthHooks,
    AdminBootstrapService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [ApiKeysService, Authenticator, AuthHooks, RateLimitService],
})
export class AuthModule {}
