import { Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, RequireScope } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { ListQueryParam } from '../common/query/list-query.decorator.js';
import type { ListQuery } from '../common/query/list-query.js';
import { ValidBody } from '../common/validation/zod.pipe.js';
import { createUserSchema, type CreateUserDto, updateUserSchema, type UpdateUserDto } from './users.schemas.js';
import { USER_LIST, UsersService } from './users.service.js';
import { ApiData } from '../common/openapi/api-schemas.js';

@ApiTags('users')
@ApiBearerAuth()
@Controller('v1/users')
@RequireScope('admin')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @ApiData('User')
  @Get('me')
  @RequireScope(null)
  me(@CurrentPrincipal() principal: Principal) {
    return this.users.get(principal.userId);
  }

  @ApiData('User', { list: true })
  @Get()
  list(@ListQueryParam(USER_LIST) query: ListQuery) {
    return this.users.list(query);
  }

  @ApiData('User', { status: 201 })
  @Post()
  create(@ValidBody(createUserSchema) dto: CreateUserDto) {
    return this.users.create(dto);
  }

  @ApiData('User')
  @Get(':id')
  get(@Param('id') id: string) {
    return this.users.get(id);
  }

  @ApiData('User')
  @Patch(':id')
  update(@Param('id') id: string, @ValidBody(updateUserSchema) dto: UpdateUserDto) {
    return this.users.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    await this.users.delete(id, principal.userId);
  }
}
