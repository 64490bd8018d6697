import { Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiData } from '../common/openapi/api-schemas.js';
import { ListQueryParam } from '../common/query/list-query.decorator.js';
import type { ListQuery } from '../common/query/list-query.js';
import { ValidBody } from '../common/validation/zod.pipe.js';
import { DEVICE_LIST } from './device.view.js';
import { createDeviceSchema, type CreateDeviceDto, patchDeviceSchema, type PatchDeviceDto } from './devices.schemas.js';
import { DevicesService } from './devices.service.js';

@ApiTags('devices')
@ApiBearerAuth()
@Controller('v1/iot/devices')
export class DevicesController {
  constructor(private readonly devices: DevicesService) {}

  @ApiData('Device', { list: true })
  @Get()
  list(@ListQueryParam(DEVICE_LIST) query: ListQuery) {
    return this.devices.list(query);
  }

  /** The answer carries `credentials: {username, password}`, shown only this once. */
  @ApiData('DeviceWithCredentials', { status: 201 })
  @Post()
  create(@ValidBody(createDeviceSchema) dto: CreateDeviceDto) {
    return this.devices.create(dto);
  }

  @ApiData('Device')
  @Get(':id')
  get(@Param('id') id: string) {
    return this.devices.get(id);
  }

  /** `{disabled: true}` drops the device's session and refuses it (CONNACK 5) until re-enabled. */
  @ApiData('Device')
  @Patch(':id')
  patch(@Param('id') id: string, @ValidBody(patchDeviceSchema) dto: PatchDeviceDto) {
    return this.devices.patch(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Param('id') id: string): Promise<void> {
    await this.devices.delete(id);
  }

  /** Rotates the token: the old one stops working at once and the live session is dropped. */
  @ApiData('DeviceWithCredentials')
  @Post(':id/credentials')
  @HttpCode(200)
  rotateCredentials(@Param('id') id: string) {
    return this.devices.rotateCredentials(id);
  }
}
