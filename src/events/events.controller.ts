import { Controller, Get } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ListQueryParam } from '../common/query/list-query.decorator.js';
import type { ListQuery } from '../common/query/list-query.js';
import { EVENT_LIST, EventsService } from './events.service.js';
import { ApiData } from '../common/openapi/api-schemas.js';

@ApiTags('events')
@ApiBearerAuth()
@Controller('v1/events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @ApiData('Event', { list: true })
  @Get()
  list(@ListQueryParam(EVENT_LIST) query: ListQuery) {
    return this.events.list(query);
  }
}
