import {
  type BeforeApplicationShutdown,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Aedes, type AedesOptions, type AedesPublishPacket, type Client } from 'aedes';
import type { EventEmitter } from 'node:events';
import type { IncomingMessage, Server as HttpServer } from 'node:http';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { AppConfig } from '../config/app-config.js';
import { StartupError } from '../common/startup-error.js';
import { DeviceAuthService } from '../devices/device-auth.service.js';
import { canSubscribe, inboundKind } from './acl.js';
import { capPacketSize, subscriptionsOf, watchPubacks } from './aedes-internals.js';
import { BrokerMetrics, type AuthFailure } from './broker.metrics.js';
import { reasonOfClientError } from './disconnect-reasons.js';
import { SessionRegistry } from './session-registry.js';
import { topicMatches } from './topics.js';

/** An in-process subscriber: called for every matching publish; must call `done` promptly (see `concurrency`). */
export type InProcessDeliver = (packet: AedesPublishPacket, done: () => void) => void;
export type SubscribeListener = (deviceId: string, topics: string[]) => void;

/**
 * What became of a publish to one device ({@link BrokerService.deliver}): written to its connection (at the
 * QoS of its subscription: 1, or 0 when it subscribed at QoS 0 and no PUBACK will come), or not, because the
 * device has no live connection or has not subscribed to the topic.
 */
export type DeliveryOutcome = { status: 'sent'; qos: 0 | 1 } | { status: 'offline' } | { status: 'not_subscribed' };

/** Per connection: QoS 1 deliveries awaiting their PUBACK, and the message ids chosen for topics being written. */
interface Outbound {
  acks: Map<number, () => void>;
  messageIds: Map<string, number>;
}

/** A device that never acknowledges must not make us remember its deliveries forever. */
const MAX_PENDING_ACKS = 1000;

const CONNACK = { badUsernameOrPassword: 4, identifierRejected: 2, notAuthorized: 5, serverUnavailable: 3 } as const;

/**
 * The embedded MQTT broker (Aedes 1.x): TCP on MQTT_PORT, WebSocket on MQTT_WS_PATH of the HTTP server,
 * SPEC §5 authentication and ACL as Aedes hooks, sessions reported to the {@link SessionRegistry}.
 * Device messages reach Nest handlers through the DeviceTransport strategy, which subscribes here in process.
 */
@Injectable()
export class BrokerService implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(BrokerService.name);
  private aedes: Aedes | undefined;
  private tcp: NetServer | undefined;
  private wss: WebSocketServer | undefined;
  private upgradeListener: ((req: IncomingMessage, socket: Duplex, head: Buffer) => void) | undefined;
  /** every open device connection (TCP sockets and WebSocket streams), to end them all at shutdown */
  private readonly connections = new Set<Duplex>();
  private readonly inProcess: Array<{ topic: string; deliver: InProcessDeliver }> = [];
  private readonly subscribeListeners: SubscribeListener[] = [];
  private closing: Promise<void> | undefined;
  private readonly outbound = new WeakMap<Client, Outbound>();
  /** last message id used per device, continued across its connections (see deliver) */
  private readonly lastMessageId = new Map<string, number>();
  private pubackWatchWarned = false;
  private port: number | undefined;
  private packetCapWarned = false;
  /** connections accepted before the gateway is ready (see onModuleInit); handed to Aedes when it is */
  private waiting: Array<{ connection: Socket | Duplex; req: IncomingMessage | undefined }> | undefined = [];

  constructor(
    private readonly config: AppConfig,
    private readonly auth: DeviceAuthService,
    private readonly sessions: SessionRegistry,
    private readonly metrics: BrokerMetrics,
    private readonly adapterHost: HttpAdapterHost,
  ) {
    sessions.addListener({ online: () => undefined, offline: (_, reason) => metrics.disconnected(reason) });
  }

  /** The TCP port actually bound (MQTT_PORT=0 picks a free one). */
  get tcpPort(): number {
    if (this.port === undefined) throw new Error('the MQTT broker is not listening');
    return this.port;
  }

  /**
   * The port is bound early, so that a port in use stops the start before anything else happens (such as
   * printing a first-start admin key); connections wait until {@link onApplicationBootstrap}, i.e. until
   * every module is initialized (presence recovered after a crash, handlers subscribed).
   */
  async onModuleInit(): Promise<void> {
    this.aedes = await Aedes.createBroker(this.options());
    this.wireEvents(this.aedes);
    for (const { topic, deliver } of this.inProcess) await this.aedesSubscribe(topic, deliver);
    await this.listenTcp(this.aedes);
  }

  onApplicationBootstrap(): void {
    const aedes = this.aedes!;
    const waiting = this.waiting ?? [];
    this.waiting = undefined;
    for (const { connection, req } of waiting) if (!connection.destroyed) this.handle(aedes, connection, req);
    this.attachWebSocket(aedes);
    this.logger.log(`MQTT broker on port ${this.port}, WebSocket at ${this.config.mqttWsPath}`);
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.close();
  }

  /**
   * Graceful stop (idempotent): refuse new connections, end every device session with `gateway_shutdown`
   * (presence is recorded by the registry's listeners), close Aedes.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  /**
   * Subscribes in process to a topic filter (the transport strategy's handlers). Registered before the broker
   * starts, it is in place before the first device can connect.
   */
  async subscribe(topic: string, deliver: InProcessDeliver): Promise<void> {
    this.inProcess.push({ topic, deliver });
    if (this.aedes && !this.aedes.closed) await this.aedesSubscribe(topic, deliver);
  }

  async unsubscribe(topic: string, deliver: InProcessDeliver): Promise<void> {
    const index = this.inProcess.findIndex((s) => s.topic === topic && s.deliver === deliver);
    if (index >= 0) this.inProcess.splice(index, 1);
    const aedes = this.aedes;
    if (aedes && !aedes.closed) await new Promise<void>((resolve) => aedes.unsubscribe(topic, deliver, resolve));
  }

  /** Publishes to devices on behalf of the gateway (commands). Resolves when handed to the subscribers. */
  publish(topic: string, payload: string | Buffer, qos: 0 | 1 = 1): Promise<void> {
    const aedes = this.aedes;
    if (!aedes || aedes.closed) return Promise.reject(new Error('the MQTT broker is not running'));
    return new Promise((resolve, reject) => {
      aedes.publish(
        {
          cmd: 'publish',
          topic,
          payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
          qos,
          retain: false,
          dup: false,
        },
        (err?: Error) => (err ? reject(err) : resolve()),
      );
    });
  }

  /**
   * Publishes to one device's live connection, if it subscribed to `topic`; `onPuback` is called when the device
   * acknowledges this very publish (QoS 1). The command broker uses it instead of {@link publish} because it
   * needs to know three things that a broker-wide publish does not tell: whether the device could receive it at
   * all (connected and subscribed: otherwise the command stays queued), that it was written, and its PUBACK.
   *
   * PUBACK correlation: the message id is chosen here (set in the `authorizeForward` hook, which Aedes calls
   * just before it numbers the packet, and which keeps an id already set) and the client's PUBACKs are watched
   * (aedes-internals.ts). Ids are continued per device across its connections, so that an id still in flight in
   * a persistent session's redelivery is not reused soon. Gateway publishes are the only QoS 1 traffic a
   * device can receive (it may subscribe only to its own command topics, which only the gateway publishes to),
   * so Aedes never numbers another packet for the same connection.
   */
  deliver(deviceId: string, topic: string, payload: Buffer, onPuback: () => void): Promise<DeliveryOutcome> {
    const client = this.liveClient(deviceId);
    if (!client) return Promise.resolve({ status: 'offline' });
    const granted = grantedQos(client, topic);
    if (granted === undefined) return Promise.resolve({ status: 'not_subscribed' });
    const qos: 0 | 1 = granted > 0 ? 1 : 0;
    if (qos === 1) {
      const out = this.outboundOf(client);
      const messageId = this.nextMessageId(deviceId, out);
      out.messageIds.set(topic, messageId);
      out.acks.set(messageId, onPuback);
      if (out.acks.size > MAX_PENDING_ACKS) out.acks.delete(out.acks.keys().next().value!);
    }
    return new Promise((resolve) => {
      // Aedes calls back once the packet is written to the socket (or failed to be: it then closes the client)
      client.publish({ cmd: 'publish', topic, payload, qos, retain: false, dup: false }, () => {
        this.outbound.get(client)?.messageIds.delete(topic);
        resolve({ status: 'sent', qos });
      });
    });
  }

  /** True when the device has a live connection subscribed to `topic` (what {@link deliver} needs). */
  canDeliver(deviceId: string, topic: string): boolean {
    const client = this.liveClient(deviceId);
    return client !== undefined && grantedQos(client, topic) !== undefined;
  }

  private liveClient(deviceId: string): Client | undefined {
    const client = this.sessions.current(deviceId) as Client | undefined;
    return client && !client.closed && client.connected ? client : undefined;
  }

  private outboundOf(client: Client): Outbound {
    let out = this.outbound.get(client);
    if (!out) {
      out = { acks: new Map(), messageIds: new Map() };
      this.outbound.set(client, out);
    }
    return out;
  }

  private nextMessageId(deviceId: string, out: Outbound): number {
    let id = this.lastMessageId.get(deviceId) ?? 0;
    do id = (id % 65535) + 1;
    while (out.acks.has(id));
    this.lastMessageId.set(deviceId, id);
    return id;
  }

  /** Called when a device's SUBSCRIBE was granted (e.g. to deliver queued commands). */
  onSubscribe(listener: SubscribeListener): void {
    this.subscribeListeners.push(listener);
  }

  isConnected(deviceId: string): boolean {
    return this.sessions.isConnected(deviceId);
  }

  private options(): AedesOptions {
    return {
      // Device ids are up to 64 characters (SPEC §4). Aedes enforces this limit only for MQTT 3.1 clients,
      // whose own limit (23) would otherwise refuse valid ids.
      maxClientsIdLength: 64,
      // A socket that never sends CONNECT holds a descriptor and memory: 10 s is plenty even on a slow
      // cellular link (the default, 30 s, is generous to idle port scanners).
      connectTimeout: 10_000,
      // How many publishes mqemitter delivers at once before queueing. Our in-process subscribers return at
      // once, and a device only subscribes to its own command topics, so slots are held only by deliveries to
      // slow devices; 1000 keeps a burst of commands flowing while a few devices stall...
      concurrency: 1000,
      // ...and drainTimeout bounds those stalls: a device that stops reading its socket for 30 s is
      // disconnected instead of holding delivery slots forever (the default, 60 s, is longer than any
      // keepalive we expect).
      drainTimeout: 30_000,
      // Packets a device sends before its CONNACK (we authenticate asynchronously on a cache miss) are
      // queued up to this many; a device flooding before being accepted is dropped.
      queueLimit: 100,
      // Inbound QoS 2 messages awaiting PUBREL per device. Devices publish QoS 0/1; a handful of QoS 2 in
      // flight is normal, hundreds is abuse of broker memory.
      maxInflightInbound: 100,
      preConnect: (_client, packet, callback) => {
        if (packet.protocolVersion === 5) {
          // Aedes 1.x speaks MQTT 3.1.1: it answers CONNACK 1 (unacceptable protocol version); say why in the log
          this.metrics.authFailure('unsupported_protocol');
          this.logger.warn(
            { clientId: packet.clientId },
            'MQTT 5 CONNECT refused: this gateway speaks MQTT 3.1.1 (connect with protocol version 4)',
          );
        }
        callback(null, true);
      },
      authenticate: (client, username, password, done) => this.authenticate(client, username, password, done),
      authorizePublish: (client, packet, callback) => {
        if (!client) return callback(new Error('no publisher')); // will of a client gone from this broker
        const kind = inboundKind(client.id, packet.topic);
        if (client.closed) {
          // the client's will, published as it closes: own topics only, and not a violation
          return callback(kind ? null : new Error('will topic not allowed'));
        }
        if (kind === null) {
          // MQTT-3.3.5-2: not forwarded; Aedes closes the connection
          this.metrics.refusedPublish();
          this.sessions.setReason(client, 'forbidden_publish');
          this.logger.warn({ deviceId: client.id, topic: packet.topic }, 'publish outside own topics refused');
          return callback(new Error('publish not allowed'));
        }
        // device messages are events, never broker state
        packet.retain = false;
        this.metrics.messageIn(kind);
        this.sessions.touch(client.id);
        callback(null);
      },
      authorizeForward: (client, packet) => {
        // the message id chosen by deliver() for this topic (see there); Aedes keeps an id already set
        const messageId = this.outbound.get(client)?.messageIds.get(packet.topic);
        if (messageId !== undefined && packet.qos > 0) packet.messageId = messageId;
        return packet;
      },
      authorizeSubscribe: (client, subscription, callback) => {
        if (canSubscribe(client.id, subscription.topic)) return callback(null, subscription);
        this.metrics.refusedSubscribe();
        this.logger.warn({ deviceId: client.id, topic: subscription.topic }, 'subscribe outside own topics refused');
        callback(null, null); // SUBACK 0x80 for this topic; the connection stays up
      },
    };
  }

  private authenticate(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
    done: (error: (Error & { returnCode: number }) | null, success: boolean | null) => void,
  ): void {
    const refuse = (returnCode: number, reason: AuthFailure) => {
      this.metrics.authFailure(reason);
      this.logger.log({ clientId: client.id, returnCode, reason }, 'MQTT CONNECT refused');
      done(Object.assign(new Error(reason), { returnCode }), null);
    };
    if (!username || !password) return refuse(CONNACK.badUsernameOrPassword, 'bad_credentials');
    if (client.id !== username) return refuse(CONNACK.identifierRejected, 'client_id_mismatch');
    const attempt = (): void => {
      const result = this.auth.verify(username, password);
      if (result === undefined) {
        this.auth.prime(username).then(attempt, (err: unknown) => {
          this.logger.error({ err, deviceId: username }, 'device credential lookup failed');
          refuse(CONNACK.serverUnavailable, 'unavailable');
        });
        return;
      }
      if (result === 'bad_credentials') return refuse(CONNACK.badUsernameOrPassword, 'bad_credentials');
      if (result === 'disabled') return refuse(CONNACK.notAuthorized, 'disabled');
      // same tick as the check: a concurrent rotation/disable either came before (refused above) or will
      // find this client in the registry and close it
      this.sessions.authenticated(client);
      done(null, true);
    };
    attempt();
  }

  private wireEvents(aedes: Aedes): void {
    aedes.on('client', (client) => this.sessions.registered(client));
    aedes.on('keepaliveTimeout', (client) => this.sessions.setReason(client, 'keepalive_timeout'));
    aedes.on('clientError', (client, error) => {
      // refused CONNECTs surface here too; they are logged and counted by authenticate()
      if (!this.sessions.tracks(client)) return;
      const reason = reasonOfClientError(error);
      this.sessions.setReason(client, reason);
      if (reason === 'connection_error') {
        this.logger.warn({ deviceId: client.id, err: error.message }, 'MQTT protocol error; connection closed');
      }
    });
    aedes.on('connectionError', (_client, error) => {
      this.logger.debug({ err: error.message }, 'MQTT connection failed before CONNECT completed');
    });
    aedes.on('ping', (_packet, client) => this.sessions.touch(client.id));
    aedes.on('subscribe', (subscriptions, client) => {
      if (this.subscribeListeners.length === 0) return;
      // refused subscriptions are reported with qos 128 (SUBACK failure)
      const granted = subscriptions.filter((s) => (s.qos as number) !== 128).map((s) => s.topic);
      if (granted.length === 0) return;
      for (const listener of this.subscribeListeners) listener(client.id, granted);
    });
    aedes.on('clientReady', (client) => {
      // subscriptions restored from a persistent session come with no SUBSCRIBE (and no `subscribe` event)
      if (this.subscribeListeners.length === 0) return;
      const restored = [...(subscriptionsOf(client)?.keys() ?? [])];
      if (restored.length === 0) return;
      for (const listener of this.subscribeListeners) listener(client.id, restored);
    });
    const emitter: EventEmitter = aedes;
    emitter.on('error', (error: unknown) => this.logger.error({ err: error }, 'MQTT broker error'));
  }

  private aedesSubscribe(topic: string, deliver: InProcessDeliver): Promise<void> {
    return new Promise((resolve) => this.aedes!.subscribe(topic, deliver, resolve));
  }

  private async listenTcp(aedes: Aedes): Promise<void> {
    const server = createServer({ noDelay: true, keepAlive: true, keepAliveInitialDelay: 60_000 }, (socket) =>
      this.accept(aedes, socket),
    );
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(this.config.mqttPort, this.config.httpHost, () => {
          server.off('error', reject);
          resolve();
        });
      });
    } catch (err) {
      aedes.close();
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') {
        throw new StartupError(
          `MQTT port ${this.config.mqttPort} is in use — is another broker running? Set MQTT_PORT.`,
        );
      }
      throw new StartupError(
        `MQTT port ${this.config.mqttPort} cannot be opened (${code ?? String(err)}). Set MQTT_PORT.`,
      );
    }
    server.on('error', (err) => this.logger.error({ err }, 'MQTT TCP server error'));
    this.tcp = server;
    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : this.config.mqttPort;
  }

  private attachWebSocket(aedes: Aedes): void {
    const http = this.adapterHost.httpAdapter.getHttpServer() as HttpServer;
    // frames are capped like MQTT packets (see maxPacketBytes), before they are buffered
    const wss = new WebSocketServer({ noServer: true, maxPayload: this.maxPacketBytes, perMessageDeflate: false });
    const path = this.config.mqttWsPath;
    this.upgradeListener = (req, socket, head) => {
      if ((req.url ?? '').split('?')[0] !== path) {
        // nobody else handles upgrades: do not leave the socket hanging
        if (http.listenerCount('upgrade') === 1) socket.destroy();
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => this.accept(aedes, createWebSocketStream(ws), req));
    };
    http.on('upgrade', this.upgradeListener);
    this.wss = wss;
  }

  private accept(aedes: Aedes, connection: Socket | Duplex, req?: IncomingMessage): void {
    if (this.closing) {
      connection.destroy();
      return;
    }
    this.connections.add(connection);
    connection.once('close', () => this.connections.delete(connection));
    if (this.waiting) {
      connection.on('error', () => connection.destroy()); // Aedes listens for errors once it has the connection
      this.waiting.push({ connection, req });
    } else {
      this.handle(aedes, connection, req);
    }
  }

  private handle(aedes: Aedes, connection: Socket | Duplex, req: IncomingMessage | undefined): void {
    const client = aedes.handle(connection, req);
    const watching = watchPubacks(client, (messageId) => {
      const out = this.outbound.get(client);
      const onPuback = out?.acks.get(messageId);
      if (!onPuback) return;
      out!.acks.delete(messageId);
      onPuback();
    });
    if (!watching && !this.pubackWatchWarned) {
      this.pubackWatchWarned = true;
      this.logger.warn(
        'PUBACKs cannot be observed (unexpected Aedes/mqtt-packet internals): commands never show delivered',
      );
    }
    if (!capPacketSize(client, this.maxPacketBytes) && !this.packetCapWarned) {
      this.packetCapWarned = true;
      this.logger.warn(
        'MQTT packet size cap unavailable (unexpected Aedes/mqtt-packet internals): packets are unbounded',
      );
    }
  }

  /**
   * The largest MQTT packet accepted on any transport. Payloads above MQTT_MAX_PAYLOAD_BYTES but below this are
   * dropped by the transport with the connection kept (SPEC §5); packets above it close the connection before
   * they are buffered.
   */
  private get maxPacketBytes(): number {
    return this.config.mqttMaxPayloadBytes * 2 + 64 * 1024;
  }

  private async shutdown(): Promise<void> {
    const aedes = this.aedes;
    if (!aedes) return;
    const tcpClosed = new Promise<void>((resolve) => (this.tcp ? this.tcp.close(() => resolve()) : resolve()));
    if (this.upgradeListener) {
      (this.adapterHost.httpAdapter.getHttpServer() as HttpServer).off('upgrade', this.upgradeListener);
    }
    await this.sessions.kickAll('gateway_shutdown');
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    // connections that never completed CONNECT
    for (const connection of this.connections) connection.destroy();
    this.wss?.close();
    await tcpClosed;
    this.logger.log('MQTT broker stopped');
  }
}

/** The highest QoS of the client's subscriptions matching `topic`; undefined when none matches. */
function grantedQos(client: Client, topic: string): number | undefined {
  let granted: number | undefined;
  for (const [filter, qos] of subscriptionsOf(client) ?? []) {
    if (topicMatches(filter, topic)) granted = Math.max(granted ?? 0, qos);
  }
  return granted;
}
