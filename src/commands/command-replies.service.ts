import { Injectable, Logger } from '@nestjs/common';
import type { DeviceMessage, MalformedPayload } from '../broker/device-message.js';
import type { CommandReply } from '../broker/topics.js';
import { isId } from '../common/ids.js';
import { CommandLifecycle, type Reply } from './command-lifecycle.service.js';
import { CommandsMetrics, type IgnoredReply } from './commands.metrics.js';

/**
 * Replies on `devices/{id}/commands/{commandId}/reply`, correlated by the command id in the topic and the
 * device of the connection (the ACL lets a device publish only under its own id). A reply for an unknown
 * command, another device's command, or a command already ended is ignored and counted; a malformed one ends
 * the command `failed` with MALFORMED_REPLY, so that the caller learns at once instead of at the timeout.
 */
@Injectable()
export class CommandReplies {
  private readonly logger = new Logger(CommandReplies.name);

  constructor(
    private readonly lifecycle: CommandLifecycle,
    private readonly metrics: CommandsMetrics,
  ) {}

  async handle(message: DeviceMessage<CommandReply | MalformedPayload>): Promise<void> {
    const { deviceId, commandId } = message;
    if (!commandId || !isId('cmd', commandId)) return this.ignore('unknown', deviceId, commandId);
    const outcome = await this.lifecycle.complete(commandId, deviceId, toReply(message.payload), message.receivedAt);
    if (!outcome.found) return this.ignore('unknown', deviceId, commandId);
    if (outcome.command.deviceId !== deviceId) return this.ignore('foreign', deviceId, commandId);
    if (!outcome.changed) return this.ignore('finished', deviceId, commandId);
  }

  private ignore(reason: IgnoredReply, deviceId: string, commandId: string | undefined): void {
    this.metrics.ignoredReply(reason);
    this.logger.debug({ deviceId, commandId, reason }, 'command reply ignored');
  }
}

function toReply(payload: CommandReply | MalformedPayload): Reply {
  if ('malformed' in payload) {
    return {
      status: 'failed',
      error: {
        code: 'MALFORMED_REPLY',
        message: `the device's reply was refused (${payload.reason}): ${payload.detail}`,
      },
    };
  }
  if (payload.status === 'ok') return { status: 'succeeded', result: payload.result };
  return { status: 'failed', error: payload.error };
}
