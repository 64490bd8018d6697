import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, In, type Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import type { Principal } from '../auth/principal.js';
import { BrokerService } from '../broker/broker.service.js';
import { DEVICE_ID_PATTERN } from '../broker/topics.js';
import { Clock } from '../common/clock.js';
import { AppException, type FieldError, fieldError } from '../common/errors/app.exception.js';
import { ErrorCode } from '../common/errors/error-code.js';
import { isId, newId } from '../common/ids.js';
import { runListQuery } from '../common/query/apply-list-query.js';
import type { ListQuery } from '../common/query/list-query.js';
import type { Page } from '../common/query/page.js';
import { AppConfig } from '../config/app-config.js';
import { DatabaseService, isUniqueViolation } from '../database/database.service.js';
import { Device } from '../devices/device.entity.js';
import { EventsService } from '../events/events.service.js';
import { Command } from './command.entity.js';
import { type CommandAnswer, replayedAnswer, statusOf, syncAnswer } from './command-answer.js';
import { CommandDispatcher } from './command-dispatcher.service.js';
import { addMs, CommandLifecycle } from './command-lifecycle.service.js';
import { COMMAND_LIST, type CommandView, toCommandView } from './command.view.js';
import { type CommandFollow, CommandWaiters } from './command-waiters.js';
import { type BatchCommandDto, bodyErrors, MAX_QUEUED_PER_DEVICE, type SendCommandDto } from './commands.schemas.js';
import { CommandsMetrics } from './commands.metrics.js';
import { type IdempotentRequest, IdempotencyService } from './idempotency.service.js';
import type { IdempotencyKey } from './idempotency-key.entity.js';

type Created = { views: CommandView[]; record: IdempotencyKey | undefined } | { replay: IdempotencyKey };

/** A synchronous caller whose command never settles (lost timers) still gets an answer this long after. */
const GIVE_UP_GRACE_MS = 15_000;

interface NewCommand {
  deviceId: string;
  command: string;
  params: Record<string, unknown>;
  timeoutMs: number;
  ttlSeconds: number;
  /** created already ended (a batch member for an offline device without TTL) */
  offline: boolean;
}

/**
 * sendCommand and its routes (SPEC §6). A command is stored (queued) in one transaction with its
 * Idempotency-Key, then handed to the dispatcher, which marks it sent and publishes it once the device can
 * receive it; a synchronous caller follows it through CommandWaiters until the device's reply (or a
 * deadline) ends it.
 */
@Injectable()
export class CommandsService {
  constructor(
    @InjectRepository(Command) private readonly commands: Repository<Command>,
    private readonly db: DatabaseService,
    private readonly events: EventsService,
    private readonly broker: BrokerService,
    private readonly lifecycle: CommandLifecycle,
    private readonly dispatcher: CommandDispatcher,
    private readonly waiters: CommandWaiters,
    private readonly idempotency: IdempotencyService,
    private readonly metrics: CommandsMetrics,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  async send(
    deviceId: string,
    dto: SendCommandDto,
    principal: Principal,
    idempotencyKey: string | undefined,
  ): Promise<CommandAnswer> {
    const errors = bodyErrors(dto);
    if (errors.length > 0) throw AppException.validation(errors);
    const request = { ...dto, timeoutMs: dto.timeoutMs ?? this.config.commandTimeoutMs };
    const idem = this.idempotency.request(principal.key, idempotencyKey, { route: 'send', deviceId, ...request });
    const prior = idem && (await this.idempotency.find(idem));
    if (prior) return this.replaySingle(prior, request.async);

    const device = await this.findDevice(deviceId);
    if (device.disabled) throw new AppException(ErrorCode.AccessRestricted, { key: 'command_device_disabled' });
    const online = this.broker.isConnected(deviceId);
    if (!online && request.ttlSeconds === 0) {
      throw new AppException(ErrorCode.DeviceOffline, { key: 'command_device_offline' });
    }
    const spec: NewCommand = { deviceId, ...request, offline: false };
    const created = await this.create([spec], idem);
    if ('replay' in created) return this.replaySingle(created.replay, request.async);
    const view = created.views[0]!;
    const follow = this.waiters.follow(view);
    const dispatched = this.dispatcher.kick(deviceId);
    let answer: CommandAnswer;
    try {
      if (!online) {
        // SPEC §6: queued for an offline device → 202 even without async
        answer = { status: 202, command: view };
      } else if (request.async) {
        await dispatched;
        answer = { status: 202, command: follow.latest() };
      } else {
        answer = await this.answerWhenSettled(follow, view, created.record);
      }
    } finally {
      follow.stop();
    }
    if (created.record) await this.idempotency.answered(created.record, answer.status);
    return answer;
  }

  /** The synchronous answer; a 504 is remembered for the Idempotency-Key before it is thrown. */
  private async answerWhenSettled(
    follow: CommandFollow,
    view: CommandView,
    record: IdempotencyKey | undefined,
  ): Promise<CommandAnswer> {
    const final = await this.wait(follow, view);
    const answer = () => syncAnswer(final);
    if (record) await this.idempotency.answered(record, statusOf(answer));
    return answer();
  }

  async batch(dto: BatchCommandDto, principal: Principal, idempotencyKey: string | undefined) {
    const errors = bodyErrors(dto);
    if (errors.length > 0) throw AppException.validation(errors);
    const request = { ...dto, timeoutMs: dto.timeoutMs ?? this.config.commandTimeoutMs };
    const idem = this.idempotency.request(principal.key, idempotencyKey, { route: 'batch', ...request });
    const prior = idem && (await this.idempotency.find(idem));
    if (prior) return { items: await this.views(prior.commandIds) };

    const devices = new Map(
      (await this.commands.manager.findBy(Device, { id: In(dto.deviceIds) })).map((d) => [d.id, d]),
    );
    const refused: FieldError[] = [];
    dto.deviceIds.forEach((id, index) => {
      const device = devices.get(id);
      if (!device) refused.push(fieldError(`deviceIds[${index}]`, 'command_device_not_found'));
      else if (device.disabled) refused.push(fieldError(`deviceIds[${index}]`, 'command_device_is_disabled'));
    });
    if (refused.length > 0) throw AppException.businessRule('business_rule', undefined, refused);
    const specs = dto.deviceIds.map((deviceId) => ({
      deviceId,
      command: request.command,
      params: request.params,
      timeoutMs: request.timeoutMs,
      ttlSeconds: request.ttlSeconds,
      offline: request.ttlSeconds === 0 && !this.broker.isConnected(deviceId),
    }));
    const created = await this.create(specs, idem);
    if ('replay' in created) return { items: await this.views(created.replay.commandIds) };
    await Promise.all(specs.filter((s) => !s.offline).map((s) => this.dispatcher.kick(s.deviceId)));
    if (created.record) await this.idempotency.answered(created.record, 202);
    return { items: await this.views(created.views.map((v) => v.id)) };
  }

  async get(id: string): Promise<CommandView> {
    const command = isId('cmd', id) ? await this.commands.findOneBy({ id }) : null;
    if (!command) throw AppException.notFound();
    return toCommandView(command);
  }

  async listOfDevice(deviceId: string, query: ListQuery): Promise<Page<Partial<CommandView>>> {
    await this.findDevice(deviceId);
    const qb = this.commands.createQueryBuilder('c').where('c.device_id = :deviceId', { deviceId });
    return runListQuery(qb, query, COMMAND_LIST, toCommandView);
  }

  /** Queued or in flight → cancelled; a finished command → 42201. */
  async cancel(id: string): Promise<CommandView> {
    if (!isId('cmd', id)) throw AppException.notFound();
    const outcome = await this.lifecycle.cancel(id);
    if (!outcome.found) throw AppException.notFound();
    if (!outcome.changed) throw AppException.businessRule('command_finished', { status: outcome.command.status });
    return toCommandView(outcome.command);
  }

  /**
   * Stores the commands (and the Idempotency-Key) in one transaction; or finds that this key was used by a
   * concurrent call meanwhile (then the caller answers as a retry).
   */
  private async create(specs: NewCommand[], idem: IdempotentRequest | undefined): Promise<Created> {
    try {
      const result = await this.db.transaction(async (m): Promise<Created> => {
        const existing = idem && (await this.idempotency.find(idem, m));
        if (existing) return { replay: existing };
        await this.assertQueueRoom(m, specs);
        const rows = specs.map((spec) => this.newRow(spec));
        for (const row of rows) {
          await m.insert(Command, row as QueryDeepPartialEntity<Command>);
          if (row.status === 'expired') await this.events.record(m, 'command.expired', { command: toCommandView(row) });
        }
        const record =
          idem &&
          (await this.idempotency.store(
            m,
            idem,
            rows.map((r) => r.id),
          ));
        return { views: rows.map(toCommandView), record };
      });
      if ('views' in result) {
        this.metrics.createdCommands(result.views.length);
        this.lifecycle.announce(result.views);
      }
      return result;
    } catch (err) {
      if (!idem || !isUniqueViolation(err)) throw err;
      const existing = await this.idempotency.find(idem);
      if (!existing) throw err;
      return { replay: existing };
    }
  }

  private newRow(spec: NewCommand): Command {
    const now = this.clock.iso();
    const command = new Command();
    Object.assign(command, {
      id: newId('cmd'),
      deviceId: spec.deviceId,
      command: spec.command,
      params: spec.params,
      status: spec.offline ? 'expired' : 'queued',
      result: null,
      error: spec.offline
        ? { code: 'DEVICE_OFFLINE', message: 'the device was offline and the command has no TTL' }
        : null,
      timeoutMs: spec.timeoutMs,
      ttlSeconds: spec.ttlSeconds,
      createdAt: now,
      sentAt: null,
      deliveredAt: null,
      completedAt: spec.offline ? now : null,
      // not sent by then → expired; without a TTL, a device that is online but not yet subscribed gets timeoutMs
      expiresAt: addMs(now, spec.ttlSeconds > 0 ? spec.ttlSeconds * 1000 : spec.timeoutMs),
      deadlineAt: null,
    });
    return command;
  }

  /** SPEC §6: at most 100 queued commands per device. */
  private async assertQueueRoom(m: EntityManager, specs: NewCommand[]): Promise<void> {
    const ids = specs.filter((s) => !s.offline).map((s) => s.deviceId);
    if (ids.length === 0) return;
    if (this.db.isPostgres) {
      // one creator per device at a time, so that two concurrent calls cannot both take the last place
      await m
        .createQueryBuilder(Device, 'd')
        .select('d.id')
        .where('d.id IN (:...ids)', { ids })
        .orderBy('d.id')
        .setLock('pessimistic_write')
        .getMany();
    }
    const counts = await m
      .createQueryBuilder(Command, 'c')
      .select('c.device_id', 'deviceId')
      .addSelect('COUNT(*)', 'count')
      .where('c.device_id IN (:...ids)', { ids })
      .andWhere("c.status = 'queued'")
      .groupBy('c.device_id')
      .getRawMany<{ deviceId: string; count: string | number }>();
    const full = counts.find((c) => Number(c.count) >= MAX_QUEUED_PER_DEVICE);
    if (full) {
      throw AppException.businessRule('command_queue_full', { deviceId: full.deviceId, max: MAX_QUEUED_PER_DEVICE });
    }
  }

  /** Waits for the command to end (or stay queued for later, with a TTL), bounded by its deadlines. */
  private wait(follow: CommandFollow, view: CommandView): Promise<CommandView> {
    const queuedUntil = Date.parse(view.createdAt) + view.timeoutMs;
    return follow.outcome(queuedUntil, queuedUntil + view.timeoutMs + GIVE_UP_GRACE_MS);
  }

  /**
   * A retry with a known Idempotency-Key: the first call's status with the command as it is now; if the first
   * call has not answered yet (a concurrent duplicate), the same wait it is doing.
   */
  private async replaySingle(record: IdempotencyKey, async: boolean): Promise<CommandAnswer> {
    const id = record.commandIds[0]!;
    const current = await this.commands.findOneBy({ id });
    if (!current) throw AppException.notFound();
    if (record.responseStatus !== null) return replayedAnswer(record.responseStatus, toCommandView(current));
    const follow = this.waiters.follow(toCommandView(current));
    try {
      const fresh = toCommandView((await this.commands.findOneBy({ id })) ?? current);
      if (async || (fresh.status === 'queued' && fresh.ttlSeconds > 0)) return { status: 202, command: fresh };
      const final = await this.wait(follow, fresh);
      const answer = () => syncAnswer(final);
      await this.idempotency.answered(record, statusOf(answer));
      return answer();
    } finally {
      follow.stop();
    }
  }

  private async views(ids: string[]): Promise<CommandView[]> {
    const rows = new Map((await this.commands.findBy({ id: In(ids) })).map((c) => [c.id, c]));
    return ids.filter((id) => rows.has(id)).map((id) => toCommandView(rows.get(id)!));
  }

  private async findDevice(id: string): Promise<Device> {
    const device = DEVICE_ID_PATTERN.test(id) ? await this.commands.manager.findOneBy(Device, { id }) : null;
    if (!device) throw AppException.notFound();
    return device;
  }
}
