import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { DEVICE_ID_PATTERN } from '../broker/topics.js';
import { safeEqual, sha256Hex } from '../common/crypto.js';
import { Device } from './device.entity.js';

export type DeviceAuthResult = 'ok' | 'bad_credentials' | 'disabled';

interface Entry {
  /** null: no such device */
  credential: { tokenHash: string; disabled: boolean } | null;
  expiresAt: number;
}

/** Long enough that a hot device reconnecting never touches the database; see invalidation below. */
const POSITIVE_TTL_MS = 5 * 60_000;
/** Unknown ids are remembered briefly, so that a misconfigured device retrying in a loop costs no query. */
const NEGATIVE_TTL_MS = 10_000;
const MAX_ENTRIES = 100_000;

/**
 * Checks MQTT credentials (device id + token) against a cache of `{tokenHash, disabled}` per device.
 *
 * Correctness rests on invalidation, not on the TTL: every change of a device's credential, `disabled` flag or
 * existence calls {@link invalidate} after its transaction commits, and then drops the device's sessions.
 * A lookup that was reading the database while the device was invalidated does not use what it read and
 * reads again, so a row from before a rotation can neither be cached nor accepted after it.
 *
 * Several gateway instances: each caches on its own, so an instance must hear the others' invalidations.
 * The plan is a Redis pub/sub channel (`<REDIS_PREFIX>:devices:invalidate`, message = device id) published
 * after commit and applied by every instance with the same `invalidate()` + session kick; until then the
 * TTL bounds how long another instance could accept a rotated token (5 min) or refuse a new device (10 s).
 */
@Injectable()
export class DeviceAuthService {
  private readonly cache = new Map<string, Entry>();
  private readonly deleting = new Set<string>();
  /** database reads in flight per device; an invalidation marks them stale */
  private readonly reads = new Map<string, Set<{ stale: boolean }>>();

  constructor(@InjectRepository(Device) private readonly devices: Repository<Device>) {}

  /**
   * Checks the credentials against the cache, synchronously; `undefined` when the device is not cached (then
   * {@link prime} it and ask again). The caller acts on the answer in the same tick, so that no invalidation
   * can slip between the check and the session it admits.
   */
  verify(deviceId: string, password: Buffer | string): DeviceAuthResult | undefined {
    if (!DEVICE_ID_PATTERN.test(deviceId) || this.deleting.has(deviceId)) return 'bad_credentials';
    const entry = this.cache.get(deviceId);
    if (!entry || entry.expiresAt <= Date.now()) return undefined;
    return verdict(entry, password);
  }

  /** Loads the device's credential into the cache. */
  async prime(deviceId: string): Promise<void> {
    await this.load(deviceId);
  }

  /** Forget what is cached about the device; call after committing any change to its credentials. */
  invalidate(deviceId: string): void {
    this.cache.delete(deviceId);
    for (const read of this.reads.get(deviceId) ?? []) read.stale = true;
  }

  /** While a device is being deleted, refuse it outright (it must not reconnect between kick and delete). */
  beginDelete(deviceId: string): void {
    this.deleting.add(deviceId);
    this.invalidate(deviceId);
  }

  endDelete(deviceId: string): void {
    this.deleting.delete(deviceId);
    this.invalidate(deviceId);
  }

  private async load(deviceId: string): Promise<Entry> {
    for (;;) {
      const read = { stale: false };
      let reads = this.reads.get(deviceId);
      if (!reads) this.reads.set(deviceId, (reads = new Set()));
      reads.add(read);
      let row: Device | null;
      try {
        row = await this.devices.findOne({
          where: { id: deviceId },
          select: { id: true, tokenHash: true, disabled: true },
        });
      } finally {
        reads.delete(read);
        if (reads.size === 0) this.reads.delete(deviceId);
      }
      // invalidated while we were reading: what we read may predate the change, so read again
      if (read.stale) continue;
      const entry: Entry = {
        credential: row ? { tokenHash: row.tokenHash, disabled: row.disabled } : null,
        expiresAt: Date.now() + (row ? POSITIVE_TTL_MS : NEGATIVE_TTL_MS),
      };
      if (this.cache.size >= MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(deviceId, entry);
      return entry;
    }
  }
}

function verdict(entry: Entry, password: Buffer | string): DeviceAuthResult {
  const credential = entry.credential;
  const hash = sha256Hex(typeof password === 'string' ? password : password.toString('utf8'));
  // hash compared even for unknown devices, so that both answers take the same time
  const matches = safeEqual(credential?.tokenHash ?? '0'.repeat(64), hash);
  if (!credential || !matches) return 'bad_credentials';
  return credential.disabled ? 'disabled' : 'ok';
}
