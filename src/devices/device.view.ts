import { z } from 'zod';
import { DISCONNECT_REASONS } from '../broker/disconnect-reasons.js';
import { apiSchema } from '../common/openapi/api-schemas.js';
import type { ListSpec } from '../common/query/list-query.js';
import { ALERT_STATES, DEVICE_STATUSES, type Device } from './device.entity.js';

/** SPEC §4: the device as every route and event shows it. */
export const deviceViewSchema = apiSchema(
  'Device',
  z.object({
    id: z.string(),
    name: z.string().nullable(),
    type: z.string().nullable(),
    customerId: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    disabled: z.boolean(),
    status: z.enum(DEVICE_STATUSES),
    alertState: z.enum(ALERT_STATES),
    connectedAt: z.string().nullable(),
    disconnectedAt: z.string().nullable(),
    lastSeenAt: z.string().nullable().describe('its last packet (written in batches, about once a second)'),
    lastDisconnectReason: z.enum(DISCONNECT_REASONS).nullable(),
    telemetry: z
      .record(z.string(), z.union([z.number(), z.string(), z.boolean()]))
      .describe('the latest value of each telemetry key'),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
);
export type DeviceView = z.infer<typeof deviceViewSchema>;

const deviceCredentialsSchema = z.object({
  username: z.string().describe('the device id'),
  password: z.string().describe('the token, shown only in the response that created it'),
});
export type DeviceCredentials = z.infer<typeof deviceCredentialsSchema>;

/** `POST /v1/iot/devices` and the credential rotation: the only answers that carry the token. */
export const deviceWithCredentialsSchema = apiSchema(
  'DeviceWithCredentials',
  deviceViewSchema.extend({ credentials: deviceCredentialsSchema }),
);
export type DeviceWithCredentials = z.infer<typeof deviceWithCredentialsSchema>;

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
