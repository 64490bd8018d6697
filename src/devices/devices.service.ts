import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { DEVICE_ID_PATTERN } from '../broker/topics.js';
import { Clock } from '../common/clock.js';
import { randomSecret, sha256Hex } from '../common/crypto.js';
import { AppException, fieldError } from '../common/errors/app.exception.js';
import { isId, newId } from '../common/ids.js';
import { runListQuery } from '../common/query/apply-list-query.js';
import type { ListQuery } from '../common/query/list-query.js';
import type { Page } from '../common/query/page.js';
import { Customer } from '../crm/customers/customer.entity.js';
import { DatabaseService, isUniqueViolation } from '../database/database.service.js';
import { EventsService } from '../events/events.service.js';
import { TelemetryWriter } from '../telemetry/telemetry.writer.js';
import { DeviceAuthService } from './device-auth.service.js';
import { Device } from './device.entity.js';
import { DEVICE_LIST, type DeviceView, type DeviceWithCredentials, toDeviceView } from './device.view.js';
import { type CreateDeviceDto, metadataErrors, type PatchDeviceDto } from './devices.schemas.js';
import { PresenceService } from './presence.service.js';

/**
 * The device registry. Every change to what authenticates a device (token, `disabled`, existence) is
 * committed first, then the credential cache is invalidated, then the live session is dropped: in that
 * order a reconnect can only meet the new state.
 */
@Injectable()
export class DevicesService {
  constructor(
    @InjectRepository(Device) private readonly devices: Repository<Device>,
    private readonly db: DatabaseService,
    private readonly events: EventsService,
    private readonly auth: DeviceAuthService,
    private readonly presence: PresenceService,
    private readonly telemetry: TelemetryWriter,
    private readonly clock: Clock,
  ) {}

  list(query: ListQuery): Promise<Page<Partial<DeviceView>>> {
    return runListQuery(this.devices.createQueryBuilder('d'), query, DEVICE_LIST, toDeviceView);
  }

  async get(id: string): Promise<DeviceView> {
    return toDeviceView(await this.find(this.devices.manager, id));
  }

  async create(dto: CreateDeviceDto): Promise<DeviceWithCredentials> {
    const errors = metadataErrors(dto.metadata);
    if (errors.length > 0) throw AppException.validation(errors);
    const id = dto.id ?? newId('dev');
    const token = randomSecret(24);
    const view = await this.db
      .transaction(async (m) => {
        if (dto.customerId !== undefined) await this.assertCustomer(m, dto.customerId);
        if (await m.existsBy(Device, { id })) throw this.idTaken();
        const now = this.clock.iso();
        const device = m.create(Device, {
          id,
          name: dto.name ?? null,
          type: dto.type ?? null,
          customerId: dto.customerId ?? null,
          metadata: dto.metadata,
          tokenHash: sha256Hex(token),
          disabled: dto.disabled,
          status: 'offline',
          alertState: 'normal',
          connectedAt: null,
          disconnectedAt: null,
          lastSeenAt: null,
          lastDisconnectReason: null,
          telemetry: {},
          createdAt: now,
          updatedAt: now,
        });
        await m.insert(Device, device as QueryDeepPartialEntity<Device>);
        const created = toDeviceView(device);
        await this.events.record(m, 'device.created', { device: created });
        return created;
      })
      .catch((err: unknown) => {
        throw isUniqueViolation(err) ? this.idTaken() : err;
      });
    // an unknown-device answer may be cached from before
    this.auth.invalidate(id);
    return { ...view, credentials: { username: id, password: token } };
  }

  async patch(id: string, dto: PatchDeviceDto): Promise<DeviceView> {
    const errors = metadataErrors(dto.metadata);
    if (errors.length > 0) throw AppException.validation(errors);
    const { disabledNow } = await this.db.transaction(async (m) => {
      const device = await this.find(m, id);
      if (dto.customerId) await this.assertCustomer(m, dto.customerId);
      const changes: Partial<Device> = {
        ...(dto.name !== undefined && { name: dto.name }),
        ...(dto.type !== undefined && { type: dto.type }),
        ...(dto.customerId !== undefined && { customerId: dto.customerId }),
        ...(dto.metadata !== undefined && { metadata: dto.metadata }),
        ...(dto.disabled !== undefined && { disabled: dto.disabled }),
        updatedAt: this.clock.iso(),
      };
      await m.update(Device, { id }, changes as QueryDeepPartialEntity<Device>);
      return { disabledNow: dto.disabled === true && !device.disabled };
    });
    if (dto.disabled !== undefined) this.auth.invalidate(id);
    if (disabledNow) await this.presence.disconnect(id, 'device_disabled');
    return this.get(id);
  }

  /** New token; the old one stops working at once and the live session is dropped. */
  async rotateCredentials(id: string): Promise<DeviceWithCredentials> {
    const token = randomSecret(24);
    await this.db.transaction(async (m) => {
      await this.find(m, id);
      await m.update(Device, { id }, { tokenHash: sha256Hex(token), updatedAt: this.clock.iso() });
    });
    this.auth.invalidate(id);
    await this.presence.disconnect(id, 'credentials_rotated');
    return { ...(await this.get(id)), credentials: { username: id, password: token } };
  }

  /**
   * Drops the session (recorded as `device.offline` with `device_deleted`), then deletes the device with its
   * telemetry history and alerts, recording `device.deleted`.
   */
  async delete(id: string): Promise<void> {
    await this.find(this.devices.manager, id);
    this.auth.beginDelete(id);
    try {
      await this.presence.disconnect(id, 'device_deleted');
      await this.telemetry.forget(id);
      await this.db.transaction(async (m) => {
        const device = await this.find(m, id);
        await this.telemetry.deleteHistory(m, id);
        await m.delete(Device, { id });
        await this.events.record(m, 'device.deleted', { device: toDeviceView(device) });
      });
    } finally {
      this.auth.endDelete(id);
    }
  }

  private idTaken(): AppException {
    return AppException.conflict([fieldError('id', 'device_id_taken')]);
  }

  private async assertCustomer(m: EntityManager, customerId: string): Promise<void> {
    const exists = isId('cust', customerId) && (await m.existsBy(Customer, { id: customerId }));
    if (!exists) {
      throw AppException.businessRule('customer_not_found', undefined, [
        fieldError('customerId', 'customer_not_found'),
      ]);
    }
  }

  private async find(m: EntityManager, id: string): Promise<Device> {
    const device = DEVICE_ID_PATTERN.test(id) ? await m.findOneBy(Device, { id }) : null;
    if (!device) throw AppException.notFound();
    return device;
  }
}
