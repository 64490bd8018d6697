import { Controller, Get, Header } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators.js';
import { RawResponse } from '../common/http/envelope.interceptor.js';
import { MetricsService } from './metrics.service.js';

@ApiTags('ops')
@Controller('metrics')
@Public()
@RawResponse()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
