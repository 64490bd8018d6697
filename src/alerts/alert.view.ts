import { z } from 'zod';
import { ALERT_SEVERITIES } from '../broker/topics.js';
import { apiSchema } from '../common/openapi/api-schemas.js';
import type { ListSpec } from '../common/query/list-query.js';
import { ALERT_STATUSES, type Alert } from './alert.entity.js';

/** SPEC §5: an alert as every route and event shows it. */
export const alertViewSchema = apiSchema(
  'Alert',
  z.object({
    id: z.string(),
    deviceId: z.string(),
    type: z.string(),
    severity: z.enum(ALERT_SEVERITIES),
    message: z.string(),
    data: z.record(z.string(), z.unknown()).nullable(),
    status: z.enum(ALERT_STATUSES),
    acknowledged: z.boolean(),
    count: z.number().int().describe('raises while active (a repeat counts up instead of opening another alert)'),
    raisedAt: z.string(),
    lastRaisedAt: z.string(),
    clearedAt: z.string().nullable(),
    acknowledgedAt: z.string().nullable(),
  }),
);
export type AlertView = z.infer<typeof alertViewSchema>;

export function toAlertView(a: Alert): AlertView {
  return {
    id: a.id,
    deviceId: a.deviceId,
    type: a.type,
    severity: a.severity,
    message: a.message,
    data: a.data,
    status: a.status,
    acknowledged: a.acknowledged,
    count: a.count,
    raisedAt: a.raisedAt,
    lastRaisedAt: a.lastRaisedAt,
    clearedAt: a.clearedAt,
    acknowledgedAt: a.acknowledgedAt,
  };
}

/** SPEC §12: alerts filter and sort on type, severity, status, acknowledged, raisedAt (the default sort). */
export const ALERT_LIST: ListSpec = {
  fields: {
    type: { column: 'type', type: 'string' },
    severity: { column: 'severity', type: 'enum', values: ALERT_SEVERITIES },
    status: { column: 'status', type: 'enum', values: ALERT_STATUSES },
    acknowledged: { column: 'acknowledged', type: 'boolean' },
    raisedAt: { column: 'raised_at', type: 'date', property: 'raisedAt' },
  },
  search: ['type', 'message'],
  select: [
    'id',
    'deviceId',
    'type',
    'severity',
    'message',
    'data',
    'status',
    'acknowledged',
    'count',
    'raisedAt',
    'lastRaisedAt',
    'clearedAt',
    'acknowledgedAt',
  ],
  defaultSort: 'raisedAt',
};
