import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DeviceAuthService } from './device-auth.service.js';
import { Device } from './device.entity.js';

/** Device credential checks, apart from the rest of the registry so that the broker can use them without a cycle. */
@Module({
  imports: [TypeOrmModule.forFeature([Device])],
  providers: [DeviceAuthService],
  exports: [DeviceAuthService],
})
export class DeviceAuthModule {}
