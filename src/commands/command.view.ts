import { z } from 'zod';
import { apiSchema } from '../common/openapi/api-schemas.js';
import type { ListSpec } from '../common/query/list-query.js';
import { type Command, COMMAND_STATUSES } from './command.entity.js';

/** SPEC §12: the command as every route, event and error body shows it. */
export const commandViewSchema = apiSchema(
  'Command',
  z.object({
    id: z.string(),
    deviceId: z.string(),
    command: z.string(),
    params: z.record(z.string(), z.unknown()),
    status: z.enum(COMMAND_STATUSES),
    result: z.unknown().describe("the device's result (any JSON value) when it replied ok; null otherwise"),
    error: z
      .object({ code: z.union([z.string(), z.number()]), message: z.string() })
      .nullable()
      .describe(
        "the device's error when it replied with one; otherwise why the command ended without an answer " +
          '(TIMED_OUT, EXPIRED, CANCELLED, MALFORMED_REPLY, DEVICE_OFFLINE)',
      ),
    timeoutMs: z.number().int(),
    ttlSeconds: z.number().int(),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
    deliveredAt: z.string().nullable().describe("when the device's PUBACK was received"),
    completedAt: z.string().nullable(),
    expiresAt: z.string().describe('a command still queued at this time ends expired'),
  }),
);
export type CommandView = z.infer<typeof commandViewSchema>;

export function toCommandView(c: Command): CommandView {
  return {
    id: c.id,
    deviceId: c.deviceId,
    command: c.command,
    params: c.params,
    status: c.status,
    result: c.result === null ? null : (JSON.parse(c.result) as unknown),
    error: c.error,
    timeoutMs: c.timeoutMs,
    ttlSeconds: c.ttlSeconds,
    createdAt: c.createdAt,
    sentAt: c.sentAt,
    deliveredAt: c.deliveredAt,
    completedAt: c.completedAt,
    expiresAt: c.expiresAt,
  };
}

/** SPEC §12: commands filter and sort on status, command, deviceId, createdAt. */
export const COMMAND_LIST: ListSpec = {
  fields: {
    status: { column: 'status', type: 'enum', values: COMMAND_STATUSES },
    command: { column: 'command', type: 'string' },
    deviceId: { column: 'device_id', type: 'string', property: 'deviceId' },
    createdAt: { column: 'created_at', type: 'date', property: 'createdAt' },
  },
  search: ['command'],
  select: [
    'id',
    'deviceId',
    'command',
    'params',
    'status',
    'result',
    'error',
    'timeoutMs',
    'ttlSeconds',
    'createdAt',
    'sentAt',
    'deliveredAt',
    'completedAt',
    'expiresAt',
  ],
};
