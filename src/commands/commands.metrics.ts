import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service.js';
import type { CommandStatus } from './command.entity.js';

export type IgnoredReply = 'unknown' | 'foreign' | 'finished';

/** Outcomes, reply latency and ignored replies (label values are fixed sets, never ids). */
@Injectable()
export class CommandsMetrics {
  private readonly created: Counter;
  private readonly outcomes: Counter<'status'>;
  private readonly latency: Histogram;
  private readonly ignored: Counter<'reason'>;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.created = new Counter({ name: 'commands_created_total', help: 'Commands created', registers });
    this.outcomes = new Counter({
      name: 'commands_completed_total',
      help: 'Commands that ended, by final status',
      labelNames: ['status'],
      registers,
    });
    this.latency = new Histogram({
      name: 'command_reply_latency_seconds',
      help: 'From a command being sent to its reply being recorded',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.ignored = new Counter({
      name: 'command_replies_ignored_total',
      help: 'Replies ignored: unknown command, command of another device, or command already ended',
      labelNames: ['reason'],
      registers,
    });
    for (const status of ['succeeded', 'failed', 'timed_out', 'expired', 'cancelled']) {
      this.outcomes.labels(status).inc(0);
    }
    for (const reason of ['unknown', 'foreign', 'finished']) this.ignored.labels(reason).inc(0);
  }

  createdCommands(count: number): void {
    this.created.inc(count);
  }

  completed(status: CommandStatus): void {
    this.outcomes.labels(status).inc();
  }

  replied(sentAt: string | null, repliedAt: string): void {
    if (sentAt) this.latency.observe(Math.max(0, Date.parse(repliedAt) - Date.parse(sentAt)) / 1000);
  }

  ignoredReply(reason: IgnoredReply): void {
    this.ignored.labels(reason).inc();
  }
}
