import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { LessThan } from 'typeorm';
import { Clock } from '../common/clock.js';
import { DatabaseService } from '../database/database.service.js';
import { OAuthAccessToken } from './oauth-access-token.entity.js';
import { OAuthAuthorizationCode } from './oauth-authorization-code.entity.js';
import { OAuthGrant } from './oauth-grant.entity.js';
import { OAuthInteraction } from './oauth-interaction.entity.js';
import { OAuthRefreshToken } from './oauth-refresh-token.entity.js';

const EVERY_MS = 15 * 60_000;
/** used codes are kept a day after expiry, so that a late replay still revokes what the code issued */
const CODE_RETENTION_MS = 24 * 3600_000;

/**
 * Deletes what can no longer be used: expired interactions, codes, access and refresh token records, and
 * grants with nothing left under them. At start, then every 15 minutes.
 */
@Injectable()
export class OAuthJanitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OAuthJanitor.name);
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: DatabaseService,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.sweep();
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
        // grants with nothing left that could be used or replayed (a day old at least: a code may be in flight)
        await m
          .createQueryBuilder()
          .delete()
          .from(OAuthGrant)
          .where('created_at < :cutoff', { cutoff: this.clock.iso(-CODE_RETENTION_MS) })
          .andWhere('NOT EXISTS (SELECT 1 FROM oauth_refresh_tokens r WHERE r.grant_id = oauth_grants.id)')
          .andWhere('NOT EXISTS (SELECT 1 FROM oauth_access_tokens a WHERE a.grant_id = oauth_grants.id)')
          .andWhere('NOT EXISTS (SELECT 1 FROM oauth_authorization_codes c WHERE c.grant_id = oauth_grants.id)')
          .execute();
      });
    } catch (err) {
      this.logger.warn({ err }, 'could not purge expired OAuth records');
    }
  }
}
