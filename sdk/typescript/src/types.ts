/**
 * The SDK's public types, all derived from the generated ones (`./generated/api.ts`, from the gateway's OpenAPI
 * document): nothing here restates a field, so the SDK cannot disagree with the API.
 */
import type { OperationId, Operations, Schemas } from './generated/api.js';

export type { OperationId, Operations, Schemas };

// Resources, as the API returns them
export type Customer = Schemas['Customer'];
export type CustomerImportReport = Schemas['CustomerImportReport'];
export type Order = Schemas['Order'];
export type User = Schemas['User'];
export type ApiKey = Schemas['ApiKey'];
export type ApiKeyCreated = Schemas['ApiKeyCreated'];
export type Webhook = Schemas['Webhook'];
export type WebhookWithSecret = Schemas['WebhookWithSecret'];
export type WebhookDelivery = Schemas['WebhookDelivery'];
export type Event = Schemas['Event'];
export type EventType = Event['type'];
export type Device = Schemas['Device'];
export type DeviceWithCredentials = Schemas['DeviceWithCredentials'];
export type Alert = Schemas['Alert'];
export type TelemetryPoint = Schemas['TelemetryPoint'];
export type Command = Schemas['Command'];
export type CommandStatus = Command['status'];

/** The JSON body an operation takes. */
export type Body<K extends OperationId> = Operations[K]['body'];

/** The success envelopes of an operation (one per 2xx status). */
export type SuccessEnvelope<K extends OperationId> = Operations[K]['responses'][keyof Operations[K]['responses']];

/** `data` of an operation's success envelope (`undefined` for 204). */
export type Data<K extends OperationId> = DataOf<SuccessEnvelope<K>>;
type DataOf<E> = E extends { data: infer D } ? D : undefined;

/** Operations answering a list (offset or cursor page). */
export type ListOperation = {
  [K in OperationId]: [Extract<Data<K>, { pagination: unknown }>] extends [never] ? never : K;
}[OperationId];

/** The item type of a list operation. */
export type Item<K extends ListOperation> = Data<K> extends { items: (infer T)[] } ? T : never;

/** `data` of an offset page: `{items, pagination: {page, pageSize, total, totalPages}}`. */
export type OffsetPage<T> = { items: T[]; pagination: Pagination };
export type Pagination = { page: number; pageSize: number; total: number; totalPages: number };

/** A cursor page: `data.items` and the envelope's `cursor`, together. Pass `cursor.next` back while `hasMore`. */
export type CursorPage<T> = { items: T[]; cursor: Cursor };
export type Cursor = { next: string | null; hasMore: boolean };

/**
 * A filter on one field: a value (equals), or operators, e.g. `{ gt: '2024-01-01' }`, `{ in: ['a', 'b'] }`,
 * `{ like: '科技' }`. The fields and the operators each one takes come from the API document.
 */
export type FilterInput<V, Op extends string> = V | { [O in Op]?: O extends 'in' ? readonly V[] : V };

/** Typed filters of a list operation: `{ status: 'active', createdAt: { gt: '2024-01-01' } }`. */
export type Filters<K extends OperationId> = {
  [F in keyof Operations[K]['filters']]?: FilterInput<
    NonNullable<Operations[K]['filters'][F]>,
    F extends keyof Operations[K]['operators'] ? Operations[K]['operators'][F] & string : never
  >;
};

/** Everything a list operation takes in its query: paging, `sort`, `order`, `fields`, `search`, and filters. */
export type ListParams<K extends OperationId> = Omit<Operations[K]['query'], keyof Filters<K>> & Filters<K>;

/** Cursor mode: `limit` (and `cursor`) instead of `page`/`pageSize`. */
export type CursorParams<K extends OperationId> = Omit<ListParams<K>, 'page' | 'pageSize'> &
  ({ limit: number } | { cursor: string });

/** Offset mode (the default): `page` and `pageSize`. */
export type OffsetParams<K extends OperationId> = Omit<ListParams<K>, 'limit' | 'cursor'>;

/** For `iterate()`: everything but the paging (the SDK pages with a cursor; `limit` is the page size). */
export type IterateParams<K extends OperationId> = Omit<ListParams<K>, 'page' | 'pageSize' | 'cursor'>;

/** A list method: offset page by default, cursor page when given `limit` or `cursor`. */
export interface ListMethod<K extends ListOperation> {
  (params: CursorParams<K>, options?: RequestOptions): Promise<CursorPage<Item<K>>>;
  (params?: OffsetParams<K>, options?: RequestOptions): Promise<OffsetPage<Item<K>>>;
}

/** A list method under a parent resource (`deliveries(webhookId, …)`, `telemetry(deviceId, …)`). */
export interface ListOfMethod<K extends ListOperation> {
  (id: string, params: CursorParams<K>, options?: RequestOptions): Promise<CursorPage<Item<K>>>;
  (id: string, params?: OffsetParams<K>, options?: RequestOptions): Promise<OffsetPage<Item<K>>>;
}

/** Per-call options. */
export interface RequestOptions {
  /** sent as `Idempotency-Key` (routes that honour it: sendCommand, command batch); makes a POST retryable */
  idempotencyKey?: string;
  /** sent as `X-Request-ID` (echoed back, and in every log line of the request) */
  requestId?: string;
  /** overrides the client's timeout for this call */
  timeoutMs?: number;
  /** overrides the client's retry count for this call */
  maxRetries?: number;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}
