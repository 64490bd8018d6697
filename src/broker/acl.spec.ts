import { canSubscribe, inboundKind } from './acl.js';

describe('ACL', () => {
  it.each([
    ['devices/d1/telemetry', 'telemetry'],
    ['devices/d1/alerts', 'alerts'],
    ['devices/d1/commands/cmd_1/reply', 'command_reply'],
  ])('lets d1 publish on %s', (topic, kind) => {
    expect(inboundKind('d1', topic)).toBe(kind);
  });

  it.each([
    'devices/d2/telemetry',
    'devices/d10/telemetry',
    'devices/d1/commands/cmd_1',
    'devices/d2/commands/cmd_1/reply',
    'devices/d1/other',
    'devices/d1',
    'd1/telemetry',
    '$SYS/broker',
  ])('refuses d1 publishing on %s', (topic) => {
    expect(inboundKind('d1', topic)).toBeNull();
  });

  it.each(['devices/d1/commands/+', 'devices/d1/commands/#', 'devices/d1/commands/cmd_01J'])(
    'lets d1 subscribe to %s',
    (filter) => {
      expect(canSubscribe('d1', filter)).toBe(true);
    },
  );

  it.each([
    'devices/d2/commands/+',
    'devices/+/commands/+',
    'devices/d1/#',
    'devices/d1/+',
    'devices/d1/commands/+/reply',
    'devices/d1/commands/',
    'devices/d1/telemetry',
    'devices/d10/commands/+',
    '#',
    '+/+/+',
    '$SYS/#',
  ])('refuses d1 subscribing to %s', (filter) => {
    expect(canSubscribe('d1', filter)).toBe(false);
  });
});
