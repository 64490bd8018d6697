import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { BrokerService } from '../broker/broker.service.js';
import { deviceTopics, encodeCommandPayload, parseTopic } from '../broker/topics.js';
import { Command } from './command.entity.js';
import { CommandLifecycle } from './command-lifecycle.service.js';

/** Queued commands read (and sent) per round; a full queue (100, SPEC §6) goes in one. */
const ROUND = 100;

/**
 * Gets queued commands to their device, in creation order, whenever it can receive them: right after a
 * command is queued, and when the device subscribes to its command topic (a publish before its SUBSCRIBE
 * would be lost with a clean session). One loop per device at a time, so that deliveries never overtake each
 * other; a kick during a round asks for another round.
 *
 * A round: read the queue (oldest first), keep the prefix the device is subscribed to, mark it sent (stored
 * before published), write each to the device's connection in order. A command the device could no longer
 * receive (its connection closed in between) goes back to the queue.
 */
@Injectable()
export class CommandDispatcher implements OnModuleDestroy {
  private readonly logger = new Logger(CommandDispatcher.name);
  private readonly loops = new Map<string, { again: boolean; done: Promise<void> }>();
  private stopped = false;

  constructor(
    private readonly broker: BrokerService,
    private readonly lifecycle: CommandLifecycle,
    @InjectRepository(Command) private readonly commands: Repository<Command>,
  ) {
    broker.onSubscribe((deviceId, topics) => {
      if (topics.some((t) => parseTopic(t.replace(/[+#]$/, 'x'))?.kind === 'command')) void this.kick(deviceId);
    });
  }

  /** Delivers what the device has queued, as far as it can receive it. Resolves when that attempt is over. */
  kick(deviceId: string): Promise<void> {
    const running = this.loops.get(deviceId);
    if (running) {
      running.again = true;
      return running.done;
    }
    const state = { again: true, done: Promise.resolve() };
    state.done = this.loop(deviceId, state);
    this.loops.set(deviceId, state);
    return state.done;
  }

  /** No new rounds once the gateway stops (queued commands stay queued for the next start). */
  onModuleDestroy(): void {
    this.stopped = true;
  }

  private async loop(deviceId: string, state: { again: boolean }): Promise<void> {
    // the first round starts on the next tick, so that kick() has registered the loop
    await Promise.resolve();
    try {
      while (state.again && !this.stopped) {
        state.again = false;
        try {
          while (await this.round(deviceId));
        } catch (err) {
          // the commands stay queued; the next kick (a new command, a subscription) retries
          this.logger.error({ err, deviceId }, 'could not deliver queued commands');
        }
      }
    } finally {
      this.loops.delete(deviceId);
    }
  }

  /** One round; true when there may be more to send. */
  private async round(deviceId: string): Promise<boolean> {
    if (!this.broker.isConnected(deviceId)) return false;
    const queued = await this.commands.find({
      where: { deviceId, status: 'queued' },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: ROUND,
    });
    const reachable: Command[] = [];
    for (const c of queued) {
      if (!this.broker.canDeliver(deviceId, deviceTopics.command(deviceId, c.id))) break;
      reachable.push(c);
    }
    if (reachable.length === 0) return false;
    const sent = await this.lifecycle.markSent(reachable.map((c) => c.id));
    const outcomes = await Promise.all(
      sent.map((c) =>
        this.broker.deliver(
          deviceId,
          deviceTopics.command(deviceId, c.id),
          encodeCommandPayload({
            id: c.id,
            command: c.command,
            params: c.params,
            issuedAt: c.createdAt,
            expiresAt: c.deadlineAt,
          }),
          () => this.lifecycle.markDelivered(c.id),
        ),
      ),
    );
    // all were written in one tick, so the connection closed either before all of them or after all
    const lost = sent.filter((_, i) => outcomes[i]!.status !== 'sent');
    for (const c of lost) await this.lifecycle.requeue(c.id);
    return lost.length === 0 && reachable.length === queued.length && queued.length === ROUND;
  }
}
