import type { Call, HttpClient } from './http.js';
import type { OperationId } from './generated/api.js';
import { PageIterator } from './pagination.js';
import type {
  CursorPage,
  Data,
  Item,
  IterateParams,
  ListMethod,
  ListOfMethod,
  ListOperation,
  OffsetPage,
  RequestOptions,
} from './types.js';

/** Page size `iterate()` asks for unless given a `limit`. */
const ITERATE_PAGE_SIZE = 100;

/** What every resource does with the HTTP client: call an operation, unwrap `data`, page through lists. */
export abstract class Resource {
  constructor(protected readonly http: HttpClient) {}

  /** Calls `operation` and returns the envelope's `data`. */
  protected async call<K extends OperationId>(operation: K, call?: Call, options?: RequestOptions): Promise<Data<K>> {
    const answer = await this.http.request(operation, call, options);
    return (answer.body as { data?: unknown } | undefined)?.data as Data<K>;
  }

  protected async page<K extends ListOperation>(
    operation: K,
    path: Record<string, string>,
    params: object | undefined,
    options: RequestOptions | undefined,
  ): Promise<OffsetPage<Item<K>> | CursorPage<Item<K>>> {
    const answer = await this.http.request(operation, { path, query: params }, options);
    const body = answer.body as { data: { items: Item<K>[] }; cursor?: CursorPage<Item<K>>['cursor'] };
    return body.cursor ? { ...body.data, cursor: body.cursor } : (body.data as OffsetPage<Item<K>>);
  }

  protected listMethod<K extends ListOperation>(operation: K): ListMethod<K> {
    return ((params?: object, options?: RequestOptions) => this.page(operation, {}, params, options)) as ListMethod<K>;
  }

  protected listOfMethod<K extends ListOperation>(operation: K): ListOfMethod<K> {
    return ((id: string, params?: object, options?: RequestOptions) =>
      this.page(operation, { id }, params, options)) as ListOfMethod<K>;
  }

  protected iterator<K extends ListOperation>(
    operation: K,
    path: Record<string, string>,
    params: IterateParams<K> | undefined,
    options: RequestOptions | undefined,
  ): PageIterator<Item<K>> {
    const base = { limit: ITERATE_PAGE_SIZE, ...params };
    return new PageIterator(
      (cursor) =>
        this.page(operation, path, cursor ? { ...base, cursor } : base, options) as Promise<CursorPage<Item<K>>>,
    );
  }
}
