import { Module } from '@nestjs/common';
import { AccessTokens } from './access-tokens.service.js';
import { SigningKeys } from './signing-keys.service.js';

/**
 * Signing keys and access token verification, on their own so that the AuthModule (which authenticates
 * every /v1 request) can use them without depending on the whole OAuth server.
 */
@Module({
  providers: [SigningKeys, AccessTokens],
  exports: [SigningKeys, AccessTokens],
})
export class OAuthTokensModule {}
