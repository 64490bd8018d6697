import { Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RequireScope } from '../auth/auth.decorators.js';
import { ListQueryParam } from '../common/query/list-query.decorator.js';
import type { ListQuery } from '../common/query/list-query.js';
import { ValidBody } from '../common/validation/zod.pipe.js';
import { createOAuthClientSchema, type CreateOAuthClientDto } from './oauth-clients.schemas.js';
import { OAUTH_CLIENT_LIST, OAuthClientsService } from './oauth-clients.service.js';

@ApiTags('oauth-clients')
@ApiBearerAuth()
@Controller('v1/oauth/clients')
@RequireScope('admin')
export class OAuthClientsController {
  constructor(private readonly clients: OAuthClientsService) {}

  @Get()
  list(@ListQueryParam(OAUTH_CLIENT_LIST) query: ListQuery) {
    return this.clients.list(query);
  }

  /** `clientSecret` (confidential clients) is in this response only. */
  @Post()
  create(@ValidBody(createOAuthClientSchema) dto: CreateOAuthClientDto) {
    return this.clients.create(dto);
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return this.clients.get(id);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Param('id') id: string): Promise<void> {
    await this.clients.delete(id);
  }
}
