import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BrokerModule } from '../broker/broker.module.js';
import { TelemetryModule } from '../telemetry/telemetry.module.js';
import { DeviceAuthModule } from './device-auth.module.js';
import { Device } from './device.entity.js';
import { DevicesController } from './devices.controller.js';
import { DevicesService } from './devices.service.js';
import { PresenceService } from './presence.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Device]), BrokerModule, DeviceAuthModule, TelemetryModule],
  controllers: [DevicesController],
  providers: [DevicesService, PresenceService],
  exports: [DevicesService],
})
export class DevicesModule {}
