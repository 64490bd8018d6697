import { COMMAND_ID_PATTERN, type InboundKind, parseTopic, TOPIC_ROOT } from './topics.js';

/**
 * The per-device ACL of SPEC §5: a device touches only its own topics. Pure functions of the
 * authenticated device id (= client id) and the topic, so the hot path needs no database.
 */

/** What a device may publish: its telemetry, its alerts, replies to its own commands. Null = forbidden. */
export function inboundKind(deviceId: string, topic: string): InboundKind | null {
  const parsed = parseTopic(topic);
  if (!parsed || parsed.deviceId !== deviceId || parsed.kind === 'command') return null;
  return parsed.kind;
}

/**
 * What a device may subscribe to: its own command topics only, i.e. `devices/{id}/commands/+`,
 * `devices/{id}/commands/#` or one `devices/{id}/commands/{commandId}`.
 */
export function canSubscribe(deviceId: string, filter: string): boolean {
  const prefix = `${TOPIC_ROOT}/${deviceId}/commands/`;
  if (!filter.startsWith(prefix)) return false;
  const rest = filter.slice(prefix.length);
  return rest === '+' || rest === '#' || COMMAND_ID_PATTERN.test(rest);
}
