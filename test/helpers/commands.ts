import type { MqttClient } from 'mqtt';
import { type CommandPayload, commandPayloadSchema, type CommandReply, deviceTopics } from '../../src/broker/topics.js';
import {
  connectDevice,
  type ConnectOptions,
  createDevice,
  eventsOfTypes,
  publish,
  subscribe,
  type TestDevice,
} from './devices.js';
import type { Gateway } from './gateway.js';

export type Answer = CommandReply | 'silent' | Promise<CommandReply | 'silent'>;

/** A connected device that answers its commands with `answer` (or not at all: 'silent'). */
export interface CommandDevice extends TestDevice {
  client: MqttClient;
  /** every command received, in arrival order */
  received: CommandPayload[];
  /** resolves with the nth (1-based) command received */
  nth(n: number): Promise<CommandPayload>;
}

/** Subscribes `client` to its command topic and answers each command with `answer(command)`. */
export async function answerCommands(
  client: MqttClient,
  deviceId: string,
  answer: (command: CommandPayload) => Answer,
  received: CommandPayload[] = [],
): Promise<CommandPayload[]> {
  const waiting: Array<{ n: number; resolve: (c: CommandPayload) => void }> = [];
  client.on('message', (topic, payload) => {
    if (!topic.startsWith(`devices/${deviceId}/commands/`) || topic.endsWith('/reply')) return;
    const command = commandPayloadSchema.parse(JSON.parse(payload.toString()));
    received.push(command);
    for (const w of waiting.filter((w) => w.n <= received.length)) w.resolve(received[w.n - 1]!);
    void Promise.resolve(answer(command)).then((reply) => {
      if (reply === 'silent') return;
      return publish(client, deviceTopics.commandReply(deviceId, command.id), JSON.stringify(reply)).catch(
        () => undefined,
      );
    });
  });
  (received as CommandPayload[] & { nth?: unknown }).nth = (n: number) =>
    n <= received.length
      ? Promise.resolve(received[n - 1]!)
      : new Promise<CommandPayload>((resolve) => waiting.push({ n, resolve }));
  const granted = await subscribe(client, [deviceTopics.commandSubscription(deviceId)]);
  if (granted[0] !== 1) throw new Error(`command subscription refused: ${granted.join(',')}`);
  return received;
}

/** Creates a device, connects it and makes it answer commands. */
export async function commandDevice(
  gw: Gateway,
  answer: (command: CommandPayload) => Answer = (c) => ({
    status: 'ok',
    result: { echo: c.command, params: c.params },
  }),
  options: ConnectOptions & { device?: Record<string, unknown> } = {},
): Promise<CommandDevice> {
  const device = await createDevice(gw, options.device ?? {});
  const client = await connectDevice(gw, device, options);
  const received = await answerCommands(client, device.id, answer);
  return {
    ...device,
    client,
    received,
    nth: (received as unknown as { nth: (n: number) => Promise<CommandPayload> }).nth,
  };
}

/** POST /v1/iot/devices/{id}/commands */
export function sendCommand(
  gw: Gateway,
  deviceId: string,
  body: Record<string, unknown>,
  headers?: Record<string, string>,
) {
  return gw.api.post(`/v1/iot/devices/${encodeURIComponent(deviceId)}/commands`, body, headers);
}

export async function getCommand(gw: Gateway, id: string): Promise<any> {
  const res = await gw.api.get(`/v1/iot/commands/${id}`);
  if (res.status !== 200) throw new Error(`GET command ${id}: ${res.status} ${res.text}`);
  return res.body.data;
}

/** Outcome events (`command.*`) of this command, oldest first. */
export async function commandEvents(gw: Gateway, commandId: string): Promise<any[]> {
  const types = ['command.succeeded', 'command.failed', 'command.timed_out', 'command.expired'];
  return (await eventsOfTypes(gw, types)).filter((e: any) => e.data.command?.id === commandId);
}
