import { ALERT_SEVERITIES, type AlertSeverity } from '../broker/topics.js';
import type { ListSpec } from '../common/query/list-query.js';
import { ALERT_STATUSES, type Alert, type AlertStatus } from './alert.entity.js';

export interface AlertView {
  id: string;
  deviceId: string;
  type: string;
  severity: AlertSeverity;
  message: string;
  data: Record<string, unknown> | null;
  status: AlertStatus;
  acknowledged: boolean;
  count: number;
  raisedAt: string;
  lastRaisedAt: string;
  clearedAt: string | null;
  acknowledgedAt: string | null;
}

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
