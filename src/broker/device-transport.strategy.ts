import { Injectable, Logger } from '@nestjs/common';
import { type CustomTransportStrategy, type MessageHandler, Server } from '@nestjs/microservices';
import { isObservable } from 'rxjs';
import { AppConfig } from '../config/app-config.js';
import { BrokerMetrics } from './broker.metrics.js';
import { BrokerService, type InProcessDeliver } from './broker.service.js';
import type { DeviceMessage, MalformedPayload } from './device-message.js';
import { DeviceMessageContext } from './device-message.js';
import { decodePayload, type InboundKind, parseTopic, TOPIC_FILTERS } from './topics.js';

export const DEVICE_TRANSPORT = Symbol('device-mqtt');

const KIND_OF_FILTER: Record<string, InboundKind> = {
  [TOPIC_FILTERS.telemetry]: 'telemetry',
  [TOPIC_FILTERS.alerts]: 'alerts',
  [TOPIC_FILTERS.commandReply]: 'command_reply',
};

/** Kinds whose handler also receives malformed payloads, as a {@link MalformedPayload} (see there). */
const MALFORMED_TO_HANDLER: ReadonlySet<InboundKind> = new Set(['command_reply']);

/** A device sending garbage in a loop gets one log line per this interval, not one per message. */
const MALFORMED_LOG_INTERVAL_MS = 60_000;

/**
 * A Nest microservice transport over the embedded broker, in process: handlers declared with
 * `@EventPattern('devices/+/telemetry')` are subscribed to that filter on Aedes itself (no loopback MQTT
 * client). Per message: the payload is decoded and validated once, against the topic's schema in topics.ts;
 * malformed or oversized payloads are counted, logged with the device id, and dropped here (command replies
 * excepted: their handler gets a {@link MalformedPayload}); valid ones are handed to the handler as a
 * {@link DeviceMessage}. The broker is released at once (handlers run
 * asynchronously), so a slow handler never holds Aedes' delivery slots.
 */
@Injectable()
export class DeviceTransport extends Server implements CustomTransportStrategy {
  override readonly transportId = DEVICE_TRANSPORT;
  private readonly log = new Logger(DeviceTransport.name);
  private readonly bound: Array<{ topic: string; deliver: InProcessDeliver }> = [];
  private readonly malformedLogged = new Map<string, number>();

  constructor(
    private readonly broker: BrokerService,
    private readonly metrics: BrokerMetrics,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      for (const [pattern, handler] of this.getHandlers()) {
        const kind = KIND_OF_FILTER[pattern];
        if (!kind) {
          throw new Error(
            `@EventPattern('${pattern}') is not a device topic filter; use one of ${Object.values(TOPIC_FILTERS).join(', ')}`,
          );
        }
        if (!handler.isEventHandler) throw new Error(`'${pattern}' needs @EventPattern: devices get no reply`);
        const deliver: InProcessDeliver = (packet, done) => {
          done();
          this.dispatch(kind, handler, packet.topic, packet.payload);
        };
        await this.broker.subscribe(pattern, deliver);
        this.bound.push({ topic: pattern, deliver });
      }
      callback();
    } catch (err) {
      callback(err);
    }
  }

  async close(): Promise<void> {
    const bound = this.bound.splice(0);
    await Promise.all(bound.map(({ topic, deliver }) => this.broker.unsubscribe(topic, deliver)));
  }

  on(): never {
    throw new Error('the device transport emits no events');
  }

  unwrap<T>(): T {
    return this.broker as T;
  }

  private dispatch(kind: InboundKind, handler: MessageHandler, topic: string, payload: Buffer | string): void {
    const parsed = parseTopic(topic);
    if (!parsed) return; // the filter and the ACL make this impossible
    const decoded = decodePayload(kind, payload, this.config.mqttMaxPayloadBytes);
    let value: unknown;
    if (decoded.ok) {
      value = decoded.value;
    } else {
      this.metrics.malformedPayload(kind, decoded.reason);
      this.logMalformed(parsed.deviceId, kind, decoded.reason, decoded.detail);
      if (!MALFORMED_TO_HANDLER.has(kind)) return;
      value = { malformed: true, reason: decoded.reason, detail: decoded.detail } satisfies MalformedPayload;
    }
    const message: DeviceMessage<unknown> = {
      deviceId: parsed.deviceId,
      topic,
      commandId: parsed.commandId,
      payload: value,
      receivedAt: new Date().toISOString(),
    };
    const context = new DeviceMessageContext([parsed, topic]);
    Promise.resolve(handler(message, context))
      .then((result: unknown) => {
        if (isObservable(result)) result.subscribe({ error: (err: unknown) => this.handlerFailed(topic, err) });
      })
      .catch((err: unknown) => this.handlerFailed(topic, err));
  }

  private handlerFailed(topic: string, err: unknown): void {
    this.log.error({ err, topic }, 'device message handler failed');
  }

  private logMalformed(deviceId: string, kind: InboundKind, reason: string, detail: string): void {
    const now = Date.now();
    const last = this.malformedLogged.get(deviceId);
    if (last !== undefined && now - last < MALFORMED_LOG_INTERVAL_MS) return;
    if (this.malformedLogged.size > 10_000) this.malformedLogged.clear();
    this.malformedLogged.set(deviceId, now);
    this.log.warn(
      { deviceId, kind, reason, detail },
      'device payload dropped (counted in mqtt_malformed_payloads_total; logged at most once a minute per device)',
    );
  }
}
