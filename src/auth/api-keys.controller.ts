import { Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ListQueryParam } from '../common/query/list-query.decorator.js';
import type { ListQuery } from '../common/query/list-query.js';
import { ValidBody } from '../common/validation/zod.pipe.js';
import { CurrentPrincipal, RequireScope } from './auth.decorators.js';
import { createApiKeySchema, type CreateApiKeyDto } from './api-keys.schemas.js';
import { API_KEY_LIST, ApiKeysService } from './api-keys.service.js';
import type { Principal } from './principal.js';
import { ApiData } from '../common/openapi/api-schemas.js';

@ApiTags('api-keys')
@ApiBearerAuth()
@Controller('v1/api-keys')
@RequireScope('admin')
export class ApiKeysController {
  constructor(private readonly apiKeys: ApiKeysService) {}

  @ApiData('ApiKey', { list: true })
  @Get()
  list(@ListQueryParam(API_KEY_LIST) query: ListQuery) {
    return this.apiKeys.list(query);
  }

  @ApiData('ApiKeyCreated', { status: 201 })
  /** The full key is in this response only. */
  @Post()
  create(@CurrentPrincipal() principal: Principal, @ValidBody(createApiKeySchema) dto: CreateApiKeyDto) {
    return this.apiKeys.create({ id: principal.userId, role: principal.role }, dto);
  }

  @ApiData('ApiKey')
  @Get(':id')
  get(@Param('id') id: string) {
    return this.apiKeys.get(id);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Param('id') id: string): Promise<void> {
    await this.apiKeys.delete(id);
  }
}
