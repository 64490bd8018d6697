import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { Clock } from '../common/clock.js';
import { safeEqual, sha256Hex } from '../common/crypto.js';
import { newId } from '../common/ids.js';
import { DatabaseService, isUniqueViolation } from '../database/database.service.js';
import { User } from '../users/user.entity.js';
import { ApiKey } from './api-key.entity.js';
import { ApiKeysService } from './api-keys.service.js';

export const ADMIN_EMAIL = 'admin@localhost';

/**
 * Makes sure somebody can call the API: ADMIN_API_KEY is ensured to exist as an admin key, or, on the
 * first start with an empty database, an admin user and key are created and the key is printed once.
 */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger(AdminBootstrapService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly db: DatabaseService,
    private readonly apiKeys: ApiKeysService,
    private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      if (this.config.adminApiKey) await this.ensureEnvKey(this.config.adminApiKey);
      else await this.bootstrapEmptyDatabase();
    } catch (err) {
      // another instance starting at the same moment did it first
      if (!isUniqueViolation(err)) throw err;
    }
  }

  private async ensureEnvKey(key: string): Promise<void> {
    const hash = sha256Hex(key);
    await this.db.transaction(async (m) => {
      const admin = await this.ensureAdminUser(m);
      const existing = await m.findOneBy(ApiKey, { source: 'env' });
      if (existing && safeEqual(existing.keyHash, hash) && existing.userId === admin.id) return;
      if (existing) await m.delete(ApiKey, { id: existing.id });
      await m.insert(ApiKey, {
        id: newId('ak'),
        userId: admin.id,
        name: 'ADMIN_API_KEY',
        scopes: 'read write admin',
        prefix: `${key.slice(0, 4)}…`,
        keyHash: hash,
        source: 'env',
        expiresAt: null,
        lastUsedAt: null,
        createdAt: this.clock.iso(),
      });
      this.logger.log('ADMIN_API_KEY is registered as an admin key');
    });
  }

  private async bootstrapEmptyDatabase(): Promise<void> {
    const key = await this.db.transaction(async (m) => {
      if ((await m.count(User)) > 0) return undefined;
      const admin = await this.ensureAdminUser(m);
      const { entity, key } = this.apiKeys.generate(
        admin.id,
        'bootstrap admin key',
        ['read', 'write', 'admin'],
        'bootstrap',
        null,
      );
      await m.insert(ApiKey, entity);
      return key;
    });
    if (!key) return;
    const line = '='.repeat(78);
    process.stdout.write(
      [
        line,
        ` First start: created the admin user ${ADMIN_EMAIL} and this admin API key.`,
        ' It is shown only this once; store it now:',
        '',
        `   ${key}`,
        '',
        ` Try: curl -H "Authorization: Bearer ${key}" ${this.config.publicUrl}/v1/customers`,
        line,
        '',
      ].join('\n'),
    );
  }

  private async ensureAdminUser(m: import('typeorm').EntityManager): Promise<User> {
    const existing = await m.findOneBy(User, { email: ADMIN_EMAIL });
    if (existing) {
      if (existing.role !== 'admin') await m.update(User, { id: existing.id }, { role: 'admin' });
      return existing;
    }
    const now = this.clock.iso();
    const admin = m.create(User, {
      id: newId('usr'),
      email: ADMIN_EMAIL,
      name: 'Administrator',
      role: 'admin',
      passwordHash: null,
      createdAt: now,
      updatedAt: now,
    });
    await m.insert(User, admin);
    return admin;
  }
}
