import { EventEmitter } from 'node:events';
import type { DisconnectReason } from './disconnect-reasons.js';
import { type SessionClient, SessionRegistry } from './session-registry.js';

/** Mimics an Aedes client: close() marks it closed at once; its socket emits 'close' a tick later. */
class FakeClient implements SessionClient {
  closed = false;
  readonly conn = Object.assign(new EventEmitter(), { closed: false });
  _disconnected = false;

  constructor(readonly id: string) {}

  close(callback?: () => void): void {
    if (this.closed) return callback?.();
    this.closed = true;
    setImmediate(() => {
      this.conn.closed = true;
      this.conn.emit('close');
    });
    callback?.();
  }

  /** the device sent DISCONNECT */
  disconnect(): void {
    this._disconnected = true;
    this.close();
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe(SessionRegistry.name, () => {
  let sut: SessionRegistry;
  let log: string[];

  beforeEach(() => {
    sut = new SessionRegistry();
    log = [];
    sut.addListener({
      online: (id) => log.push(`${id}:online`),
      offline: (id, reason: DisconnectReason) => log.push(`${id}:offline:${reason}`),
    });
  });

  /** authenticate + register, as Aedes does for a fresh connection */
  function connect(id: string): FakeClient {
    const client = new FakeClient(id);
    sut.authenticated(client);
    sut.registered(client);
    return client;
  }

  it('online on registration, offline when the socket closes', async () => {
    const client = connect('d1');
    expect(log).toEqual(['d1:online']);
    expect(sut.isConnected('d1')).toBe(true);
    client.close();
    await tick();
    expect(log).toEqual(['d1:online', 'd1:offline:connection_lost']);
    expect(sut.isConnected('d1')).toBe(false);
  });

  it('tells a DISCONNECT packet from a lost socket', async () => {
    connect('d1').disconnect();
    await tick();
    expect(log).toEqual(['d1:online', 'd1:offline:client_disconnect']);
  });

  it('keeps the first reason given (keepalive before the error it causes)', async () => {
    const client = connect('d1');
    sut.setReason(client, 'keepalive_timeout');
    sut.setReason(client, 'connection_error');
    client.close();
    await tick();
    expect(log.at(-1)).toBe('d1:offline:keepalive_timeout');
  });

  it('takeover: no event while the successor replaces the old connection', async () => {
    const old = connect('d1');
    const successor = new FakeClient('d1');
    sut.authenticated(successor);
    // Aedes closes the old one, then registers the successor
    old.close();
    sut.registered(successor);
    await tick(); // the old socket's close arrives after the successor is live: stale
    expect(log).toEqual(['d1:online']);
    expect(sut.isConnected('d1')).toBe(true);
    successor.close();
    await tick();
    expect(log).toEqual(['d1:online', 'd1:offline:connection_lost']);
  });

  it('takeover: the old socket closing before the successor registers is not an offline either', async () => {
    const old = connect('d1');
    const successor = new FakeClient('d1');
    sut.authenticated(successor);
    old.close();
    await tick();
    expect(log).toEqual(['d1:online']);
    sut.registered(successor);
    expect(log).toEqual(['d1:online']);
  });

  it('a successor that fails before registering leaves the live session alone', async () => {
    connect('d1');
    const successor = new FakeClient('d1');
    sut.authenticated(successor);
    successor.close();
    await tick();
    expect(log).toEqual(['d1:online']);
    expect(sut.isConnected('d1')).toBe(true);
  });

  it('a successor that fails after the old one was closed: the device goes offline once', async () => {
    const old = connect('d1');
    const successor = new FakeClient('d1');
    sut.authenticated(successor);
    old.close();
    await tick();
    successor.close();
    await tick();
    sut.registered(successor); // Aedes may still register it, closed
    expect(log).toEqual(['d1:online', 'd1:offline:connection_lost']);
  });

  it('kick closes the live and the pending connection with the reason, once', async () => {
    connect('d1');
    const pending = new FakeClient('d1');
    sut.authenticated(pending);
    expect(await sut.kick('d1', 'credentials_rotated')).toBe(true);
    expect(log).toEqual(['d1:online', 'd1:offline:credentials_rotated']);
    expect(await sut.kick('d1', 'credentials_rotated')).toBe(false);
  });

  it('kickAll ends every session with the reason', async () => {
    connect('d1');
    connect('d2');
    await sut.kickAll('gateway_shutdown');
    expect(log.sort()).toEqual([
      'd1:offline:gateway_shutdown',
      'd1:online',
      'd2:offline:gateway_shutdown',
      'd2:online',
    ]);
    expect(sut.connectedCount).toBe(0);
  });

  it('alternates online and offline per device across reconnects', async () => {
    for (let i = 0; i < 3; i++) {
      connect('d1').close();
      await tick();
    }
    expect(log).toEqual([
      'd1:online',
      'd1:offline:connection_lost',
      'd1:online',
      'd1:offline:connection_lost',
      'd1:online',
      'd1:offline:connection_lost',
    ]);
  });

  it('drains activity', () => {
    sut.touch('d1');
    expect(sut.lastActivity('d1')).toEqual(expect.any(Number));
    expect([...sut.drainActivity().keys()]).toEqual(['d1']);
    expect(sut.drainActivity().size).toBe(0);
  });
});
