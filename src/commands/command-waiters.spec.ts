import type { CommandStatus } from './command.entity.js';
import type { CommandView } from './command.view.js';
import { CommandWaiters } from './command-waiters.js';

function command(status: CommandStatus, overrides: Partial<CommandView> = {}): CommandView {
  return {
    id: 'cmd_1',
    deviceId: 'd1',
    command: 'turnOn',
    params: {},
    status,
    result: null,
    error: null,
    timeoutMs: 1000,
    ttlSeconds: 0,
    createdAt: new Date().toISOString(),
    sentAt: null,
    deliveredAt: null,
    completedAt: null,
    expiresAt: new Date().toISOString(),
    ...overrides,
  };
}

describe(CommandWaiters.name, () => {
  let sut: CommandWaiters;
  beforeEach(() => {
    sut = new CommandWaiters();
  });

  it('wakes a waiter with the finished command, and forgets it', async () => {
    const follow = sut.follow(command('queued'));
    const outcome = follow.outcome(Date.now() + 60_000, Date.now() + 60_000);
    sut.notify(command('sent'));
    expect(follow.latest().status).toBe('sent');
    sut.notify(command('succeeded', { result: 1 }));
    await expect(outcome).resolves.toMatchObject({ status: 'succeeded', result: 1 });
    expect(sut.size).toBe(0);
  });

  it('never goes back from a finished state (announcements out of order)', () => {
    const follow = sut.follow(command('sent'));
    sut.notify(command('timed_out'));
    sut.notify(command('delivered'));
    expect(follow.latest().status).toBe('timed_out');
    follow.stop();
  });

  it('answers at queuedUntil when still queued with a TTL, not without one', async () => {
    const withTtl = sut.follow(command('queued', { ttlSeconds: 60 }));
    await expect(withTtl.outcome(Date.now() + 10, Date.now() + 60_000)).resolves.toMatchObject({ status: 'queued' });
    const without = sut.follow(command('queued', { id: 'cmd_2' }));
    const pending = without.outcome(Date.now() + 10, Date.now() + 60_000);
    await new Promise((r) => setTimeout(r, 50));
    sut.notify(command('expired', { id: 'cmd_2' }));
    await expect(pending).resolves.toMatchObject({ status: 'expired' });
  });

  it('gives up at giveUpAt, and at shutdown, with the latest state', async () => {
    const follow = sut.follow(command('sent'));
    await expect(follow.outcome(Date.now(), Date.now() + 10)).resolves.toMatchObject({ status: 'sent' });
    const other = sut.follow(command('delivered', { id: 'cmd_3' }));
    const pending = other.outcome(Date.now() + 60_000, Date.now() + 60_000);
    sut.onModuleDestroy();
    await expect(pending).resolves.toMatchObject({ status: 'delivered' });
  });
});
