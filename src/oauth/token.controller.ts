import { Controller, Header, HttpCode, Post, Req, UseFilters } from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../auth/auth.decorators.js';
import { RawResponse } from '../common/http/envelope.interceptor.js';
import { ClientAuthentication } from './client-authentication.service.js';
import { OAuthErrorFilter } from './oauth-error.filter.js';
import { OAuthError } from './oauth.errors.js';
import { TokenService } from './token.service.js';

/** The back-channel endpoints: form-encoded requests, RFC bodies (no envelope), errors as RFC 6749 §5.2. */
@ApiTags('oauth')
@Controller('oauth')
@Public()
@RawResponse()
@UseFilters(OAuthErrorFilter)
export class TokenController {
  constructor(
    private readonly clientAuth: ClientAuthentication,
    private readonly tokens: TokenService,
  ) {}

  @Post('token')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiOperation({ summary: 'Token endpoint (RFC 6749): authorization_code with PKCE, refresh_token with rotation' })
  async token(@Req() request: FastifyRequest) {
    const params = this.clientAuth.params(request);
    const client = await this.clientAuth.authenticate(request, params, { allowPublic: true });
    switch (params.grant_type) {
      case 'authorization_code':
        return this.tokens.exchangeCode(client, params);
      case 'refresh_token':
        return this.tokens.refresh(client, params);
      case undefined:
        throw new OAuthError('invalid_request', 'grant_type is required');
      default:
        throw new OAuthError('unsupported_grant_type', 'supported: authorization_code, refresh_token');
    }
  }

  @Post('revoke')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiOperation({ summary: 'Token revocation (RFC 7009): 200 even for unknown tokens' })
  async revoke(@Req() request: FastifyRequest): Promise<void> {
    const params = this.clientAuth.params(request);
    const client = await this.clientAuth.authenticate(request, params, { allowPublic: true });
    await this.tokens.revoke(client, params);
  }

  @Post('introspect')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiOperation({ summary: 'Token introspection (RFC 7662): confidential clients, their own tokens' })
  async introspect(@Req() request: FastifyRequest) {
    const params = this.clientAuth.params(request);
    const client = await this.clientAuth.authenticate(request, params, { allowPublic: false });
    return this.tokens.introspect(client, params);
  }
}
