import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { FastifyInstance } from 'fastify';
import { UsersModule } from '../users/users.module.js';
import { AuthorizationService } from './authorization.service.js';
import { AuthorizeController } from './authorize.controller.js';
import { ClientAuthentication } from './client-authentication.service.js';
import { LoginThrottle } from './login-throttle.service.js';
import { MetadataController } from './metadata.controller.js';
import { OAuthClient } from './oauth-client.entity.js';
import { OAuthClientsController } from './oauth-clients.controller.js';
import { OAuthClientsService } from './oauth-clients.service.js';
import { registerFormBodyParser } from './oauth-http.js';
import { OAuthInteraction } from './oauth-interaction.entity.js';
import { OAuthJanitor } from './oauth-janitor.service.js';
import { OAuthTokensModule } from './oauth-tokens.module.js';
import { TokenController } from './token.controller.js';
import { TokenService } from './token.service.js';

/** The OAuth 2.0 authorization server of SPEC §8: client registry, authorization pages, token endpoints, metadata. */
@Module({
  imports: [TypeOrmModule.forFeature([OAuthClient, OAuthInteraction]), UsersModule, OAuthTokensModule],
  controllers: [OAuthClientsController, AuthorizeController, TokenController, MetadataController],
  providers: [
    OAuthClientsService,
    AuthorizationService,
    ClientAuthentication,
    TokenService,
    LoginThrottle,
    OAuthJanitor,
  ],
})
export class OAuthModule implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  /** The gateway registers no form parser of its own (app.ts): the OAuth endpoints and pages need one. */
  onModuleInit(): void {
    registerFormBodyParser(this.adapterHost.httpAdapter.getInstance<FastifyInstance>());
  }
}
