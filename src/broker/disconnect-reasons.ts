/** Why a device went offline (SPEC §5), as stored in `lastDisconnectReason` and sent in `device.offline`. */
export const DISCONNECT_REASONS = [
  'client_disconnect',
  'connection_lost',
  'keepalive_timeout',
  'connection_error',
  'forbidden_publish',
  'credentials_rotated',
  'device_disabled',
  'device_deleted',
  'gateway_shutdown',
  'gateway_restart',
] as const;

export type DisconnectReason = (typeof DISCONNECT_REASONS)[number];

/** The `reason` of a `device.online` event (presence events carry one, SPEC §12). */
export const CONNECT_REASON = 'client_connect';

const SOCKET_LOSS_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/**
 * The reason behind an error Aedes reports for a connected client: the network gave up on us
 * (`connection_lost`), the keepalive expired, or the client broke the protocol (`connection_error`).
 */
export function reasonOfClientError(error: Error & { code?: string }): DisconnectReason {
  if (error.message === 'keep alive timeout') return 'keepalive_timeout';
  if ((error.code && SOCKET_LOSS_CODES.has(error.code)) || error.message === 'drain timeout') return 'connection_lost';
  return 'connection_error';
}
