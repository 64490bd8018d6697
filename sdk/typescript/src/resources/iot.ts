import { randomUUID } from 'node:crypto';
import type { HttpClient } from '../http.js';
import type { PageIterator } from '../pagination.js';
import { Resource } from '../resource.js';
import type {
  Alert,
  Body,
  Command,
  Device,
  DeviceWithCredentials,
  IterateParams,
  ListMethod,
  ListOfMethod,
  RequestOptions,
  TelemetryPoint,
} from '../types.js';

export type CreateDeviceInput = Body<'DevicesController_create'>;
export type UpdateDeviceInput = Body<'DevicesController_patch'>;
/**
 * `{command, params?, timeoutMs?, ttlSeconds?, async?}` as the API takes it, plus `idempotencyKey` (generated
 * when absent, so that a retry after a network error never sends the command twice).
 */
export type SendCommandInput = Body<'CommandsController_send'> & { idempotencyKey?: string };
export type BatchCommandInput = Body<'CommandsController_batch'> & { idempotencyKey?: string };

/** Extra time the HTTP call of a synchronous command gets beyond the command's own reply deadline. */
const COMMAND_WAIT_MARGIN_MS = 30_000;
/** The gateway's default reply deadline (COMMAND_TIMEOUT_MS), when the call does not give `timeoutMs`. */
const DEFAULT_COMMAND_TIMEOUT_MS = 10_000;

/** `/v1/iot/devices`: the registry, telemetry history, alerts and commands of one device. */
export class Devices extends Resource {
  readonly list: ListMethod<'DevicesController_list'>;
  /** `GET /v1/iot/devices/{id}/telemetry`: history points `{key, value, ts}`, newest first; `key`, `from`, `to`. */
  readonly telemetry: ListOfMethod<'TelemetryController_history'>;
  /** `GET /v1/iot/devices/{id}/alerts` */
  readonly alerts: ListOfMethod<'AlertsController_listForDevice'>;

  constructor(http: HttpClient) {
    super(http);
    this.list = this.listMethod('DevicesController_list');
    this.telemetry = this.listOfMethod('TelemetryController_history');
    this.alerts = this.listOfMethod('AlertsController_listForDevice');
  }

  iterate(params?: IterateParams<'DevicesController_list'>, options?: RequestOptions): PageIterator<Device> {
    return this.iterator('DevicesController_list', {}, params, options);
  }

  iterateTelemetry(
    deviceId: string,
    params?: IterateParams<'TelemetryController_history'>,
    options?: RequestOptions,
  ): PageIterator<TelemetryPoint> {
    return this.iterator('TelemetryController_history', { id: deviceId }, params, options);
  }

  /** The answer carries `credentials: {username, password}`: the device's token, shown only here. */
  create(input: CreateDeviceInput = {}, options?: RequestOptions): Promise<DeviceWithCredentials> {
    return this.call('DevicesController_create', { body: input }, options);
  }

  get(id: string, options?: RequestOptions): Promise<Device> {
    return this.call('DevicesController_get', { path: { id } }, options);
  }

  /** `{disabled: true}` drops the device's session and refuses it until re-enabled; `null` clears a field. */
  update(id: string, input: UpdateDeviceInput, options?: RequestOptions): Promise<Device> {
    return this.call('DevicesController_patch', { path: { id }, body: input }, options);
  }

  /** Disconnects the device and removes it with its telemetry history and alerts. */
  async delete(id: string, options?: RequestOptions): Promise<void> {
    await this.call('DevicesController_delete', { path: { id } }, options);
  }

  /** A new token (the old one stops working at once; a connected device is disconnected). */
  rotateCredentials(id: string, options?: RequestOptions): Promise<DeviceWithCredentials> {
    return this.call('DevicesController_rotateCredentials', { path: { id } }, options);
  }

  /**
   * sendCommand. Synchronous by default: resolves when the device replied, with the command `succeeded` (and its
   * `result`) or `failed` (and its `error`). Throws ApiError 50401 when it did not reply within `timeoutMs` (the
   * command is in `error.data`), 42202 when it is offline and `ttlSeconds` is 0. With `async: true`, or
   * `ttlSeconds` > 0 for an offline device, resolves at once with the command `sent` or `queued`: follow it with
   * `client.iot.commands.get(id)` or the `command.*` webhooks.
   */
  sendCommand(deviceId: string, input: SendCommandInput, options: RequestOptions = {}): Promise<Command> {
    const { idempotencyKey, ...body } = input;
    const waitMs = (body.async ? 0 : (body.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS)) + COMMAND_WAIT_MARGIN_MS;
    return this.call(
      'CommandsController_send',
      { path: { id: deviceId }, body },
      {
        ...options,
        idempotencyKey: idempotencyKey ?? options.idempotencyKey ?? randomUUID(),
        timeoutMs: options.timeoutMs ?? Math.max(this.http.timeoutMs, waitMs),
      },
    );
  }
}

/** `/v1/iot/commands` and a device's commands. */
export class Commands extends Resource {
  /** `GET /v1/iot/devices/{deviceId}/commands`: a device's commands (filters `status`, `command`, `createdAt`). */
  readonly list: ListOfMethod<'CommandsController_listOfDevice'>;

  constructor(http: HttpClient) {
    super(http);
    this.list = this.listOfMethod('CommandsController_listOfDevice');
  }

  iterate(
    deviceId: string,
    params?: IterateParams<'CommandsController_listOfDevice'>,
    options?: RequestOptions,
  ): PageIterator<Command> {
    return this.iterator('CommandsController_listOfDevice', { id: deviceId }, params, options);
  }

  get(id: string, options?: RequestOptions): Promise<Command> {
    return this.call('CommandsController_get', { path: { id } }, options);
  }

  /** A queued or in-flight command ends `cancelled`; a finished one is 422 `42201`. */
  cancel(id: string, options?: RequestOptions): Promise<Command> {
    return this.call('CommandsController_cancel', { path: { id } }, options);
  }

  /** One asynchronous command per device (≤ 100), in the order of `deviceIds` (rate category "batch"). */
  async batch(input: BatchCommandInput, options: RequestOptions = {}): Promise<Command[]> {
    const { idempotencyKey, ...body } = input;
    const data = await this.call(
      'CommandsController_batch',
      { body },
      { ...options, idempotencyKey: idempotencyKey ?? options.idempotencyKey ?? randomUUID() },
    );
    return data.items;
  }
}

/** `/v1/iot/alerts`: alerts of every device. */
export class Alerts extends Resource {
  readonly list: ListMethod<'AlertsController_list'>;

  constructor(http: HttpClient) {
    super(http);
    this.list = this.listMethod('AlertsController_list');
  }

  iterate(params?: IterateParams<'AlertsController_list'>, options?: RequestOptions): PageIterator<Alert> {
    return this.iterator('AlertsController_list', {}, params, options);
  }

  /** Idempotent: acknowledging twice keeps the first `acknowledgedAt`. */
  acknowledge(id: string, options?: RequestOptions): Promise<Alert> {
    return this.call('AlertsController_acknowledge', { path: { id } }, options);
  }
}

/** `client.iot`: devices, commands, alerts. */
export class Iot {
  readonly devices: Devices;
  readonly commands: Commands;
  readonly alerts: Alerts;

  constructor(http: HttpClient) {
    this.devices = new Devices(http);
    this.commands = new Commands(http);
    this.alerts = new Alerts(http);
  }
}
