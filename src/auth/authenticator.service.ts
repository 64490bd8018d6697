import { Injectable } from '@nestjs/common';
import { AppException } from '../common/errors/app.exception.js';
import { ErrorCode } from '../common/errors/error-code.js';
import { AccessTokens, JWT_FORMAT } from '../oauth/access-tokens.service.js';
import { ApiKeysService } from './api-keys.service.js';
import type { Principal } from './principal.js';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Turns an Authorization header into a principal: an API key (`ak_…`), or an OAuth access token (an RS256 JWT). */
@Injectable()
export class Authenticator {
  constructor(
    private readonly apiKeys: ApiKeysService,
    private readonly accessTokens: AccessTokens,
  ) {}

  async authenticate(header: string): Promise<Principal> {
    const match = BEARER.exec(header);
    if (!match) throw new AppException(ErrorCode.TokenInvalid);
    const token = match[1]!;
    if (token.length > 4096) throw new AppException(ErrorCode.TokenInvalid);
    if (JWT_FORMAT.test(token)) return this.accessTokens.authenticate(token);
    return this.apiKeys.authenticate(token);
  }
}
