import { Module } from '@nestjs/common';
import { DeviceAuthModule } from '../devices/device-auth.module.js';
import { BrokerMetrics } from './broker.metrics.js';
import { BrokerService } from './broker.service.js';
import { DeviceTransport } from './device-transport.strategy.js';
import { SessionRegistry } from './session-registry.js';

/**
 * The embedded MQTT broker. Feature modules receive device messages through `@EventPattern` handlers
 * (DeviceTransport, connected in app.ts) and follow presence through the SessionRegistry; only this module
 * touches Aedes.
 */
@Module({
  imports: [DeviceAuthModule],
  providers: [BrokerService, SessionRegistry, BrokerMetrics, DeviceTransport],
  exports: [BrokerService, SessionRegistry, DeviceTransport],
})
export class BrokerModule {}
