import type { DisconnectReason } from '../broker/disconnect-reasons.js';
import type { TelemetryValue } from '../broker/topics.js';
import type { ListSpec } from '../common/query/list-query.js';
import { ALERT_STATES, type AlertState, DEVICE_STATUSES, type Device, type DeviceStatus } from './device.entity.js';

export interface DeviceView {
  id: string;
  name: string | null;
  type: string | null;
  customerId: string | null;
  metadata: Record<string, unknown>;
  disabled: boolean;
  status: DeviceStatus;
  alertState: AlertState;
  connectedAt: string | null;
  disconnectedAt: string | null;
  lastSeenAt: string | null;
  lastDisconnectReason: DisconnectReason | null;
  telemetry: Record<string, TelemetryValue>;
  createdAt: string;
  updatedAt: string;
}

export interface DeviceCredentials {
  /** the device id */
  username: string;
  /** the token, shown only in the response that created it */
  password: string;
}

export function toDeviceView(d: Device): DeviceView {
  return {
    id: d.id,
    name: d.name,
    type: d.type,
    customerId: d.customerId,
    metadata: d.metadata,
    disabled: d.disabled,
    status: d.status,
    alertState: d.alertState,
    connectedAt: d.connectedAt,
    disconnectedAt: d.disconnectedAt,
    lastSeenAt: d.lastSeenAt,
    lastDisconnectReason: d.lastDisconnectReason,
    telemetry: d.telemetry,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
  };
}

/** SPEC §12: devices filter and sort on id, name, type, status, alertState, customerId, createdAt, lastSeenAt. */
export const DEVICE_LIST: ListSpec = {
  fields: {
    id: { column: 'id', type: 'string' },
    name: { column: 'name', type: 'string', nullable: true },
    type: { column: 'type', type: 'string', nullable: true },
    status: { column: 'status', type: 'enum', values: DEVICE_STATUSES },
    alertState: { column: 'alert_state', type: 'enum', values: ALERT_STATES, property: 'alertState' },
    customerId: { column: 'customer_id', type: 'string', property: 'customerId', nullable: true },
    createdAt: { column: 'created_at', type: 'date', property: 'createdAt' },
    lastSeenAt: { column: 'last_seen_at', type: 'date', property: 'lastSeenAt', nullable: true },
  },
  search: ['id', 'name', 'type'],
  select: [
    'id',
    'name',
    'type',
    'customerId',
    'metadata',
    'disabled',
    'status',
    'alertState',
    'connectedAt',
    'disconnectedAt',
    'lastSeenAt',
    'lastDisconnectReason',
    'telemetry',
    'createdAt',
    'updatedAt',
  ],
};
