import { BaseRpcContext } from '@nestjs/microservices';
import type { ParsedTopic } from './topics.js';

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

/** `@Ctx()` of a device message handler. */
export class DeviceMessageContext extends BaseRpcContext<[ParsedTopic, string]> {
  getParsedTopic(): ParsedTopic {
    return this.args[0];
  }

  getTopic(): string {
    return this.args[1];
  }
}
