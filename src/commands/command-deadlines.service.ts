import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, LessThanOrEqual, type Repository } from 'typeorm';
import { Clock } from '../common/clock.js';
import { DatabaseService } from '../database/database.service.js';
import { Command, IN_FLIGHT_STATUSES, isFinished } from './command.entity.js';
import type { CommandView } from './command.view.js';
import { CommandLifecycle, type Outcome } from './command-lifecycle.service.js';
import { IdempotencyKey } from './idempotency-key.entity.js';

/** How often the database is swept for deadlines no timer took care of. */
const SWEEP_INTERVAL_MS = 5_000;
const SWEEP_BATCH = 200;
/** Expired Idempotency-Keys are purged this often. */
const PURGE_INTERVAL_MS = 60 * 60_000;
/** setTimeout's limit (about 24.8 days); a longer wait is done in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The two deadlines of a command: a queued one expires at `expiresAt`, one in flight times out at sent +
 * `timeoutMs`. A timer per pending command ends it on time; the sweeper ends whatever no timer covered (a
 * command created by another instance, a timer lost in a crash) a few seconds late at worst. Both go
 * through the conditional transitions of CommandLifecycle, so a timer firing after the reply is a no-op.
 *
 * Crash safety, at start (before the broker accepts devices): commands in flight past their deadline end
 * timed_out, queued ones past expiresAt end expired, the rest get their timers; queued commands stay queued
 * and reach their device when it next subscribes.
 */
@Injectable()
export class CommandDeadlines implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(CommandDeadlines.name);
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private sweeper: NodeJS.Timeout | undefined;
  private sweeping = false;
  private lastPurge = 0;
  private stopped = false;

  constructor(
    private readonly lifecycle: CommandLifecycle,
    private readonly db: DatabaseService,
    @InjectRepository(Command) private readonly commands: Repository<Command>,
    private readonly clock: Clock,
  ) {
    lifecycle.onChange((command) => this.track(command));
  }

  async onModuleInit(): Promise<void> {
    const { timedOut, expired } = await this.sweep();
    if (timedOut + expired > 0) {
      this.logger.warn(
        `after the restart: ${timedOut} command(s) in flight past their deadline ended timed_out, ${expired} queued past expiresAt ended expired`,
      );
    }
    const pending = await this.commands.find({
      select: { id: true, status: true, expiresAt: true, deadlineAt: true },
      where: { status: In(['queued', ...IN_FLIGHT_STATUSES]) },
    });
    for (const c of pending) this.schedule(c.id, c.status === 'queued' ? c.expiresAt : c.deadlineAt);
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    if (this.sweeper) clearInterval(this.sweeper);
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  /** Keeps the timer of a command in line with its status. */
  track(command: CommandView): void {
    if (isFinished(command.status)) return this.clear(command.id);
    if (command.status === 'queued') return this.schedule(command.id, command.expiresAt);
    // in flight: the reply deadline counts from sent
    this.schedule(command.id, new Date(Date.parse(command.sentAt!) + command.timeoutMs).toISOString());
  }

  private schedule(id: string, at: string | null): void {
    this.clear(id);
    if (at === null || this.stopped) return;
    const delay = Math.max(0, Date.parse(at) - Date.now());
    const timer = setTimeout(
      () => {
        this.timers.delete(id);
        if (delay > MAX_TIMER_MS) return this.schedule(id, at);
        void this.fire(id);
      },
      Math.min(delay, MAX_TIMER_MS),
    );
    timer.unref();
    this.timers.set(id, timer);
  }

  private clear(id: string): void {
    const timer = this.timers.get(id);
    if (timer) clearTimeout(timer);
    this.timers.delete(id);
  }

  private async fire(id: string): Promise<void> {
    try {
      // whichever applies to its current status; the other is a no-op
      const timedOut = await this.lifecycle.timeOut(id);
      if (!timedOut.found || timedOut.changed) return;
      await this.lifecycle.expire(id);
    } catch (err) {
      this.logger.error({ err, commandId: id }, 'command deadline failed; the sweeper will retry');
    }
  }

  /** Ends every command past its deadline (in batches); returns how many of each. */
  async sweep(): Promise<{ timedOut: number; expired: number }> {
    if (this.sweeping) return { timedOut: 0, expired: 0 };
    this.sweeping = true;
    let timedOut = 0;
    let expired = 0;
    try {
      for (;;) {
        const now = this.clock.iso();
        const late = await this.commands.find({
          select: { id: true },
          where: { status: In([...IN_FLIGHT_STATUSES]), deadlineAt: LessThanOrEqual(now) },
          take: SWEEP_BATCH,
        });
        for (const { id } of late) if (changed(await this.lifecycle.timeOut(id))) timedOut++;
        const stale = await this.commands.find({
          select: { id: true },
          where: { status: 'queued', expiresAt: LessThanOrEqual(now) },
          take: SWEEP_BATCH,
        });
        for (const { id } of stale) if (changed(await this.lifecycle.expire(id))) expired++;
        if (late.length < SWEEP_BATCH && stale.length < SWEEP_BATCH) break;
      }
      if (Date.now() - this.lastPurge > PURGE_INTERVAL_MS) {
        this.lastPurge = Date.now();
        const now = this.clock.iso();
        await this.db.transaction((m) => m.delete(IdempotencyKey, { expiresAt: LessThanOrEqual(now) }));
      }
    } catch (err) {
      this.logger.error({ err }, 'command sweep failed');
    } finally {
      this.sweeping = false;
    }
    return { timedOut, expired };
  }
}

function changed(outcome: Outcome): boolean {
  return outcome.found && outcome.changed;
}
