import type { HttpClient } from '../http.js';
import type { PageIterator } from '../pagination.js';
import { Resource } from '../resource.js';
import type {
  Body,
  IterateParams,
  ListMethod,
  ListOfMethod,
  RequestOptions,
  Webhook,
  WebhookDelivery,
  WebhookWithSecret,
} from '../types.js';

export type CreateWebhookInput = Body<'WebhooksController_create'>;
export type UpdateWebhookInput = Body<'WebhooksController_patch'>;
export type RotateWebhookSecretInput = NonNullable<Body<'WebhooksController_rotateSecret'>>;

/** `/v1/webhooks`: subscriptions, their delivery log, tests and redeliveries. */
export class Webhooks extends Resource {
  readonly list: ListMethod<'WebhooksController_list'>;
  /** `GET /v1/webhooks/{id}/deliveries`: one item per attempt, newest first. */
  readonly deliveries: ListOfMethod<'WebhooksController_deliveries'>;

  constructor(http: HttpClient) {
    super(http);
    this.list = this.listMethod('WebhooksController_list');
    this.deliveries = this.listOfMethod('WebhooksController_deliveries');
  }

  iterate(params?: IterateParams<'WebhooksController_list'>, options?: RequestOptions): PageIterator<Webhook> {
    return this.iterator('WebhooksController_list', {}, params, options);
  }

  iterateDeliveries(
    webhookId: string,
    params?: IterateParams<'WebhooksController_deliveries'>,
    options?: RequestOptions,
  ): PageIterator<WebhookDelivery> {
    return this.iterator('WebhooksController_deliveries', { id: webhookId }, params, options);
  }

  /** The answer carries `secret` (generated unless given): store it, it is not shown again. */
  create(input: CreateWebhookInput, options?: RequestOptions): Promise<WebhookWithSecret> {
    return this.call('WebhooksController_create', { body: input }, options);
  }

  get(id: string, options?: RequestOptions): Promise<Webhook> {
    return this.call('WebhooksController_get', { path: { id } }, options);
  }

  /** `status: 'active'` re-enables a disabled webhook; when `secret` is given, the answer echoes it once. */
  update(id: string, input: UpdateWebhookInput, options?: RequestOptions): Promise<Webhook> {
    return this.call('WebhooksController_patch', { path: { id }, body: input }, options);
  }

  async delete(id: string, options?: RequestOptions): Promise<void> {
    await this.call('WebhooksController_delete', { path: { id } }, options);
  }

  /** A new secret (generated unless given), effective at once; shown in this answer only. */
  rotateSecret(id: string, input: RotateWebhookSecretInput = {}, options?: RequestOptions): Promise<WebhookWithSecret> {
    return this.call('WebhooksController_rotateSecret', { path: { id }, body: input }, options);
  }

  /** Sends a `webhook.test` event to this webhook only; answers with its pending delivery. */
  test(id: string, options?: RequestOptions): Promise<WebhookDelivery> {
    return this.call('WebhooksController_test', { path: { id } }, options);
  }

  /** Delivers that delivery's event again, now (one attempt). */
  redeliver(webhookId: string, deliveryId: string, options?: RequestOptions): Promise<WebhookDelivery> {
    return this.call('WebhooksController_redeliver', { path: { id: webhookId, deliveryId } }, options);
  }
}
