import { Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiData } from '../common/openapi/api-schemas.js';
import { ListQueryParam } from '../common/query/list-query.decorator.js';
import type { ListQuery } from '../common/query/list-query.js';
import { ValidBody } from '../common/validation/zod.pipe.js';
import { DELIVERY_LIST } from './delivery-log.js';
import { WEBHOOK_LIST } from './webhook.view.js';
import {
  createWebhookSchema,
  type CreateWebhookDto,
  patchWebhookSchema,
  type PatchWebhookDto,
  rotateSecretSchema,
  type RotateSecretDto,
} from './webhooks.schemas.js';
import { WebhooksService } from './webhooks.service.js';

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('v1/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @ApiData('Webhook', { list: true })
  @Get()
  list(@ListQueryParam(WEBHOOK_LIST) query: ListQuery) {
    return this.webhooks.list(query);
  }

  @ApiData('WebhookWithSecret', { status: 201 })
  @Post()
  @ApiOperation({ summary: 'Subscribe a URL to events; the secret is in this response only' })
  create(@ValidBody(createWebhookSchema) dto: CreateWebhookDto) {
    return this.webhooks.create(dto);
  }

  @ApiData('Webhook')
  @Get(':id')
  get(@Param('id') id: string) {
    return this.webhooks.get(id);
  }

  @ApiData('Webhook', { description: 'the webhook (with `secret` when the request changed it)' })
  @Patch(':id')
  @ApiOperation({ summary: 'Change url, events, description, status (re-enable) or secret' })
  patch(@Param('id') id: string, @ValidBody(patchWebhookSchema) dto: PatchWebhookDto) {
    return this.webhooks.patch(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Param('id') id: string): Promise<void> {
    await this.webhooks.delete(id);
  }

  @ApiData('WebhookWithSecret')
  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({ summary: 'Replace the secret (generated unless given); the new one is in this response only' })
  rotateSecret(@Param('id') id: string, @ValidBody(rotateSecretSchema) dto: RotateSecretDto) {
    return this.webhooks.rotateSecret(id, dto);
  }

  @ApiData('WebhookDelivery')
  @Post(':id/test')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a webhook.test event to this webhook; answers with its pending delivery' })
  test(@Param('id') id: string) {
    return this.webhooks.sendTest(id);
  }

  @ApiData('WebhookDelivery', { list: true })
  @Get(':id/deliveries')
  @ApiOperation({ summary: 'Delivery log: one item per attempt' })
  deliveries(@Param('id') id: string, @ListQueryParam(DELIVERY_LIST) query: ListQuery) {
    return this.webhooks.listDeliveries(id, query);
  }

  @ApiData('WebhookDelivery')
  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(200)
  @ApiOperation({ summary: "Deliver the delivery's event again, now; answers with the new pending delivery" })
  redeliver(@Param('id') id: string, @Param('deliveryId') deliveryId: string) {
    return this.webhooks.redeliver(id, deliveryId);
  }
}
