import { type ClientOptions, HttpClient } from './http.js';
import { ApiKeys } from './resources/api-keys.js';
import { Customers } from './resources/customers.js';
import { Events } from './resources/events.js';
import { Iot } from './resources/iot.js';
import { Orders } from './resources/orders.js';
import { Users } from './resources/users.js';
import { Webhooks } from './resources/webhooks.js';

/**
 * The enterprise platform's API:
 *
 * ```ts
 * const client = new Client({ apiKey: 'YOUR_API_KEY', baseUrl: 'https://api.enterprise-platform.com/v1' });
 * const customers = await client.customers.list({ page: 1, pageSize: 20, status: 'active' });
 * await client.iot.devices.sendCommand('device_001', { command: 'turnOn', params: { brightness: 80 } });
 * ```
 */
export class Client {
  readonly customers: Customers;
  readonly orders: Orders;
  readonly users: Users;
  readonly apiKeys: ApiKeys;
  readonly webhooks: Webhooks;
  readonly events: Events;
  readonly iot: Iot;

  constructor(options: ClientOptions) {
    const http = new HttpClient(options);
    this.customers = new Customers(http);
    this.orders = new Orders(http);
    this.users = new Users(http);
    this.apiKeys = new ApiKeys(http);
    this.webhooks = new Webhooks(http);
    this.events = new Events(http);
    this.iot = new Iot(http);
  }
}
