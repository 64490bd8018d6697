import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Counter } from 'prom-client';
import { type EntityManager, In, type Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { BrokerService } from '../broker/broker.service.js';
import type { DeviceMessage } from '../broker/device-message.js';
import { type AlertPayload, type AlertSeverity, isAlertClear } from '../broker/topics.js';
import { Clock } from '../common/clock.js';
import { AppException } from '../common/errors/app.exception.js';
import { isId, newId } from '../common/ids.js';
import { runListQuery } from '../common/query/apply-list-query.js';
import type { ListQuery } from '../common/query/list-query.js';
import type { Page } from '../common/query/page.js';
import { DatabaseService, isUniqueViolation } from '../database/database.service.js';
import { type AlertState, Device } from '../devices/device.entity.js';
import { toDeviceView } from '../devices/device.view.js';
import { DEVICE_ID_PATTERN } from '../broker/topics.js';
import { EventsService } from '../events/events.service.js';
import { MetricsService } from '../metrics/metrics.service.js';
import { Alert } from './alert.entity.js';
import { ALERT_LIST, type AlertView, toAlertView } from './alert.view.js';

const RANK: Record<AlertSeverity, number> = { info: 0, warning: 1, critical: 2 };
/** Alerts of these severities make a device `alerting`. */
const ALERTING: AlertSeverity[] = ['warning', 'critical'];
/** Alert messages waiting per device; a device flooding its alert topic beyond this loses the excess (counted). */
const MAX_QUEUED_PER_DEVICE = 100;

interface DeviceQueue {
  tail: Promise<void>;
  size: number;
}

/**
 * The alert model of SPEC §5: at most one active alert per (device, type); a repeated raise updates it (count,
 * lastRaisedAt, severity, message, data); a clear ends it; a human acknowledges it. `device.alert` is recorded
 * (with the device's `alertState` updated in the same transaction) when an alert becomes active, changes severity
 * or clears. An escalation (higher severity) withdraws an earlier acknowledgement; a de-escalation keeps it.
 *
 * Messages of one device are applied one at a time, in the order received.
 */
@Injectable()
export class AlertsService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(AlertsService.name);
  private readonly queues = new Map<string, DeviceQueue>();
  private readonly dropped: Counter;

  constructor(
    @InjectRepository(Alert) private readonly alerts: Repository<Alert>,
    @InjectRepository(Device) private readonly devices: Repository<Device>,
    private readonly db: DatabaseService,
    private readonly events: EventsService,
    private readonly broker: BrokerService,
    private readonly clock: Clock,
    metrics: MetricsService,
  ) {
    this.dropped = new Counter({
      name: 'alert_messages_dropped_total',
      help: 'Alert messages dropped because their device had too many waiting',
      registers: [metrics.registry],
    });
  }

  /** Applies a device's alert message after those it sent before. */
  handle(message: DeviceMessage<AlertPayload>): Promise<void> {
    const deviceId = message.deviceId;
    let queue = this.queues.get(deviceId);
    if (!queue) this.queues.set(deviceId, (queue = { tail: Promise.resolve(), size: 0 }));
    if (queue.size >= MAX_QUEUED_PER_DEVICE) {
      this.dropped.inc();
      return Promise.resolve();
    }
    const q = queue;
    q.size++;
    q.tail = q.tail
      .then(() => this.apply(message))
      .catch((err: unknown) => this.logger.error({ err, deviceId }, 'could not apply device alert'))
      .finally(() => {
        q.size--;
        if (q.size === 0 && this.queues.get(deviceId) === q) this.queues.delete(deviceId);
      });
    return q.tail;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.broker.close();
    await Promise.all([...this.queues.values()].map((q) => q.tail));
  }

  list(query: ListQuery): Promise<Page<Partial<AlertView>>> {
    return runListQuery(this.alerts.createQueryBuilder('a'), query, ALERT_LIST, toAlertView);
  }

  async listForDevice(deviceId: string, query: ListQuery): Promise<Page<Partial<AlertView>>> {
    const exists = DEVICE_ID_PATTERN.test(deviceId) && (await this.devices.existsBy({ id: deviceId }));
    if (!exists) throw AppException.notFound();
    const qb = this.alerts.createQueryBuilder('a').where('a.device_id = :deviceId', { deviceId });
    return runListQuery(qb, query, ALERT_LIST, toAlertView);
  }

  acknowledge(id: string): Promise<AlertView> {
    return this.db.transaction(async (m) => {
      const alert = isId('alt', id) ? await m.findOneBy(Alert, { id }) : null;
      if (!alert) throw AppException.notFound();
      if (!alert.acknowledged) {
        alert.acknowledged = true;
        alert.acknowledgedAt = this.clock.iso();
        await m.update(Alert, { id }, { acknowledged: true, acknowledgedAt: alert.acknowledgedAt });
      }
      return toAlertView(alert);
    });
  }

  private async apply(message: DeviceMessage<AlertPayload>): Promise<void> {
    try {
      await this.db.transaction((m) => this.applyIn(m, message));
    } catch (err) {
      // another gateway instance raised the same alert at the same moment: now it exists, update it
      if (!isUniqueViolation(err)) throw err;
      await this.db.transaction((m) => this.applyIn(m, message));
    }
  }

  private async applyIn(m: EntityManager, message: DeviceMessage<AlertPayload>): Promise<void> {
    const { deviceId, payload } = message;
    const at = message.receivedAt;
    const device = await m.findOneBy(Device, { id: deviceId });
    if (!device) return;
    const active = await m.findOneBy(Alert, { deviceId, type: payload.type, status: 'active' });
    let alert: Alert;
    let notify: boolean;
    if (isAlertClear(payload)) {
      if (!active) return; // nothing to clear
      alert = Object.assign(active, { status: 'cleared' as const, clearedAt: at });
      await m.update(Alert, { id: alert.id }, { status: alert.status, clearedAt: alert.clearedAt });
      notify = true;
    } else if (!active) {
      alert = m.create(Alert, {
        id: newId('alt'),
        deviceId,
        type: payload.type,
        severity: payload.severity,
        message: payload.message,
        data: payload.data ?? null,
        status: 'active',
        acknowledged: false,
        count: 1,
        raisedAt: at,
        lastRaisedAt: at,
        clearedAt: null,
        acknowledgedAt: null,
      });
      await m.insert(Alert, alert as QueryDeepPartialEntity<Alert>);
      notify = true;
    } else {
      notify = active.severity !== payload.severity;
      const escalated = RANK[payload.severity] > RANK[active.severity];
      alert = Object.assign(active, {
        severity: payload.severity,
        message: payload.message,
        data: payload.data ?? null,
        count: active.count + 1,
        lastRaisedAt: at,
        ...(escalated && { acknowledged: false, acknowledgedAt: null }),
      });
      await m.update(
        Alert,
        { id: alert.id },
        {
          severity: alert.severity,
          message: alert.message,
          data: alert.data as QueryDeepPartialEntity<Alert>['data'],
          count: alert.count,
          lastRaisedAt: alert.lastRaisedAt,
          acknowledged: alert.acknowledged,
          acknowledgedAt: alert.acknowledgedAt,
        },
      );
    }
    const state = await this.alertState(m, deviceId);
    if (state !== device.alertState) {
      device.alertState = state;
      await m.update(Device, { id: deviceId }, { alertState: state });
    }
    if (notify) {
      await this.events.record(m, 'device.alert', { device: toDeviceView(device), alert: toAlertView(alert) });
    }
  }

  private async alertState(m: EntityManager, deviceId: string): Promise<AlertState> {
    const alerting = await m.existsBy(Alert, { deviceId, status: 'active', severity: In(ALERTING) });
    return alerting ? 'alerting' : 'normal';
  }
}
