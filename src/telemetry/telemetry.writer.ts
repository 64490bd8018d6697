import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { Counter } from 'prom-client';
import type { EntityManager } from 'typeorm';
import { monotonicFactory } from 'ulid';
import { BrokerService } from '../broker/broker.service.js';
import { SessionRegistry } from '../broker/session-registry.js';
import type { TelemetryPayload, TelemetryValue } from '../broker/topics.js';
import { DatabaseService } from '../database/database.service.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { TelemetryPoint } from './telemetry-point.entity.js';

/** How often buffered telemetry (history, latest values) and device activity (lastSeenAt) are written. */
export const FLUSH_INTERVAL_MS = 1000;
/** A flush starts early when this many points are waiting (bigger transactions write fewer index pages on SQLite; smaller ones hold its write lock less long). */
const FLUSH_AT_POINTS = 5000;
/** Beyond this many buffered points (the database is down or too slow) the oldest are dropped and counted. */
const MAX_BUFFERED_POINTS = 200_000;
const INSERT_CHUNK = 500;
const UPDATE_CHUNK = 300;

const ulid = monotonicFactory();

/**
 * Buffers telemetry and writes it in batches: history rows with multi-row INSERTs, the latest values and
 * `lastSeenAt` of every device touched with one UPDATE … FROM (VALUES …) per few hundred devices, all in one
 * transaction per flush. The hot path (`add`) only appends to memory.
 *
 * Durability: a crash loses at most one flush interval of telemetry (a QoS 1 PUBACK means "received by the
 * gateway", which Aedes sends before any handler runs, whatever the handler does).
 */
@Injectable()
export class TelemetryWriter implements OnApplicationBootstrap, BeforeApplicationShutdown, OnModuleDestroy {
  private readonly logger = new Logger(TelemetryWriter.name);
  private points: TelemetryPoint[] = [];
  private latest = new Map<string, Record<string, TelemetryValue>>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private readonly written: Counter;
  private readonly dropped: Counter;

  constructor(
    private readonly db: DatabaseService,
    private readonly sessions: SessionRegistry,
    private readonly broker: BrokerService,
    metrics: MetricsService,
  ) {
    this.written = new Counter({
      name: 'telemetry_points_written_total',
      help: 'Telemetry history points written to the database',
      registers: [metrics.registry],
    });
    this.dropped = new Counter({
      name: 'telemetry_points_dropped_total',
      help: 'Telemetry points dropped because the write buffer was full (database down or too slow)',
      registers: [metrics.registry],
    });
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /** Hot path: one validated telemetry message. */
  add(deviceId: string, payload: TelemetryPayload, receivedAt: string): void {
    const ts = payload.ts ?? receivedAt;
    for (const key in payload.values) {
      const value = payload.values[key]!;
      this.points.push({ id: ulid(), deviceId, key, value: JSON.stringify(value), ts });
    }
    const latest = this.latest.get(deviceId);
    if (latest) Object.assign(latest, payload.values);
    else this.latest.set(deviceId, { ...payload.values });
    if (this.points.length > MAX_BUFFERED_POINTS) {
      const excess = this.points.length - MAX_BUFFERED_POINTS;
      this.points.splice(0, excess);
      this.dropped.inc(excess);
    }
    if (this.points.length >= FLUSH_AT_POINTS && !this.flushing) void this.flush();
  }

  /** Drops what is buffered for a device being deleted, and waits out a flush that may hold some of it. */
  async forget(deviceId: string): Promise<void> {
    this.points = this.points.filter((p) => p.deviceId !== deviceId);
    this.latest.delete(deviceId);
    while (this.flushing) await this.flushing;
  }

  async deleteHistory(m: EntityManager, deviceId: string): Promise<void> {
    await m.delete(TelemetryPoint, { deviceId });
  }

  /** Writes everything buffered so far; concurrent calls share the flush in progress. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    this.flushing = this.write().finally(() => (this.flushing = undefined));
    await this.flushing;
  }

  async beforeApplicationShutdown(): Promise<void> {
    // devices are disconnected first, so nothing arrives after the last flush
    await this.broker.close();
    clearInterval(this.timer);
    await this.flush();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  private async write(): Promise<void> {
    const points = this.points;
    const latest = this.latest;
    const activity = this.sessions.drainActivity();
    if (points.length === 0 && latest.size === 0 && activity.size === 0) return;
    this.points = [];
    this.latest = new Map();
    try {
      await this.db.transaction(async (m) => {
        for (let i = 0; i < points.length; i += INSERT_CHUNK) await this.insert(m, points.slice(i, i + INSERT_CHUNK));
        await this.updateDevices(m, latest, activity);
      });
      this.written.inc(points.length);
    } catch (err) {
      this.logger.error({ err, points: points.length }, 'telemetry flush failed; will retry');
      // put back in front of what arrived meanwhile (activity is approximate and is not kept)
      this.points = points.concat(this.points);
      for (const [deviceId, values] of latest) {
        this.latest.set(deviceId, { ...values, ...this.latest.get(deviceId) });
      }
    }
  }

  /**
   * One multi-row INSERT per chunk, written by hand: TypeORM's insert builder spends more CPU on its
   * parameter bookkeeping than the database spends on the rows (measured, bench/RESULTS.md).
   */
  private async insert(m: EntityManager, points: TelemetryPoint[]): Promise<void> {
    const pg = this.db.isPostgres;
    const params: string[] = [];
    const tuples: string[] = [];
    for (const p of points) {
      const n = params.push(p.id, p.deviceId, p.key, p.value, p.ts);
      tuples.push(pg ? `($${n - 4}, $${n - 3}, $${n - 2}, $${n - 1}, $${n})` : '(?, ?, ?, ?, ?)');
    }
    await m.query(`INSERT INTO telemetry (id, device_id, key, value, ts) VALUES ${tuples.join(', ')}`, params);
  }

  /** Latest values merged into `devices.telemetry`, `last_seen_at` moved forward; one statement per chunk. */
  private async updateDevices(
    m: EntityManager,
    latest: Map<string, Record<string, TelemetryValue>>,
    activity: Map<string, number>,
  ): Promise<void> {
    const ids = new Set([...latest.keys(), ...activity.keys()]);
    const rows = [...ids].sort().map((id) => {
      const values = latest.get(id);
      const seen = activity.get(id);
      return [id, values ? JSON.stringify(values) : null, seen === undefined ? null : new Date(seen).toISOString()];
    });
    const pg = this.db.isPostgres;
    // SQLite (≥ 3.33) and PostgreSQL both accept UPDATE … FROM (VALUES …), whose columns are column1..3
    const merge = pg
      ? '(devices.telemetry::jsonb || v.column2::jsonb)::text'
      : 'json_patch(devices.telemetry, v.column2)';
    for (let i = 0; i < rows.length; i += UPDATE_CHUNK) {
      const chunk = rows.slice(i, i + UPDATE_CHUNK);
      const tuples = chunk.map((_, r) => (pg ? `($${3 * r + 1}, $${3 * r + 2}, $${3 * r + 3})` : '(?, ?, ?)'));
      await m.query(
        `UPDATE devices SET
           telemetry = CASE WHEN v.column2 IS NULL THEN devices.telemetry ELSE ${merge} END,
           last_seen_at = CASE
             WHEN v.column3 IS NOT NULL AND (devices.last_seen_at IS NULL OR devices.last_seen_at < v.column3)
             THEN v.column3 ELSE devices.last_seen_at END
         FROM (VALUES ${tuples.join(', ')}) AS v
         WHERE devices.id = v.column1`,
        chunk.flat(),
      );
    }
  }
}
