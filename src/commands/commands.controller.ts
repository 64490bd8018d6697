import { Controller, Get, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { ApiData } from '../common/openapi/api-schemas.js';
import { ListQueryParam } from '../common/query/list-query.decorator.js';
import type { ListQuery } from '../common/query/list-query.js';
import { emptyBodySchema, ValidBody } from '../common/validation/zod.pipe.js';
import { COMMAND_LIST } from './command.view.js';
import {
  type BatchCommandDto,
  batchCommandSchema,
  type SendCommandDto,
  sendCommandSchema,
} from './commands.schemas.js';
import { CommandsService } from './commands.service.js';

const IDEMPOTENCY_HEADER = {
  name: 'Idempotency-Key',
  required: false,
  description: 'a retry with the same key (same principal, 24 h) gets the first call’s status and command(s)',
};
const ERROR_BODY = { content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };

@ApiTags('commands')
@ApiBearerAuth()
@Controller('v1/iot')
export class CommandsController {
  constructor(private readonly commands: CommandsService) {}

  /**
   * sendCommand. Synchronous by default: 200 with the finished command once the device replied. `async: true`
   * → 202 (queued or sent); `ttlSeconds` > 0 and the device offline → 202 queued.
   */
  @ApiData('Command', { description: 'the device replied (succeeded or failed); the command, with result or error' })
  @ApiData('Command', { status: 202, description: 'accepted: async, or queued for an offline device' })
  @ApiResponse({
    status: 422,
    description: 'device offline and no ttlSeconds (42202), queue full (42201)',
    ...ERROR_BODY,
  })
  @ApiResponse({
    status: 504,
    description: 'no reply within timeoutMs (50401); the command is in `data`',
    ...ERROR_BODY,
  })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @Post('devices/:id/commands')
  async send(
    @Param('id') deviceId: string,
    @ValidBody(sendCommandSchema) dto: SendCommandDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const answer = await this.commands.send(deviceId, dto, principal, idempotencyKey);
    void reply.status(answer.status);
    return answer.command;
  }

  @ApiData('Command', { list: true })
  @Get('devices/:id/commands')
  listOfDevice(@Param('id') deviceId: string, @ListQueryParam(COMMAND_LIST) query: ListQuery) {
    return this.commands.listOfDevice(deviceId, query);
  }

  /** One asynchronous command per device (≤ 100); rate category "batch". */
  @ApiData('Command', { status: 202, items: true })
  @ApiHeader(IDEMPOTENCY_HEADER)
  @Post('commands/batch')
  @HttpCode(202)
  batch(
    @ValidBody(batchCommandSchema) dto: BatchCommandDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
  ) {
    return this.commands.batch(dto, principal, idempotencyKey);
  }

  @ApiData('Command')
  @Get('commands/:id')
  get(@Param('id') id: string) {
    return this.commands.get(id);
  }

  /** Queued or in flight → cancelled; a finished command → 42201. */
  @ApiData('Command')
  @Post('commands/:id/cancel')
  @HttpCode(200)
  cancel(@Param('id') id: string, @ValidBody(emptyBodySchema) _body: unknown) {
    return this.commands.cancel(id);
  }
}
