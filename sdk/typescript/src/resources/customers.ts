import type { HttpClient } from '../http.js';
import type { PageIterator } from '../pagination.js';
import { Resource } from '../resource.js';
import type { Body, Customer, CustomerImportReport, IterateParams, ListMethod, RequestOptions } from '../types.js';

export type CreateCustomerInput = Body<'CustomersController_create'>;
export type ReplaceCustomerInput = Body<'CustomersController_replace'>;
export type UpdateCustomerInput = Body<'CustomersController_patch'>;

/** `/v1/customers` */
export class Customers extends Resource {
  /** `GET /v1/customers`: an offset page (`{items, pagination}`), or a cursor page with `limit`/`cursor`. */
  readonly list: ListMethod<'CustomersController_list'>;

  constructor(http: HttpClient) {
    super(http);
    this.list = this.listMethod('CustomersController_list');
  }

  /** Every customer matching `params`, across all pages: `for await (const c of client.customers.iterate())`. */
  iterate(params?: IterateParams<'CustomersController_list'>, options?: RequestOptions): PageIterator<Customer> {
    return this.iterator('CustomersController_list', {}, params, options);
  }

  create(input: CreateCustomerInput, options?: RequestOptions): Promise<Customer> {
    return this.call('CustomersController_create', { body: input }, options);
  }

  get(id: string, options?: RequestOptions): Promise<Customer> {
    return this.call('CustomersController_get', { path: { id } }, options);
  }

  /** `PATCH`: only the fields given change; `null` clears; `contact` is merged field by field. */
  update(id: string, input: UpdateCustomerInput, options?: RequestOptions): Promise<Customer> {
    return this.call('CustomersController_patch', { path: { id }, body: input }, options);
  }

  /** `PUT`: replaces the whole customer (omitted optional fields are cleared). */
  replace(id: string, input: ReplaceCustomerInput, options?: RequestOptions): Promise<Customer> {
    return this.call('CustomersController_replace', { path: { id }, body: input }, options);
  }

  async delete(id: string, options?: RequestOptions): Promise<void> {
    await this.call('CustomersController_delete', { path: { id } }, options);
  }

  /** Up to 100 customers, all or nothing (rate category "batch"). */
  async batch(items: CreateCustomerInput[], options?: RequestOptions): Promise<Customer[]> {
    const data = await this.call('CustomersController_batch', { body: { items } }, options);
    return data.items;
  }

  /**
   * CSV import (`multipart/form-data`, rate category "upload"): columns `name` (required), `industry`, `status`,
   * `contact_name`, `contact_phone`, `contact_email`, `tags`. Good rows are created, bad rows reported.
   */
  import(
    csv: Blob | Uint8Array | string,
    options?: RequestOptions & { filename?: string },
  ): Promise<CustomerImportReport> {
    const form = new FormData();
    const blob = csv instanceof Blob ? csv : new Blob([csv], { type: 'text/csv' });
    form.append('file', blob, options?.filename ?? 'customers.csv');
    return this.call('CustomersController_import', { body: form }, options);
  }
}
