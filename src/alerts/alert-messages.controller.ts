import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { DeviceMessage } from '../broker/device-message.js';
import { type AlertPayload, TOPIC_FILTERS } from '../broker/topics.js';
import { AlertsService } from './alerts.service.js';

/** `devices/{id}/alerts`, validated by the transport. */
@Controller()
export class AlertMessagesController {
  constructor(private readonly alerts: AlertsService) {}

  @EventPattern(TOPIC_FILTERS.alerts)
  onAlert(@Payload() message: DeviceMessage<AlertPayload>): Promise<void> {
    return this.alerts.handle(message);
  }
}
