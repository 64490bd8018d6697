import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service.js';
import type { DisconnectReason } from './disconnect-reasons.js';
import { SessionRegistry } from './session-registry.js';
import type { DecodeFailure, InboundKind } from './topics.js';

export type AuthFailure =
  'bad_credentials' | 'client_id_mismatch' | 'disabled' | 'unsupported_protocol' | 'unavailable';

/**
 * The broker's Prometheus metrics. Label values are small fixed sets (never device ids), and the hot-path
 * counters are pre-bound to their labels so that counting a message costs no label lookup.
 */
@Injectable()
export class BrokerMetrics {
  private readonly messagesIn: Record<InboundKind, { inc(): void }>;
  private readonly refused: Counter<'action'>;
  private readonly malformed: Counter<'kind' | 'reason'>;
  private readonly authFailures: Counter<'reason'>;
  private readonly disconnects: Counter<'reason'>;

  constructor(metrics: MetricsService, sessions: SessionRegistry) {
    const registers = [metrics.registry];
    new Gauge({
      name: 'mqtt_connected_devices',
      help: 'Devices with a live MQTT session on this gateway',
      registers,
      collect() {
        this.set(sessions.connectedCount);
      },
    });
    const messages = new Counter({
      name: 'mqtt_messages_received_total',
      help: 'Authorized device publishes, by topic kind (before payload validation)',
      labelNames: ['kind'],
      registers,
    });
    this.messagesIn = {
      telemetry: messages.labels('telemetry'),
      alerts: messages.labels('alerts'),
      command_reply: messages.labels('command_reply'),
    };
    this.refused = new Counter({
      name: 'mqtt_refused_total',
      help: 'Publishes (connection closed) and subscriptions (SUBACK 0x80) refused by the per-device ACL',
      labelNames: ['action'],
      registers,
    });
    this.malformed = new Counter({
      name: 'mqtt_malformed_payloads_total',
      help: 'Device payloads dropped: too large, not a JSON object, or not matching the topic schema',
      labelNames: ['kind', 'reason'],
      registers,
    });
    this.authFailures = new Counter({
      name: 'mqtt_auth_failures_total',
      help: 'Refused MQTT CONNECTs by reason',
      labelNames: ['reason'],
      registers,
    });
    this.disconnects = new Counter({
      name: 'mqtt_disconnects_total',
      help: 'Devices going offline, by disconnect reason',
      labelNames: ['reason'],
      registers,
    });
    for (const action of ['publish', 'subscribe']) this.refused.labels(action).inc(0);
  }

  messageIn(kind: InboundKind): void {
    this.messagesIn[kind].inc();
  }

  refusedPublish(): void {
    this.refused.labels('publish').inc();
  }

  refusedSubscribe(): void {
    this.refused.labels('subscribe').inc();
  }

  malformedPayload(kind: InboundKind, reason: DecodeFailure): void {
    this.malformed.labels(kind, reason).inc();
  }

  authFailure(reason: AuthFailure): void {
    this.authFailures.labels(reason).inc();
  }

  disconnected(reason: DisconnectReason): void {
    this.disconnects.labels(reason).inc();
  }
}
