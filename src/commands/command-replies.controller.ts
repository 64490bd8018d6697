import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { DeviceMessage, MalformedPayload } from '../broker/device-message.js';
import { type CommandReply, TOPIC_FILTERS } from '../broker/topics.js';
import { CommandReplies } from './command-replies.service.js';

/** `devices/{id}/commands/{commandId}/reply`, decoded by the transport (malformed ones included). */
@Controller()
export class CommandRepliesController {
  constructor(private readonly replies: CommandReplies) {}

  @EventPattern(TOPIC_FILTERS.commandReply)
  onReply(@Payload() message: DeviceMessage<CommandReply | MalformedPayload>): Promise<void> {
    return this.replies.handle(message);
  }
}
