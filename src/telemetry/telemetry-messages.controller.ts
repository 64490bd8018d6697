import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { DeviceMessage } from '../broker/device-message.js';
import { TOPIC_FILTERS, type TelemetryPayload } from '../broker/topics.js';
import { TelemetryWriter } from './telemetry.writer.js';

/** `devices/{id}/telemetry`, validated by the transport; buffered here, written in batches. */
@Controller()
export class TelemetryMessagesController {
  constructor(private readonly writer: TelemetryWriter) {}

  @EventPattern(TOPIC_FILTERS.telemetry)
  onTelemetry(@Payload() message: DeviceMessage<TelemetryPayload>): void {
    this.writer.add(message.deviceId, message.payload, message.receivedAt);
  }
}
