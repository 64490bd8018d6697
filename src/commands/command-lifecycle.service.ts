import { Injectable, Logger } from '@nestjs/common';
import { type EntityManager, In } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { Clock } from '../common/clock.js';
import { DatabaseService } from '../database/database.service.js';
import type { EventType } from '../events/event-types.js';
import { EventsService } from '../events/events.service.js';
import {
  Command,
  type CommandError,
  type CommandStatus,
  IN_FLIGHT_STATUSES,
  isFinished,
  PENDING_STATUSES,
} from './command.entity.js';
import { type CommandView, toCommandView } from './command.view.js';
import { CommandWaiters } from './command-waiters.js';
import { CommandsMetrics } from './commands.metrics.js';

export type ChangeListener = (command: CommandView) => void;

const OUTCOME_EVENTS: Partial<Record<CommandStatus, EventType>> = {
  succeeded: 'command.succeeded',
  failed: 'command.failed',
  timed_out: 'command.timed_out',
  expired: 'command.expired',
};

/** A command changes status at most a few times: more retries than that means something else is wrong. */
const MAX_ATTEMPTS = 5;

export type Reply = { status: 'succeeded'; result: unknown } | { status: 'failed'; error: CommandError };

/**
 * Every status change of a command, each in its own short transaction: conditional on the status it read (a
 * concurrent change — a reply racing a timeout, a cancel racing a delivery — wins once, the other is a no-op),
 * with the outcome event recorded in the same transaction (the outbox). After the commit the change is
 * announced: to waiting callers (CommandWaiters), to the timers (onChange), and to the metrics.
 */
@Injectable()
export class CommandLifecycle {
  private readonly logger = new Logger(CommandLifecycle.name);
  private readonly listeners: ChangeListener[] = [];
  private deliveredPending = new Map<string, string>();
  private deliveredFlush: Promise<void> | undefined;

  constructor(
    private readonly db: DatabaseService,
    private readonly events: EventsService,
    private readonly waiters: CommandWaiters,
    private readonly metrics: CommandsMetrics,
    private readonly clock: Clock,
  ) {}

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  /** Announces committed changes (also used for commands created in a state other than queued). */
  announce(commands: CommandView[]): void {
    for (const command of commands) {
      if (isFinished(command.status)) this.metrics.completed(command.status);
      for (const listener of this.listeners) listener(command);
      this.waiters.notify(command);
    }
  }

  /**
   * queued → sent, for the commands (in this order) still queued and not expired: the step before the publish,
   * so that a command is stored as sent before a device can possibly answer it. Returns those that moved.
   */
  async markSent(ids: string[]): Promise<Command[]> {
    const now = this.clock.iso();
    const sent = await this.db.transaction(async (m) => {
      const rows = await m.findBy(Command, { id: In(ids), status: 'queued' });
      const byId = new Map(rows.map((c) => [c.id, c]));
      const moved: Command[] = [];
      for (const id of ids) {
        const c = byId.get(id);
        if (!c || c.expiresAt <= now) continue;
        const changes = { status: 'sent' as const, sentAt: now, deadlineAt: addMs(now, c.timeoutMs) };
        if (await this.update(m, c, changes)) moved.push(Object.assign(c, changes));
      }
      return moved;
    });
    this.announce(sent.map(toCommandView));
    return sent;
  }

  /** sent → queued: the device was gone by the time the command was to be written (nothing reached it). */
  async requeue(id: string): Promise<void> {
    await this.transition(id, ['sent'], () => ({ status: 'queued', sentAt: null, deadlineAt: null }));
  }

  /**
   * sent → delivered on the device's PUBACK. PUBACKs arrive in bursts (a queue flushed, many concurrent
   * commands): those of one tick are written in one transaction.
   */
  markDelivered(id: string): void {
    this.deliveredPending.set(id, this.clock.iso());
    this.deliveredFlush ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flushDelivered());
  }

  private async flushDelivered(): Promise<void> {
    const batch = this.deliveredPending;
    this.deliveredPending = new Map();
    this.deliveredFlush = undefined;
    try {
      const changed = await this.db.transaction(async (m) => {
        const rows = await m.findBy(Command, { id: In([...batch.keys()]), status: 'sent' });
        const out: Command[] = [];
        for (const c of rows.sort((a, b) => (a.id < b.id ? -1 : 1))) {
          const changes = { status: 'delivered' as const, deliveredAt: batch.get(c.id)! };
          if (await this.update(m, c, changes)) out.push(Object.assign(c, changes));
        }
        return out;
      });
      this.announce(changed.map(toCommandView));
    } catch (err) {
      // `delivered` is informative: the reply (or the timeout) still ends the command
      this.logger.error({ err, commands: batch.size }, 'could not record command deliveries');
    }
  }

  /** The device's reply (or a malformed one): → succeeded | failed, from any pending status. */
  complete(id: string, deviceId: string, reply: Reply, at: string): Promise<Outcome> {
    return this.transition(
      id,
      PENDING_STATUSES,
      (c) => {
        if (c.deviceId !== deviceId) return null;
        return {
          status: reply.status,
          result: reply.status === 'succeeded' && reply.result !== undefined ? JSON.stringify(reply.result) : null,
          error: reply.status === 'failed' ? reply.error : null,
          completedAt: at,
          // a reply proves delivery even when its PUBACK came later (or never: a QoS 0 subscription)
          deliveredAt: c.deliveredAt ?? at,
        };
      },
      true,
    );
  }

  /** In flight past its reply deadline → timed_out. */
  timeOut(id: string): Promise<Outcome> {
    const now = this.clock.iso();
    return this.transition(id, IN_FLIGHT_STATUSES, (c) =>
      c.deadlineAt !== null && c.deadlineAt <= now
        ? {
            status: 'timed_out',
            completedAt: now,
            error: { code: 'TIMED_OUT', message: `the device did not reply within ${c.timeoutMs} ms` },
          }
        : null,
    );
  }

  /** Queued past expiresAt → expired. */
  expire(id: string): Promise<Outcome> {
    const now = this.clock.iso();
    return this.transition(id, ['queued'], (c) =>
      c.expiresAt <= now
        ? {
            status: 'expired',
            completedAt: now,
            error: { code: 'EXPIRED', message: 'not delivered before expiresAt (device offline or not subscribed)' },
          }
        : null,
    );
  }

  cancel(id: string): Promise<Outcome> {
    const now = this.clock.iso();
    return this.transition(id, PENDING_STATUSES, () => ({
      status: 'cancelled',
      completedAt: now,
      error: { code: 'CANCELLED', message: 'cancelled through the API' },
    }));
  }

  /**
   * Reads the command, computes the change (null: none), writes it conditionally with its event, then
   * announces it. `found: false` for an unknown command.
   */
  private async transition(
    id: string,
    from: readonly CommandStatus[],
    change: (c: Command) => Partial<Command> | null,
    replied = false,
  ): Promise<Outcome> {
    const outcome = await this.db.transaction(async (m): Promise<Outcome> => {
      // the status may change between the read and the conditional write (on PostgreSQL: a PUBACK's
      // sent → delivered committing while a reply's update waits for the row): read again and decide again
      for (let attempt = 1; ; attempt++) {
        const c = await m.findOneBy(Command, { id });
        if (!c) return { found: false };
        const changes = from.includes(c.status) ? change(c) : null;
        if (!changes) return { found: true, changed: false, command: c };
        if (!(await this.update(m, c, changes))) {
          if (attempt < MAX_ATTEMPTS) continue;
          return { found: true, changed: false, command: c };
        }
        Object.assign(c, changes);
        const event = OUTCOME_EVENTS[c.status];
        if (event) await this.events.record(m, event, { command: toCommandView(c) });
        return { found: true, changed: true, command: c };
      }
    });
    if (outcome.found && outcome.changed) {
      if (replied) this.metrics.replied(outcome.command.sentAt, outcome.command.completedAt!);
      this.announce([toCommandView(outcome.command)]);
    }
    return outcome;
  }

  /** Conditional on the status read: false when another change got there first. */
  private async update(m: EntityManager, c: Command, changes: Partial<Command>): Promise<boolean> {
    const result = await m.update(Command, { id: c.id, status: c.status }, changes as QueryDeepPartialEntity<Command>);
    return (result.affected ?? 0) > 0;
  }
}

export type Outcome = { found: false } | { found: true; changed: boolean; command: Command };

export function addMs(iso: string, ms: number): string {
  return new Date(Date.parse(iso) + ms).toISOString();
}
