import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { Clock } from '../common/clock.js';
import { DatabaseService } from '../database/database.service.js';
import { TelemetryPoint } from './telemetry-point.entity.js';

const RUN_EVERY_MS = 60 * 60_000;
/** rows per DELETE: short transactions, so that SQLite writers (telemetry, presence) are not held up */
const CHUNK = 5000;

/** Deletes telemetry history older than TELEMETRY_RETENTION_DAYS: at start, then hourly. 0 keeps everything. */
@Injectable()
export class TelemetryRetentionService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(TelemetryRetentionService.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly config: AppConfig,
    private readonly db: DatabaseService,
    private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.telemetryRetentionDays === 0) return;
    const run = () => {
      this.running ??= this.purge()
        .then(() => undefined)
        .catch((err: unknown) => this.logger.error({ err }, 'telemetry retention run failed'))
        .finally(() => (this.running = undefined));
    };
    setImmediate(run);
    this.timer = setInterval(run, RUN_EVERY_MS);
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Deletes points older than the retention period; returns how many. */
  async purge(): Promise<number> {
    const cutoff = this.clock.iso(-this.config.telemetryRetentionDays * 24 * 60 * 60_000);
    let total = 0;
    for (;;) {
      const deleted = await this.db.transaction(async (m) => {
        const oldest = m
          .createQueryBuilder(TelemetryPoint, 'o')
          .select('o.id')
          .where('o.ts < :cutoff', { cutoff })
          .limit(CHUNK);
        const result = await m
          .createQueryBuilder()
          .delete()
          .from(TelemetryPoint)
          .where(`id IN (${oldest.getQuery()})`)
          .setParameters(oldest.getParameters())
          .execute();
        return result.affected ?? 0;
      });
      total += deleted;
      if (deleted < CHUNK) break;
    }
    if (total > 0) this.logger.log(`telemetry retention: deleted ${total} point(s) older than ${cutoff}`);
    return total;
  }
}
