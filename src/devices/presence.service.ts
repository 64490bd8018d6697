import { type BeforeApplicationShutdown, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { setTimeout as delay } from 'node:timers/promises';
import { type EntityManager, In } from 'typeorm';
import { BrokerService } from '../broker/broker.service.js';
import { CONNECT_REASON, type DisconnectReason } from '../broker/disconnect-reasons.js';
import { type PresenceListener, SessionRegistry } from '../broker/session-registry.js';
import { Clock } from '../common/clock.js';
import { DatabaseService } from '../database/database.service.js';
import { EventsService } from '../events/events.service.js';
import { Device } from './device.entity.js';
import { toDeviceView } from './device.view.js';

interface Transition {
  deviceId: string;
  kind: 'online' | 'offline';
  at: string;
  reason: DisconnectReason | typeof CONNECT_REASON;
  lastSeenAt: string | undefined;
}

/** Transitions written per transaction; a reconnect storm after a restart is written in a few hundred. */
const BATCH = 200;
const RECOVERY_BATCH = 200;

/**
 * Writes presence to the database: status, timestamps, reason, and a `device.online`/`device.offline` event in
 * the same transaction (the outbox). The SessionRegistry decides transitions synchronously and in order; this
 * service appends them to one FIFO queue and writes it in batches with a single writer, so events are recorded
 * in the order they happened, once each. A failed batch is retried as a whole (nothing of it was committed).
 *
 * At start, devices the database still shows online (the previous process died without shutting down) are
 * set offline with `gateway_restart`, before the broker accepts connections. With several gateway instances
 * on one database this would need per-instance ownership of sessions (a `gateway_id` column); today one
 * gateway owns all devices.
 */
@Injectable()
export class PresenceService implements PresenceListener, OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(PresenceService.name);
  private readonly queue: Transition[] = [];
  private enqueued = 0;
  private committed = 0;
  private waiters: Array<{ until: number; resolve: () => void }> = [];
  private writing = false;
  private stopping = false;

  constructor(
    private readonly db: DatabaseService,
    private readonly events: EventsService,
    private readonly sessions: SessionRegistry,
    private readonly broker: BrokerService,
    private readonly clock: Clock,
  ) {
    sessions.addListener(this);
  }

  async onModuleInit(): Promise<void> {
    await this.recoverAfterCrash();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.broker.close();
    this.stopping = true;
    await this.flushed();
  }

  online(deviceId: string, at: number): void {
    const iso = new Date(at).toISOString();
    this.enqueue({ deviceId, kind: 'online', at: iso, reason: CONNECT_REASON, lastSeenAt: iso });
  }

  offline(deviceId: string, reason: DisconnectReason, at: number, lastSeenAt: number | undefined): void {
    const seen = lastSeenAt === undefined ? undefined : new Date(lastSeenAt).toISOString();
    this.enqueue({ deviceId, kind: 'offline', at: new Date(at).toISOString(), reason, lastSeenAt: seen });
  }

  /** Ends the device's session with `reason`; resolves once its offline transition is committed. */
  async disconnect(deviceId: string, reason: DisconnectReason): Promise<void> {
    await this.sessions.kick(deviceId, reason);
    await this.flushed();
  }

  /** Resolves when every transition enqueued so far is committed. */
  flushed(): Promise<void> {
    if (this.committed >= this.enqueued) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ until: this.enqueued, resolve }));
  }

  private enqueue(transition: Transition): void {
    this.queue.push(transition);
    this.enqueued++;
    if (!this.writing) {
      this.writing = true;
      // next macrotask: transitions of one burst (a takeover storm, a shutdown) share a transaction
      setImmediate(() => void this.drain());
    }
  }

  private async drain(): Promise<void> {
    try {
      let failures = 0;
      while (this.queue.length > 0) {
        const batch = this.queue.slice(0, BATCH);
        try {
          await this.db.transaction((m) => this.write(m, batch));
          failures = 0;
        } catch (err) {
          failures++;
          this.logger.error({ err, transitions: batch.length, failures }, 'could not record device presence; retrying');
          if (!this.stopping || failures < 3) {
            await delay(Math.min(5000, 250 * 2 ** failures));
            continue;
          }
          // shutting down and the database is gone: the next start's recovery sets these devices offline
        }
        this.queue.splice(0, batch.length);
        this.committed += batch.length;
        const ready = this.waiters.filter((w) => w.until <= this.committed);
        this.waiters = this.waiters.filter((w) => w.until > this.committed);
        for (const w of ready) w.resolve();
      }
    } finally {
      // same tick as the last emptiness check: a transition enqueued from now on starts a new drain
      this.writing = false;
    }
  }

  private async write(m: EntityManager, batch: Transition[]): Promise<void> {
    const ids = [...new Set(batch.map((t) => t.deviceId))];
    const devices = new Map((await m.findBy(Device, { id: In(ids) })).map((d) => [d.id, d]));
    const changed = new Set<Device>();
    for (const t of batch) {
      const device = devices.get(t.deviceId);
      if (!device) continue; // deleted meanwhile
      if (t.kind === 'online') {
        device.status = 'online';
        device.connectedAt = t.at;
      } else {
        device.status = 'offline';
        device.disconnectedAt = t.at;
        device.lastDisconnectReason = t.reason as DisconnectReason;
      }
      device.lastSeenAt = latest(device.lastSeenAt, t.lastSeenAt);
      changed.add(device);
      await this.events.record(m, t.kind === 'online' ? 'device.online' : 'device.offline', {
        device: toDeviceView(device),
        reason: t.reason,
      });
    }
    // in id order, as every multi-row writer should, to keep PostgreSQL lock waits short and deadlocks rare
    // (a deadlock aborts this transaction, which is then retried whole)
    for (const d of [...changed].sort((a, b) => (a.id < b.id ? -1 : 1))) {
      await m.update(
        Device,
        { id: d.id },
        {
          status: d.status,
          connectedAt: d.connectedAt,
          disconnectedAt: d.disconnectedAt,
          lastDisconnectReason: d.lastDisconnectReason,
          lastSeenAt: d.lastSeenAt,
        },
      );
    }
  }

  private async recoverAfterCrash(): Promise<void> {
    let recovered = 0;
    for (;;) {
      const { seen, changed } = await this.db.transaction(async (m) => {
        const stale = await m.find(Device, { where: { status: 'online' }, order: { id: 'ASC' }, take: RECOVERY_BATCH });
        const now = this.clock.iso();
        let count = 0;
        for (const device of stale) {
          const changes = {
            status: 'offline' as const,
            disconnectedAt: now,
            lastDisconnectReason: 'gateway_restart' as const,
          };
          // conditional: another instance starting at the same moment must not record it twice
          const result = await m.update(Device, { id: device.id, status: 'online' }, changes);
          if (!result.affected) continue;
          Object.assign(device, changes);
          await this.events.record(m, 'device.offline', { device: toDeviceView(device), reason: 'gateway_restart' });
          count++;
        }
        return { seen: stale.length, changed: count };
      });
      recovered += changed;
      if (seen < RECOVERY_BATCH || changed === 0) break;
    }
    if (recovered > 0) {
      this.logger.warn(`${recovered} device(s) left online by the previous run were set offline (gateway_restart)`);
    }
  }
}

function latest(a: string | null, b: string | undefined): string | null {
  if (b === undefined) return a;
  return a === null || b > a ? b : a;
}
