import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ApiData } from '../common/openapi/api-schemas.js';
import { ListQueryParam } from '../common/query/list-query.decorator.js';
import type { ListQuery } from '../common/query/list-query.js';
import { ALERT_LIST } from './alert.view.js';
import { AlertsService } from './alerts.service.js';

@ApiTags('alerts')
@ApiBearerAuth()
@Controller('v1/iot')
export class AlertsController {
  constructor(private readonly alerts: AlertsService) {}

  @ApiData('Alert', { list: true })
  @Get('alerts')
  list(@ListQueryParam(ALERT_LIST) query: ListQuery) {
    return this.alerts.list(query);
  }

  @ApiData('Alert', { list: true })
  @Get('devices/:id/alerts')
  listForDevice(@Param('id') id: string, @ListQueryParam(ALERT_LIST) query: ListQuery) {
    return this.alerts.listForDevice(id, query);
  }

  /** Idempotent: acknowledging twice keeps the first `acknowledgedAt`. */
  @ApiData('Alert')
  @Post('alerts/:id/acknowledge')
  @HttpCode(200)
  acknowledge(@Param('id') id: string) {
    return this.alerts.acknowledge(id);
  }
}
