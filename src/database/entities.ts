import { Alert } from '../alerts/alert.entity.js';
import { ApiKey } from '../auth/api-key.entity.js';
import { Customer } from '../crm/customers/customer.entity.js';
import { Device } from '../devices/device.entity.js';
import { Order } from '../crm/orders/order.entity.js';
import { EventRecord } from '../events/event.entity.js';
import { TelemetryPoint } from '../telemetry/telemetry-point.entity.js';
import { User } from '../users/user.entity.js';

export const ENTITIES = [User, ApiKey, Customer, Order, EventRecord, Device, TelemetryPoint, Alert];
