import type { HttpClient } from '../http.js';
import type { PageIterator } from '../pagination.js';
import { Resource } from '../resource.js';
import type { Body, IterateParams, ListMethod, Order, RequestOptions } from '../types.js';

export type CreateOrderInput = Body<'OrdersController_create'>;
export type UpdateOrderInput = Body<'OrdersController_patch'>;

/** `/v1/orders`: `amount` is computed from the items (integer minor units); `created → paid | cancelled`. */
export class Orders extends Resource {
  readonly list: ListMethod<'OrdersController_list'>;

  constructor(http: HttpClient) {
    super(http);
    this.list = this.listMethod('OrdersController_list');
  }

  iterate(params?: IterateParams<'OrdersController_list'>, options?: RequestOptions): PageIterator<Order> {
    return this.iterator('OrdersController_list', {}, params, options);
  }

  create(input: CreateOrderInput, options?: RequestOptions): Promise<Order> {
    return this.call('OrdersController_create', { body: input }, options);
  }

  get(id: string, options?: RequestOptions): Promise<Order> {
    return this.call('OrdersController_get', { path: { id } }, options);
  }

  /** Only an order that is still `created` can change. */
  update(id: string, input: UpdateOrderInput, options?: RequestOptions): Promise<Order> {
    return this.call('OrdersController_patch', { path: { id }, body: input }, options);
  }

  async delete(id: string, options?: RequestOptions): Promise<void> {
    await this.call('OrdersController_delete', { path: { id } }, options);
  }

  /** `created → paid`; anything else is 422 `42201`. */
  pay(id: string, options?: RequestOptions): Promise<Order> {
    return this.call('OrdersController_pay', { path: { id } }, options);
  }

  /** `created → cancelled`; anything else is 422 `42201`. */
  cancel(id: string, options?: RequestOptions): Promise<Order> {
    return this.call('OrdersController_cancel', { path: { id } }, options);
  }
}
