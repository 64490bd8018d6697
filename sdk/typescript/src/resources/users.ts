import type { HttpClient } from '../http.js';
import type { PageIterator } from '../pagination.js';
import { Resource } from '../resource.js';
import type { Body, IterateParams, ListMethod, RequestOptions, User } from '../types.js';

export type CreateUserInput = Body<'UsersController_create'>;
export type UpdateUserInput = Body<'UsersController_update'>;

/** `/v1/users` (scope `admin`, except `me`). */
export class Users extends Resource {
  readonly list: ListMethod<'UsersController_list'>;

  constructor(http: HttpClient) {
    super(http);
    this.list = this.listMethod('UsersController_list');
  }

  iterate(params?: IterateParams<'UsersController_list'>, options?: RequestOptions): PageIterator<User> {
    return this.iterator('UsersController_list', {}, params, options);
  }

  /** The user behind the API key or token (any valid principal). */
  me(options?: RequestOptions): Promise<User> {
    return this.call('UsersController_me', {}, options);
  }

  create(input: CreateUserInput, options?: RequestOptions): Promise<User> {
    return this.call('UsersController_create', { body: input }, options);
  }

  get(id: string, options?: RequestOptions): Promise<User> {
    return this.call('UsersController_get', { path: { id } }, options);
  }

  update(id: string, input: UpdateUserInput, options?: RequestOptions): Promise<User> {
    return this.call('UsersController_update', { path: { id }, body: input }, options);
  }

  async delete(id: string, options?: RequestOptions): Promise<void> {
    await this.call('UsersController_delete', { path: { id } }, options);
  }
}
