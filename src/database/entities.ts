import { ApiKey } from '../auth/api-key.entity.js';
import { Customer } from '../crm/customers/customer.entity.js';
import { Order } from '../crm/orders/order.entity.js';
import { EventRecord } from '../events/event.entity.js';
import { User } from '../users/user.entity.js';
import { WebhookDelivery } from '../webhooks/webhook-delivery.entity.js';
import { Webhook } from '../webhooks/webhook.entity.js';

export const ENTITIES = [User, ApiKey, Customer, Order, EventRecord, Webhook, WebhookDelivery];
