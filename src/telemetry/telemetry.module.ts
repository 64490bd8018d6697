import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BrokerModule } from '../broker/broker.module.js';
import { Device } from '../devices/device.entity.js';
import { TelemetryMessagesController } from './telemetry-messages.controller.js';
import { TelemetryPoint } from './telemetry-point.entity.js';
import { TelemetryRetentionService } from './telemetry-retention.service.js';
import { TelemetryController } from './telemetry.controller.js';
import { TelemetryService } from './telemetry.service.js';
import { TelemetryWriter } from './telemetry.writer.js';

@Module({
  imports: [TypeOrmModule.forFeature([TelemetryPoint, Device]), BrokerModule],
  controllers: [TelemetryController, TelemetryMessagesController],
  providers: [TelemetryWriter, TelemetryService, TelemetryRetentionService],
  exports: [TelemetryWriter],
})
export class TelemetryModule {}
