import { BaseRpcContext } from '@nestjs/microservices';
import type { DecodeFailure, ParsedTopic } from './topics.js';

/**
 * What a device message handler receives as `@Payload()`: the validated payload of the topic's schema
 * (topics.ts), with the publishing device (authoritative: the ACL only lets a device publish on its own topics).
 */
export interface DeviceMessage<T> {
  deviceId: string;
  topic: string;
  /** for command replies */
  commandId: string | undefined;
  payload: T;
  /** when the gateway received it, ISO-8601 */
  receivedAt: string;
}

/**
 * A command reply that failed validation. Replies are correlated by their topic, not their payload, so the
 * transport hands even a malformed one to its handler (after counting and logging it), which records the
 * command as failed with this reason instead of letting the caller wait for a timeout.
 */
export interface MalformedPayload {
  malformed: true;
  reason: DecodeFailure;
  detail: string;
}

/** `@Ctx()` of a device message handler. */
export class DeviceMessageContext extends BaseRpcContext<[ParsedTopic, string]> {
  getParsedTopic(): ParsedTopic {
    return this.args[0];
  }

  getTopic(): string {
    return this.args[1];
  }
}
