import { AppException } from '../common/errors/app.exception.js';
import { ErrorCode } from '../common/errors/error-code.js';
import type { CommandView } from './command.view.js';

/** What sendCommand answers: the HTTP status and the command. */
export interface CommandAnswer {
  status: 200 | 202;
  command: CommandView;
}

/**
 * The answer of a synchronous call from the command it waited for (SPEC §6): 200 once the device answered
 * (or the command was cancelled meanwhile); 504 50401 with the command in `data` when it timed out, or expired
 * before it could be delivered; 202 while it is still pending (queued with a TTL, or the gateway stopping).
 */
export function syncAnswer(command: CommandView): CommandAnswer {
  switch (command.status) {
    case 'succeeded':
    case 'failed':
    case 'cancelled':
      return { status: 200, command };
    case 'timed_out':
      throw new AppException(ErrorCode.DeviceTimeout, {
        key: 'command_device_timeout',
        params: { timeoutMs: command.timeoutMs },
        extra: { data: command },
      });
    case 'expired':
      throw new AppException(ErrorCode.DeviceTimeout, { key: 'command_not_delivered', extra: { data: command } });
    case 'queued':
    case 'sent':
    case 'delivered':
      return { status: 202, command };
  }
}

/** The answer replayed for an Idempotency-Key: the first call's status, with the command as it is now. */
export function replayedAnswer(status: number, command: CommandView): CommandAnswer {
  if (status === 200 || status === 504) return syncAnswer(command);
  return { status: 202, command };
}

export function statusOf(answer: () => CommandAnswer): number {
  try {
    return answer().status;
  } catch (err) {
    if (err instanceof AppException) return err.status;
    throw err;
  }
}
