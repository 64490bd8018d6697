import { Controller, Get, Header } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators.js';
import { AppConfig } from '../config/app-config.js';
import { RawResponse } from '../common/http/envelope.interceptor.js';
import { OAUTH_SCOPES } from './oauth-client.entity.js';
import { SigningKeys } from './signing-keys.service.js';

/** RFC 8414 metadata and the JWKS that verifies access tokens. */
@ApiTags('oauth')
@Controller('.well-known')
@Public()
@RawResponse()
export class MetadataController {
  constructor(
    private readonly config: AppConfig,
    private readonly keys: SigningKeys,
  ) {}

  @Get('oauth-authorization-server')
  @Header('Cache-Control', 'public, max-age=300')
  metadata() {
    const issuer = this.config.publicUrl;
    const clientAuth = ['client_secret_basic', 'client_secret_post'];
    return {
      issuer,
      authorization_endpoint: `${issuer}/oauth/authorize`,
      token_endpoint: `${issuer}/oauth/token`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      revocation_endpoint: `${issuer}/oauth/revoke`,
      introspection_endpoint: `${issuer}/oauth/introspect`,
      scopes_supported: [...OAUTH_SCOPES],
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: [...clientAuth, 'none'],
      revocation_endpoint_auth_methods_supported: [...clientAuth, 'none'],
      introspection_endpoint_auth_methods_supported: clientAuth,
      authorization_response_iss_parameter_supported: true,
      ui_locales_supported: ['zh-CN', 'en-US'],
      service_documentation: `${issuer}/docs`,
    };
  }

  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  jwks() {
    return this.keys.jwks();
  }
}
