import { monotonicFactory } from 'ulid';

const ulid = monotonicFactory();

export type IdPrefix =
  'usr' | 'ak' | 'cli' | 'grt' | 'cust' | 'ord' | 'cmd' | 'alt' | 'whk' | 'evt' | 'dlv' | 'dev' | 'req';

/** Prefixed, time-sortable ids (`cust_01J…`): sorting by id is sorting by creation. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${ulid()}`;
}

const ULID = '[0-9A-HJKMNP-TV-Z]{26}';
const patterns = new Map<IdPrefix, RegExp>();

/** True when `value` looks like an id we issued with this prefix (malformed ids are simply "not found"). */
export function isId(prefix: IdPrefix, value: string): boolean {
  let re = patterns.get(prefix);
  if (!re) patterns.set(prefix, (re = new RegExp(`^${prefix}_${ULID}$`)));
  return re.test(value);
}
