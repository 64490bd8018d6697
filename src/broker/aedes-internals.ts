/**
 * The one place that reads Aedes state not exposed by its API, checked against aedes 1.2.0 (pinned in
 * package.json) and covered by the presence e2e tests (`client_disconnect` vs `connection_lost`).
 *
 * Aedes sets `_disconnected` when a client sent a DISCONNECT packet (lib/handlers/index.js, [MQTT-3.14.4-3])
 * and emits no event for it; it is the only way to tell a clean disconnect from a dropped socket.
 */
export function sentDisconnectPacket(client: object): boolean {
  return (client as { _disconnected?: unknown })._disconnected === true;
}

interface PacketParser {
  packet: { length: number };
  _parseLength(): boolean;
  _emitError(error: Error): void;
}

/**
 * Caps the size of every MQTT packet a connection may send. Aedes buffers a packet whole before handing it
 * over, so without this a client (even before authenticating) could make the gateway buffer up to 256 MB per
 * connection. The check runs when the fixed header's "remaining length" has been read, before the body is:
 * a larger packet is a protocol error, and the connection is closed.
 *
 * Reads the client's mqtt-packet parser (aedes 1.2.0 → mqtt-packet 9): returns false, changing nothing, if it
 * does not have the expected shape (the broker then logs that the cap is off).
 */
export function capPacketSize(client: object, maxBytes: number): boolean {
  const parser = (client as { _parser?: Partial<PacketParser> })._parser;
  if (!parser || typeof parser._parseLength !== 'function' || typeof parser._emitError !== 'function') return false;
  const parseLength = parser._parseLength;
  parser._parseLength = function (this: PacketParser): boolean {
    const complete = parseLength.call(this);
    if (complete && this.packet.length > maxBytes) {
      this._emitError(new Error(`packet of ${this.packet.length} bytes exceeds the ${maxBytes}-byte limit`));
      return false;
    }
    return complete;
  };
  return true;
}

interface PacketEmitter {
  on(event: 'packet', listener: (packet: { cmd?: string; messageId?: number }) => void): unknown;
}

/**
 * Calls `listener` with the message id of every PUBACK the client sends. Aedes handles PUBACKs itself and
 * reports them only through its `ack` event, whose packet is the one it had stored: for a clean session it
 * stores nothing, so the event carries no packet and no message id. The client's mqtt-packet parser emits
 * every decoded packet as a `packet` event (Aedes' own handler is its first listener; this one runs after it,
 * synchronously, for the same packet). Aedes removes every `packet` listener when the client closes.
 *
 * Reads the client's parser (aedes 1.2.0 → mqtt-packet 9), as {@link capPacketSize} does; returns false,
 * changing nothing, if it does not have the expected shape (the broker then logs that `delivered` is off).
 * Covered by aedes-internals.spec.ts (a real Aedes, a real client) and the command e2e tests.
 */
export function watchPubacks(client: object, listener: (messageId: number) => void): boolean {
  const parser = (client as { _parser?: Partial<PacketEmitter> })._parser;
  if (!parser || typeof parser.on !== 'function') return false;
  parser.on('packet', (packet) => {
    if (packet.cmd === 'puback' && typeof packet.messageId === 'number') listener(packet.messageId);
  });
  return true;
}

/**
 * The subscriptions of a connected client as Aedes holds them (`client.subscriptions`: filter → {qos}), both
 * the ones it sent in SUBSCRIBE packets and the ones restored from a persistent session (which emit no
 * `subscribe` event). Undefined when the shape is not the expected one.
 */
export function subscriptionsOf(client: object): Map<string, number> | undefined {
  const subscriptions = (client as { subscriptions?: unknown }).subscriptions;
  if (typeof subscriptions !== 'object' || subscriptions === null) return undefined;
  const out = new Map<string, number>();
  for (const [filter, sub] of Object.entries(subscriptions as Record<string, { qos?: unknown }>)) {
    if (typeof sub?.qos === 'number') out.set(filter, sub.qos);
  }
  return out;
}
