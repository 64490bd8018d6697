import { Alert } from '../alerts/alert.entity.js';
import { ApiKey } from '../auth/api-key.entity.js';
import { Command } from '../commands/command.entity.js';
import { IdempotencyKey } from '../commands/idempotency-key.entity.js';
import { Customer } from '../crm/customers/customer.entity.js';
import { Order } from '../crm/orders/order.entity.js';
import { Device } from '../devices/device.entity.js';
import { EventRecord } from '../events/event.entity.js';
import { OAuthAccessToken } from '../oauth/oauth-access-token.entity.js';
import { OAuthAuthorizationCode } from '../oauth/oauth-authorization-code.entity.js';
import { OAuthClient } from '../oauth/oauth-client.entity.js';
import { OAuthGrant } from '../oauth/oauth-grant.entity.js';
import { OAuthInteraction } from '../oauth/oauth-interaction.entity.js';
import { OAuthRefreshToken } from '../oauth/oauth-refresh-token.entity.js';
import { TelemetryPoint } from '../telemetry/telemetry-point.entity.js';
import { User } from '../users/user.entity.js';
import { WebhookDelivery } from '../webhooks/webhook-delivery.entity.js';
import { Webhook } from '../webhooks/webhook.entity.js';

export const ENTITIES = [
  User,
  ApiKey,
  Customer,
  Order,
  EventRecord,
  // devices / broker
  Device,
  TelemetryPoint,
  Alert,
  // oauth
  OAuthClient,
  OAuthGrant,
  OAuthAuthorizationCode,
  OAuthRefreshToken,
  OAuthAccessToken,
  OAuthInteraction,
  // webhooks
  Webhook,
  WebhookDelivery,
  // commands
  Command,
  IdempotencyKey,
];
