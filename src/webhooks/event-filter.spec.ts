import { isTargetOf, isValidEventFilter, matchesEventFilter } from './event-filter.js';

describe(isValidEventFilter.name, () => {
  it.each(['*', 'customer.created', 'device.*', 'command.timed_out', 'order.*', 'webhook.test'])('accepts %s', (f) => {
    expect(isValidEventFilter(f)).toBe(true);
  });
  it.each(['', 'customer', 'customer.exploded', 'gadget.*', '*.created', 'device.**', 'device*', 'DEVICE.*'])(
    'refuses %j',
    (f) => {
      expect(isValidEventFilter(f)).toBe(false);
    },
  );
});

describe(matchesEventFilter.name, () => {
  it('matches everything with *, a category with category.*, and exact types', () => {
    expect(matchesEventFilter(['*'], 'device.online')).toBe(true);
    expect(matchesEventFilter(['device.*'], 'device.online')).toBe(true);
    expect(matchesEventFilter(['device.*'], 'devices.online')).toBe(false);
    expect(matchesEventFilter(['device.*'], 'command.failed')).toBe(false);
    expect(matchesEventFilter(['order.paid', 'customer.created'], 'customer.created')).toBe(true);
    expect(matchesEventFilter(['order.paid'], 'order.created')).toBe(false);
  });
});

describe(isTargetOf.name, () => {
  const webhook = { id: 'whk_1', events: ['*'], createdAt: '2025-01-01T00:00:00.000Z' };
  const at = '2025-01-02T00:00:00.000Z';

  it('sends webhook.test only to the webhook it names', () => {
    expect(isTargetOf(webhook, { type: 'webhook.test', data: { webhookId: 'whk_1' }, createdAt: at })).toBe(true);
    expect(isTargetOf(webhook, { type: 'webhook.test', data: { webhookId: 'whk_2' }, createdAt: at })).toBe(false);
  });

  it('does not send events recorded before the webhook existed', () => {
    expect(isTargetOf(webhook, { type: 'order.paid', data: {}, createdAt: at })).toBe(true);
    expect(isTargetOf(webhook, { type: 'order.paid', data: {}, createdAt: '2024-12-31T23:59:59.999Z' })).toBe(false);
  });
});
