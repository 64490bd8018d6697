import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiData } from '../common/openapi/api-schemas.js';
import { ListQueryParam } from '../common/query/list-query.decorator.js';
import type { ListQuery } from '../common/query/list-query.js';
import { TELEMETRY_LIST, TelemetryService } from './telemetry.service.js';

@ApiTags('telemetry')
@ApiBearerAuth()
@Controller('v1/iot/devices')
export class TelemetryController {
  constructor(private readonly telemetry: TelemetryService) {}

  /** The device's telemetry history, newest first unless `order=asc`. The latest values are in the device. */
  @ApiData('TelemetryPoint', { list: true })
  @Get(':id/telemetry')
  @ApiQuery({ name: 'key', required: false, description: 'only this key', schema: { type: 'string' } })
  @ApiQuery({ name: 'from', required: false, description: 'ts ≥ from (ISO-8601)', schema: { type: 'string' } })
  @ApiQuery({ name: 'to', required: false, description: 'ts < to (ISO-8601)', schema: { type: 'string' } })
  history(@Param('id') id: string, @ListQueryParam(TELEMETRY_LIST) query: ListQuery) {
    return this.telemetry.history(id, query);
  }
}
