import { Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { ListQueryParam } from '../../common/query/list-query.decorator.js';
import type { ListQuery } from '../../common/query/list-query.js';
import { emptyBodySchema, ValidBody } from '../../common/validation/zod.pipe.js';
import { ORDER_LIST } from './order.view.js';
import { createOrderSchema, type CreateOrderDto, patchOrderSchema, type PatchOrderDto } from './orders.schemas.js';
import { OrdersService } from './orders.service.js';
import { ApiData } from '../../common/openapi/api-schemas.js';

@ApiTags('orders')
@ApiBearerAuth()
@Controller('v1/orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @ApiData('Order', { list: true })
  @Get()
  list(@ListQueryParam(ORDER_LIST) query: ListQuery) {
    return this.orders.list(query);
  }

  @ApiData('Order', { status: 201 })
  @Post()
  create(@ValidBody(createOrderSchema) dto: CreateOrderDto) {
    return this.orders.create(dto);
  }

  @ApiData('Order')
  @Get(':id')
  get(@Param('id') id: string) {
    return this.orders.get(id);
  }

  @ApiData('Order')
  @Patch(':id')
  patch(@Param('id') id: string, @ValidBody(patchOrderSchema) dto: PatchOrderDto) {
    return this.orders.patch(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Param('id') id: string): Promise<void> {
    await this.orders.delete(id);
  }

  @ApiData('Order')
  @Post(':id/pay')
  @HttpCode(200)
  pay(@Param('id') id: string, @ValidBody(emptyBodySchema) _body: unknown) {
    return this.orders.pay(id);
  }

  @ApiData('Order')
  @Post(':id/cancel')
  @HttpCode(200)
  cancel(@Param('id') id: string, @ValidBody(emptyBodySchema) _body: unknown) {
    return this.orders.cancel(id);
  }
}
