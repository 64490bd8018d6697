import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { z } from 'zod';
import { apiSchema } from '../common/openapi/api-schemas.js';
import { Clock } from '../common/clock.js';
import { newId } from '../common/ids.js';
import { runListQuery } from '../common/query/apply-list-query.js';
import type { ListQuery, ListSpec } from '../common/query/list-query.js';
import type { Page } from '../common/query/page.js';
import { EventRecord } from './event.entity.js';
import { EVENT_TYPES, type EventType } from './event-types.js';

/** The delivered form of an event (SPEC §7): exactly what webhook receivers get as the body. */
export const eventViewSchema = apiSchema(
  'Event',
  z.object({
    id: z.string(),
    type: z.enum(EVENT_TYPES),
    createdAt: z.string(),
    data: z.record(z.string(), z.unknown()),
  }),
);
export type EventView = z.infer<typeof eventViewSchema>;

export const EVENT_LIST: ListSpec = {
  fields: {
    type: { column: 'type', type: 'enum', values: EVENT_TYPES },
    createdAt: { column: 'created_at', type: 'date', property: 'createdAt' },
  },
  search: [],
  select: ['id', 'type', 'createdAt', 'data'],
};

export function toEventView(e: EventRecord): EventView {
  return { id: e.id, type: e.type as EventType, createdAt: e.createdAt, data: e.data };
}

@Injectable()
export class EventsService {
  constructor(
    @InjectRepository(EventRecord) private readonly events: Repository<EventRecord>,
    private readonly clock: Clock,
  ) {}

  /**
   * Records an event in the caller's transaction (the outbox): it commits with the change that caused
   * it or not at all.
   */
  async record(m: EntityManager, type: EventType, data: Record<string, unknown>): Promise<EventRecord> {
    const event = m.create(EventRecord, { id: newId('evt'), type, data, createdAt: this.clock.iso() });
    // insert (not save): no read-before-write on this hot path
    await m.insert(EventRecord, event as QueryDeepPartialEntity<EventRecord>);
    return event;
  }

  list(query: ListQuery): Promise<Page<Partial<EventView>>> {
    return runListQuery(this.events.createQueryBuilder('e'), query, EVENT_LIST, toEventView);
  }
}
