import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BrokerModule } from '../broker/broker.module.js';
import { Device } from '../devices/device.entity.js';
import { AlertMessagesController } from './alert-messages.controller.js';
import { Alert } from './alert.entity.js';
import { AlertsController } from './alerts.controller.js';
import { AlertsService } from './alerts.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([Alert, Device]), BrokerModule],
  controllers: [AlertsController, AlertMessagesController],
  providers: [AlertsService],
})
export class AlertsModule {}
