import { Injectable } from '@nestjs/common';
import { AppException } from '../common/errors/app.exception.js';
import { ErrorCode } from '../common/errors/error-code.js';
import { ApiKeysService } from './api-keys.service.js';
import type { Principal } from './principal.js';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/** Turns an Authorization header into a principal: API keys today, OAuth access tokens (JWTs) with the OAuth module. */
@Injectable()
export class Authenticator {
  constructor(private readonly apiKeys: ApiKeysService) {}

  async authenticate(header: string): Promise<Principal> {
    const match = BEARER.exec(header);
    if (!match) throw new AppException(ErrorCode.TokenInvalid);
    const token = match[1]!;
    if (token.length > 4096) throw new AppException(ErrorCode.TokenInvalid);
    return this.apiKeys.authenticate(token);
  }
}
