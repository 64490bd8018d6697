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
