import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { isFinished } from './command.entity.js';
import type { CommandView } from './command.view.js';

type Listener = (command: CommandView) => void;

/** A command followed from the moment {@link CommandWaiters.follow} was called. */
export interface CommandFollow {
  /** its last committed state */
  latest(): CommandView;
  /**
   * Resolves with the command once it is finished; or at `queuedUntil` if it is then still queued with a TTL
   * (it will be delivered later); or at `giveUpAt` whatever its state; or when the gateway stops.
   */
  outcome(queuedUntil: number, giveUpAt: number): Promise<CommandView>;
  stop(): void;
}

/**
 * In-process wake-ups for callers waiting on a command (the synchronous sendCommand). Every status change is
 * announced here *after* its transaction committed, with the stored command, so a woken caller answers from
 * it without reading the database, and never sees a state that could still roll back. No polling: a waiter
 * costs a closure in a map until it is woken or gives up.
 *
 * Several gateway instances: the instance holding the HTTP call is not necessarily the one the device is
 * connected to (where the reply arrives). The database row stays the truth; the wake-up would travel over
 * Redis pub/sub: the instance that commits a transition publishes `{commandId, status}` on a per-command
 * channel (`<prefix>:cmd:<commandId>`), to which the waiting instance subscribed before the command could be
 * published (as {@link follow} here); on a message it re-reads the row (one query) and wakes its local waiters.
 * A lost message costs only latency: the waiting instance's own deadline timer re-reads the row too.
 * Today one gateway owns all devices, so this registry is all there is.
 */
@Injectable()
export class CommandWaiters implements OnModuleDestroy {
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly onClose = new Set<() => void>();
  private closed = false;

  /** Calls `listener` on every committed change of the command until the returned function is called. */
  watch(commandId: string, listener: Listener): () => void {
    let set = this.listeners.get(commandId);
    if (!set) this.listeners.set(commandId, (set = new Set()));
    set.add(listener);
    return () => {
      const current = this.listeners.get(commandId);
      if (!current) return;
      current.delete(listener);
      if (current.size === 0) this.listeners.delete(commandId);
    };
  }

  /** Announces a committed change. */
  notify(command: CommandView): void {
    const set = this.listeners.get(command.id);
    if (!set) return;
    for (const listener of [...set]) listener(command);
  }

  /** Follows a command from now on; `initial` is its state as read or created just before. */
  follow(initial: CommandView): CommandFollow {
    let latest = initial;
    let wake: (() => void) | undefined;
    const unwatch = this.watch(initial.id, (command) => {
      // a finished state is final, whatever the order in which announcements run
      if (isFinished(latest.status)) return;
      latest = command;
      wake?.();
    });
    return {
      latest: () => latest,
      stop: unwatch,
      outcome: (queuedUntil, giveUpAt) =>
        new Promise<CommandView>((resolve) => {
          const timers: NodeJS.Timeout[] = [];
          const done = () => {
            wake = undefined;
            for (const t of timers) clearTimeout(t);
            this.onClose.delete(done);
            unwatch();
            resolve(latest);
          };
          wake = () => {
            if (isFinished(latest.status)) done();
          };
          if (isFinished(latest.status) || this.closed) return done();
          this.onClose.add(done);
          timers.push(
            setTimeout(
              () => {
                if (latest.status === 'queued' && latest.ttlSeconds > 0) done();
              },
              Math.max(0, queuedUntil - Date.now()),
            ),
            setTimeout(done, Math.max(0, giveUpAt - Date.now())),
          );
        }),
    };
  }

  /** The gateway is stopping: every waiting caller answers now with what it knows. */
  onModuleDestroy(): void {
    this.closed = true;
    for (const done of [...this.onClose]) done();
  }

  get size(): number {
    return this.listeners.size;
  }
}
