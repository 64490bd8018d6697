import type { HttpClient } from '../http.js';
import type { PageIterator } from '../pagination.js';
import { Resource } from '../resource.js';
import type { ApiKey, ApiKeyCreated, Body, IterateParams, ListMethod, RequestOptions } from '../types.js';

export type CreateApiKeyInput = Body<'ApiKeysController_create'>;

/** `/v1/api-keys` (scope `admin`). The full key (`key`) is in the answer of `create` only. */
export class ApiKeys extends Resource {
  readonly list: ListMethod<'ApiKeysController_list'>;

  constructor(http: HttpClient) {
    super(http);
    this.list = this.listMethod('ApiKeysController_list');
  }

  iterate(params?: IterateParams<'ApiKeysController_list'>, options?: RequestOptions): PageIterator<ApiKey> {
    return this.iterator('ApiKeysController_list', {}, params, options);
  }

  create(input: CreateApiKeyInput, options?: RequestOptions): Promise<ApiKeyCreated> {
    return this.call('ApiKeysController_create', { body: input }, options);
  }

  get(id: string, options?: RequestOptions): Promise<ApiKey> {
    return this.call('ApiKeysController_get', { path: { id } }, options);
  }

  /** The key stops working at once. */
  async delete(id: string, options?: RequestOptions): Promise<void> {
    await this.call('ApiKeysController_delete', { path: { id } }, options);
  }
}
