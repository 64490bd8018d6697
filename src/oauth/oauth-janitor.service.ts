import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LessThan } from 'typeorm';
import { Clock } from '../common/clock.js';
import { DatabaseService } from '../database/database.service.js';
import { OAuthAccessToken } from './oauth-access-token.entity.js';
import { OAuthAuthorizationCode } from './oauth-authorization-code.entity.js';
import { OAuthInteraction } from './oauth-interaction.entity.js';
import { OAuthRefreshToken } from './oauth-refresh-token.entity.js';

const EVERY_MS = 15 * 60_000;
/** used codes are kept a day after expiry, so that a late replay still revokes what the code issued */
const CODE_RETENTION_MS = 24 * 3600_000;

/** Deletes what can no longer be used: expired interactions, codes, access and refresh token records. */
@Injectable()
export class OAuthJanitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OAuthJanitor.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: DatabaseService,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<void> {
    const now = this.clock.iso();
    try {
      await this.db.transaction(async (m) => {
        await m.delete(OAuthInteraction, { expiresAt: LessThan(now) });
        await m.delete(OAuthAuthorizationCode, { expiresAt: LessThan(this.clock.iso(-CODE_RETENTION_MS)) });
        await m.delete(OAuthAccessToken, { expiresAt: LessThan(now) });
        await m.delete(OAuthRefreshToken, { expiresAt: LessThan(now) });
      });
    } catch (err) {
      this.logger.warn({ err }, 'could not purge expired OAuth records');
    }
  }
}
