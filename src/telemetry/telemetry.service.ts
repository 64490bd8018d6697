import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { z } from 'zod';
import { DEVICE_ID_PATTERN, type TelemetryValue } from '../broker/topics.js';
import { AppException, fieldError } from '../common/errors/app.exception.js';
import { apiSchema } from '../common/openapi/api-schemas.js';
import { runListQuery } from '../common/query/apply-list-query.js';
import { type ListQuery, type ListSpec, parseDate } from '../common/query/list-query.js';
import type { Page } from '../common/query/page.js';
import { Device } from '../devices/device.entity.js';
import { TelemetryPoint } from './telemetry-point.entity.js';

/** One point of a device's telemetry history. */
export const telemetryPointViewSchema = apiSchema(
  'TelemetryPoint',
  z.object({
    key: z.string(),
    value: z.union([z.number(), z.string(), z.boolean()]),
    ts: z.string().describe("the device's timestamp, or the time of receipt"),
  }),
);
export type TelemetryPointView = z.infer<typeof telemetryPointViewSchema>;

/** `key=temperature` (or any filter on key/ts) plus `from` (inclusive) and `to` (exclusive). */
export const TELEMETRY_LIST: ListSpec = {
  fields: {
    key: { column: 'key', type: 'string' },
    ts: { column: 'ts', type: 'date' },
  },
  search: [],
  select: ['key', 'value', 'ts'],
  defaultSort: 'ts',
  extraParams: ['from', 'to'],
};

export function toPointView(p: TelemetryPoint): TelemetryPointView {
  return { key: p.key, value: JSON.parse(p.value) as TelemetryValue, ts: p.ts };
}

@Injectable()
export class TelemetryService {
  constructor(
    @InjectRepository(TelemetryPoint) private readonly points: Repository<TelemetryPoint>,
    @InjectRepository(Device) private readonly devices: Repository<Device>,
  ) {}

  async history(deviceId: string, query: ListQuery): Promise<Page<Partial<TelemetryPointView>>> {
    const exists = DEVICE_ID_PATTERN.test(deviceId) && (await this.devices.existsBy({ id: deviceId }));
    if (!exists) throw AppException.notFound();
    const from = this.time(query, 'from');
    const to = this.time(query, 'to');
    const qb = this.points.createQueryBuilder('t').where('t.device_id = :deviceId', { deviceId });
    if (from) qb.andWhere('t.ts >= :from', { from });
    if (to) qb.andWhere('t.ts < :to', { to });
    return runListQuery(qb, query, TELEMETRY_LIST, toPointView);
  }

  private time(query: ListQuery, name: 'from' | 'to'): string | undefined {
    const raw = query.extra[name];
    if (raw === undefined) return undefined;
    const iso = parseDate(raw);
    if (iso === undefined) throw AppException.wrongType([fieldError(name, 'expected_type', { type: 'ISO-8601 date' })]);
    return iso;
  }
}
