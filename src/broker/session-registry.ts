import { Injectable } from '@nestjs/common';
import { sentDisconnectPacket } from './aedes-internals.js';
import type { DisconnectReason } from './disconnect-reasons.js';

/** What the registry needs of an Aedes client (and what unit tests fake). */
export interface SessionClient {
  readonly id: string;
  readonly closed: boolean;
  readonly conn: {
    readonly closed?: boolean;
    once(event: 'close', listener: () => void): unknown;
  };
  close(callback?: () => void): void;
}

export interface PresenceListener {
  /** The device has a session and had none: it came online. */
  online(deviceId: string, at: number): void;
  /** The device's last session ended: it went offline. `lastSeenAt` is its last activity not yet drained. */
  offline(deviceId: string, reason: DisconnectReason, at: number, lastSeenAt: number | undefined): void;
}

/**
 * The truth about device sessions on this gateway, and the only place that decides presence.
 *
 * A device is online while it has a session. Sessions start when Aedes registers an authenticated client
 * and end when that client's socket closes. Two rules keep presence exact:
 * - takeover: a second connection with the same id is authenticated ("pending") while the old one still
 *   runs; Aedes closes the old one and registers the new one. The device keeps a session throughout, so
 *   nothing is reported.
 * - stale close: the socket of a replaced connection closes after its successor is live; only the close
 *   of the *current* session can end presence.
 * Transitions are emitted synchronously, in the order they happen, and strictly alternate per device
 * (online, offline, online, …): never two of the same kind in a row.
 *
 * Aedes' own `clientDisconnect` is not used: it is keyed by client id, so closing a pending successor
 * reports (and unregisters) the wrong client. Socket `close` events identify the connection itself.
 */
@Injectable()
export class SessionRegistry {
  private readonly live = new Map<string, SessionClient>();
  /** authenticated, not yet registered: the successor in a takeover, or a fresh connection */
  private readonly pending = new Map<string, SessionClient>();
  private readonly online = new Set<string>();
  private readonly reasons = new WeakMap<SessionClient, DisconnectReason>();
  private readonly closes = new WeakMap<SessionClient, Promise<void>>();
  /** last activity per device since the last drain (ms epoch); written to the database in batches */
  private activity = new Map<string, number>();
  private readonly listeners: PresenceListener[] = [];

  addListener(listener: PresenceListener): void {
    this.listeners.push(listener);
  }

  get connectedCount(): number {
    return this.live.size;
  }

  /** True for a client that passed authentication (whether or not still connected). */
  tracks(client: SessionClient): boolean {
    return this.closes.has(client);
  }

  isConnected(deviceId: string): boolean {
    return this.live.has(deviceId);
  }

  /** The device's live connection (the client object Aedes registered), if it has one. */
  current(deviceId: string): SessionClient | undefined {
    return this.live.get(deviceId);
  }

  /** The device's credentials were accepted; its session starts when Aedes registers it. */
  authenticated(client: SessionClient): void {
    if (client.closed) return;
    this.pending.set(client.id, client);
    this.closes.set(
      client,
      new Promise<void>((resolve) => {
        const onClose = () => {
          this.closedConnection(client);
          resolve();
        };
        if (client.conn.closed) setImmediate(onClose);
        else client.conn.once('close', onClose);
      }),
    );
    this.touch(client.id);
  }

  /** Aedes registered the client (any previous connection with its id has been closed). */
  registered(client: SessionClient): void {
    const id = client.id;
    if (!this.closes.has(client)) return; // not one of ours (cannot happen: every client authenticates)
    if (this.pending.get(id) === client) this.pending.delete(id);
    if (client.closed) {
      this.settle(id, client);
      return;
    }
    this.live.set(id, client);
    if (!this.online.has(id)) {
      this.online.add(id);
      const now = Date.now();
      for (const l of this.listeners) l.online(id, now);
    }
  }

  /** Records why a client is about to close; the first reason given wins. */
  setReason(client: SessionClient, reason: DisconnectReason): void {
    if (!this.reasons.has(client)) this.reasons.set(client, reason);
  }

  /** Device activity (a packet): kept in memory, drained to the database in batches. */
  touch(deviceId: string): void {
    this.activity.set(deviceId, Date.now());
  }

  lastActivity(deviceId: string): number | undefined {
    return this.activity.get(deviceId);
  }

  /** Activity since the previous drain. */
  drainActivity(): Map<string, number> {
    const drained = this.activity;
    this.activity = new Map();
    return drained;
  }

  /**
   * Ends the device's sessions (live and pending) with `reason`; resolves once their sockets are closed,
   * i.e. after the offline transition has been emitted. False when the device had no session.
   */
  async kick(deviceId: string, reason: DisconnectReason): Promise<boolean> {
    // the pending one first: closing the live one while a successor is pending would look like a takeover
    const targets = [this.pending.get(deviceId), this.live.get(deviceId)].filter(
      (c): c is SessionClient => c !== undefined && !c.closed,
    );
    for (const client of targets) {
      this.setReason(client, reason);
      client.close();
    }
    await Promise.all(targets.map((c) => this.closes.get(c)));
    return targets.length > 0;
  }

  /** Ends every session (gateway shutdown). */
  async kickAll(reason: DisconnectReason): Promise<void> {
    const targets = [...this.pending.values(), ...this.live.values()].filter((c) => !c.closed);
    for (const client of targets) this.setReason(client, reason);
    for (const client of targets) client.close();
    await Promise.all(targets.map((c) => this.closes.get(c)));
  }

  private closedConnection(client: SessionClient): void {
    const id = client.id;
    if (this.pending.get(id) === client) this.pending.delete(id);
    if (this.live.get(id) === client) this.live.delete(id);
    this.settle(id, client);
  }

  /** After `client` ended: is the device still online through another connection? If not, it went offline. */
  private settle(id: string, client: SessionClient): void {
    if (this.live.has(id)) return;
    const successor = this.pending.get(id);
    if (successor && !successor.closed) return; // a takeover in flight: its registration (or failure) decides
    if (!this.online.delete(id)) return;
    const reason = this.reasons.get(client) ?? (sentDisconnectPacket(client) ? 'client_disconnect' : 'connection_lost');
    const lastSeen = this.activity.get(id);
    const now = Date.now();
    for (const l of this.listeners) l.offline(id, reason, now, lastSeen);
  }
}
