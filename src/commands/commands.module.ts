import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BrokerModule } from '../broker/broker.module.js';
import { Device } from '../devices/device.entity.js';
import { Command } from './command.entity.js';
import { CommandDeadlines } from './command-deadlines.service.js';
import { CommandDispatcher } from './command-dispatcher.service.js';
import { CommandLifecycle } from './command-lifecycle.service.js';
import { CommandRepliesController } from './command-replies.controller.js';
import { CommandReplies } from './command-replies.service.js';
import { CommandWaiters } from './command-waiters.js';
import { CommandsController } from './commands.controller.js';
import { CommandsMetrics } from './commands.metrics.js';
import { CommandsService } from './commands.service.js';
import { IdempotencyKey } from './idempotency-key.entity.js';
import { IdempotencyService } from './idempotency.service.js';

/** sendCommand (SPEC §6): REST routes, delivery over the embedded broker, replies, deadlines. */
@Module({
  imports: [TypeOrmModule.forFeature([Command, IdempotencyKey, Device]), BrokerModule],
  controllers: [CommandsController, CommandRepliesController],
  providers: [
    CommandsService,
    CommandLifecycle,
    CommandDispatcher,
    CommandDeadlines,
    CommandReplies,
    CommandWaiters,
    CommandsMetrics,
    IdempotencyService,
  ],
})
export class CommandsModule {}
