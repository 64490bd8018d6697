import { decodePayload, deviceTopics, MAX_PAYLOAD_BYTES, parseTopic, topicMatches } from './topics.js';

describe('topics', () => {
  it.each([
    ['devices/lamp-1/telemetry', { kind: 'telemetry', deviceId: 'lamp-1' }],
    ['devices/lamp-1/alerts', { kind: 'alerts', deviceId: 'lamp-1' }],
    [
      'devices/a.b:c_d-e/commands/cmd_01J/reply',
      { kind: 'command_reply', deviceId: 'a.b:c_d-e', commandId: 'cmd_01J' },
    ],
    ['devices/lamp-1/commands/cmd_01J', { kind: 'command', deviceId: 'lamp-1', commandId: 'cmd_01J' }],
  ])('parses %s', (topic, parsed) => {
    expect(parseTopic(topic)).toEqual(parsed);
  });

  it.each([
    'devices/+/telemetry',
    'devices/#',
    'devices//telemetry',
    'devices/-x/telemetry',
    'devices/lamp-1/telemetry/extra',
    'devices/lamp-1/commands',
    'devices/lamp-1/commands/+/reply',
    'devices/lamp-1/commands/c/other',
    'Devices/lamp-1/telemetry',
    'devices/lamp-1/status',
    '$SYS/devices/lamp-1/telemetry',
    '',
  ])('does not parse %j', (topic) => {
    expect(parseTopic(topic)).toBeNull();
  });

  it('builds what it parses', () => {
    expect(parseTopic(deviceTopics.telemetry('d1'))).toEqual({ kind: 'telemetry', deviceId: 'd1' });
    expect(parseTopic(deviceTopics.commandReply('d1', 'c1'))).toMatchObject({ kind: 'command_reply', commandId: 'c1' });
    expect(deviceTopics.commandSubscription('d1')).toBe('devices/d1/commands/+');
  });
});

describe('decodePayload', () => {
  const telemetry = (value: unknown) => decodePayload('telemetry', Buffer.from(JSON.stringify(value)));

  it('separates ts from the values and normalizes it', () => {
    expect(telemetry({ t: 21.5, on: true, mode: 'eco', ts: 1718000000000 })).toEqual({
      ok: true,
      value: { ts: '2024-06-10T06:13:20.000Z', values: { t: 21.5, on: true, mode: 'eco' } },
    });
    expect(telemetry({ t: 1, ts: '2024-06-10T06:13:20+02:00' })).toMatchObject({
      value: { ts: '2024-06-10T04:13:20.000Z' },
    });
    expect(telemetry({ t: 1 })).toEqual({ ok: true, value: { ts: undefined, values: { t: 1 } } });
  });

  it.each([
    [{ t: { nested: 1 } }, 'schema'],
    [{ t: [1] }, 'schema'],
    [{ t: null }, 'schema'],
    [{}, 'schema'],
    [{ ts: 1718000000000 }, 'schema'],
    [{ t: 1, ts: 'yesterday' }, 'schema'],
    [{ t: 1, ts: Date.now() + 2 * 24 * 3600_000 }, 'schema'],
    [{ 'bad key': 1 }, 'schema'],
    [{ ['k'.repeat(65)]: 1 }, 'schema'],
    [{ t: 'x'.repeat(1025) }, 'schema'],
    [Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, i])), 'schema'],
    [[1, 2], 'json'],
    ['just a string', 'json'],
    [null, 'json'],
  ])('refuses telemetry %j (%s)', (value, reason) => {
    expect(telemetry(value)).toMatchObject({ ok: false, reason });
  });

  it('never passes a __proto__ key on (consumers merge values into plain objects)', () => {
    const decoded = decodePayload('telemetry', Buffer.from('{"__proto__": {"polluted": 1}, "t": 2}'));
    expect(decoded).toEqual({ ok: true, value: { ts: undefined, values: { t: 2 } } });
    expect(({} as { polluted?: number }).polluted).toBeUndefined();
  });

  it('refuses invalid JSON and oversized payloads before parsing', () => {
    expect(decodePayload('telemetry', Buffer.from('{"t": 1'))).toMatchObject({ ok: false, reason: 'json' });
    const big = Buffer.from(JSON.stringify({ t: 'x'.repeat(MAX_PAYLOAD_BYTES) }));
    expect(decodePayload('telemetry', big)).toMatchObject({ ok: false, reason: 'too_large' });
    expect(decodePayload('telemetry', Buffer.from('{"t":1}'), 6)).toMatchObject({ ok: false, reason: 'too_large' });
  });

  it('decodes alerts: raise and clear', () => {
    const raise = { type: 'overheat', severity: 'critical', message: 'hot', data: { c: 99 } };
    expect(decodePayload('alerts', Buffer.from(JSON.stringify(raise)))).toEqual({ ok: true, value: raise });
    const clear = { type: 'overheat', status: 'cleared' };
    expect(decodePayload('alerts', Buffer.from(JSON.stringify(clear)))).toEqual({ ok: true, value: clear });
    for (const bad of [
      { type: 'overheat', severity: 'fatal', message: 'x' },
      { type: 'overheat', severity: 'info' },
      { type: 'overheat', status: 'open' },
      { type: 'overheat', severity: 'info', message: 'x', extra: 1 },
    ]) {
      expect(decodePayload('alerts', Buffer.from(JSON.stringify(bad)))).toMatchObject({ ok: false, reason: 'schema' });
    }
  });

  it('decodes command replies', () => {
    const ok = { status: 'ok', result: { brightness: 80 } };
    expect(decodePayload('command_reply', Buffer.from(JSON.stringify(ok)))).toEqual({ ok: true, value: ok });
    const error = { status: 'error', error: { code: 'UNKNOWN_COMMAND', message: 'no such command' } };
    expect(decodePayload('command_reply', Buffer.from(JSON.stringify(error)))).toEqual({ ok: true, value: error });
    expect(decodePayload('command_reply', Buffer.from('{"status":"maybe"}'))).toMatchObject({ ok: false });
  });
});

describe(topicMatches.name, () => {
  it.each([
    ['devices/d1/commands/+', 'devices/d1/commands/cmd_1', true],
    ['devices/d1/commands/#', 'devices/d1/commands/cmd_1', true],
    ['devices/d1/commands/#', 'devices/d1/commands', true],
    ['devices/d1/commands/cmd_1', 'devices/d1/commands/cmd_1', true],
    ['devices/d1/commands/cmd_2', 'devices/d1/commands/cmd_1', false],
    ['devices/d1/commands/+', 'devices/d1/commands/cmd_1/reply', false],
    ['devices/d1/commands/+', 'devices/d2/commands/cmd_1', false],
    ['devices/+/commands/+', 'devices/d1/commands/cmd_1', true],
    ['#', '$SYS/x', false],
    ['+/x', '$SYS/x', false],
  ])('%s matches %s: %s', (filter, topic, expected) => {
    expect(topicMatches(filter, topic)).toBe(expected);
  });
});
