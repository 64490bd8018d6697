export { Client } from './client.js';
export { type ClientOptions, DEFAULT_BASE_URL } from './http.js';
export { ApiConnectionError, ApiError, ApiTimeoutError, type FieldError } from './errors.js';
export { PageIterator } from './pagination.js';
export {
  DEFAULT_TOLERANCE_SECONDS,
  parseWebhook,
  type RawBody,
  verifyStandardWebhook,
  verifyWebhook,
  type WebhookHeaders,
  WebhookVerificationError,
} from './webhook-signature.js';
export type * from './types.js';
export type { CreateApiKeyInput } from './resources/api-keys.js';
export type { CreateCustomerInput, ReplaceCustomerInput, UpdateCustomerInput } from './resources/customers.js';
export type { CreateOrderInput, UpdateOrderInput } from './resources/orders.js';
export type { CreateUserInput, UpdateUserInput } from './resources/users.js';
export type { CreateWebhookInput, RotateWebhookSecretInput, UpdateWebhookInput } from './resources/webhooks.js';
export type { BatchCommandInput, CreateDeviceInput, SendCommandInput, UpdateDeviceInput } from './resources/iot.js';
export type { ApiKeys } from './resources/api-keys.js';
export type { Customers } from './resources/customers.js';
export type { Events } from './resources/events.js';
export type { Alerts, Commands, Devices, Iot } from './resources/iot.js';
export type { Orders } from './resources/orders.js';
export type { Users } from './resources/users.js';
export type { Webhooks } from './resources/webhooks.js';
export { VERSION } from './version.js';
