import { AppException, type FieldError, fieldError } from '../errors/app.exception.js';

/**
 * The query grammar every list endpoint shares (SPEC §3): offset or cursor pagination, `sort`/`order`,
 * `fields`, `search` and filters with operators — parsed against a per-resource whitelist.
 * Parsing is pure; `applyListQuery` turns the result into bound SQL.
 */

export type FieldType = 'string' | 'integer' | 'date' | 'boolean' | 'enum';
export type Operator = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'like';
export type FilterValue = string | number | boolean;

export interface QueryField {
  /** database column */
  column: string;
  /** entity property holding the value, when it differs from the API name */
  property?: string;
  type: FieldType;
  values?: readonly string[];
  /** column may be NULL (sorting and keyset paging then treat NULL as the lowest value) */
  nullable?: boolean;
  filter?: boolean;
  sort?: boolean;
}

export interface ListSpec {
  /** filterable/sortable fields by their API name */
  fields: Record<string, QueryField>;
  /** columns matched by `search` */
  search: readonly string[];
  /** names accepted by `fields=` (the keys of the resource's representation) */
  select: readonly string[];
  defaultSort?: string;
  /** extra query parameters a resource accepts besides the grammar; parsed by the resource itself */
  extraParams?: readonly string[];
}

export interface Filter {
  field: string;
  column: string;
  type: FieldType;
  nullable: boolean;
  operator: Operator;
  value: FilterValue | FilterValue[];
}

export interface Cursor {
  /** sort field, order, last value, last id */
  s: string;
  o: 'asc' | 'desc';
  v: FilterValue | null;
  id: string;
}

export interface ListQuery {
  mode: 'offset' | 'cursor';
  page: number;
  pageSize: number;
  cursor: Cursor | undefined;
  sort: { field: string; column: string; property: string; nullable: boolean; order: 'asc' | 'desc' };
  fields: string[] | undefined;
  search: string | undefined;
  filters: Filter[];
  extra: Record<string, string>;
}

export const MAX_PAGE_SIZE = 100;
const RESERVED = new Set(['page', 'pageSize', 'limit', 'cursor', 'sort', 'order', 'fields', 'search']);
const OPERATORS = new Set<Operator>(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'like']);
/** The operators each field type takes (SPEC §3); also published in the OpenAPI document. */
export const OPERATORS_BY_TYPE: Record<FieldType, readonly Operator[]> = {
  string: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'like'],
  enum: ['eq', 'ne', 'in'],
  integer: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in'],
  date: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in'],
  boolean: ['eq', 'ne'],
};
const ALLOWED: Record<FieldType, ReadonlySet<Operator>> = {
  string: new Set(OPERATORS_BY_TYPE.string),
  enum: new Set(OPERATORS_BY_TYPE.enum),
  integer: new Set(OPERATORS_BY_TYPE.integer),
  date: new Set(OPERATORS_BY_TYPE.date),
  boolean: new Set(OPERATORS_BY_TYPE.boolean),
};
const PARAM = /^([A-Za-z][A-Za-z0-9_.]*)(?:\[([A-Za-z]+)\])?$/;
const MAX_IN_VALUES = 100;
const MAX_SEARCH_LENGTH = 200;

class Problems {
  readonly invalid: FieldError[] = [];
  readonly wrongType: FieldError[] = [];
}

export function parseListQuery(raw: Record<string, unknown>, spec: ListSpec): ListQuery {
  const p = new Problems();
  const single = (name: string): string | undefined => {
    const value = raw[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') {
      p.invalid.push(fieldError(name, 'query_repeated'));
      return undefined;
    }
    return value;
  };

  const pageRaw = single('page');
  const pageSizeRaw = single('pageSize');
  const limitRaw = single('limit');
  const cursorRaw = single('cursor');
  const mode = limitRaw !== undefined || cursorRaw !== undefined ? 'cursor' : 'offset';
  if (mode === 'cursor' && pageRaw !== undefined) p.invalid.push(fieldError('page', 'query_page_and_cursor'));
  const page = intParam(p, 'page', pageRaw, 1, Number.MAX_SAFE_INTEGER, 1);
  const pageSize = intParam(
    p,
    mode === 'cursor' ? 'limit' : 'pageSize',
    mode === 'cursor' ? limitRaw : pageSizeRaw,
    1,
    MAX_PAGE_SIZE,
    20,
  );
  if (mode === 'cursor' && pageSizeRaw !== undefined && limitRaw === undefined) {
    // `pageSize` with a cursor is accepted as the limit, as clients often keep sending it
    intParam(p, 'pageSize', pageSizeRaw, 1, MAX_PAGE_SIZE, 20);
  }

  const sortName = single('sort') ?? spec.defaultSort ?? 'createdAt';
  const sortable = Object.entries(spec.fields)
    .filter(([, f]) => f.sort !== false)
    .map(([n]) => n);
  const sortField = spec.fields[sortName];
  if (!sortField || sortField.sort === false) {
    p.invalid.push(fieldError('sort', 'query_not_sortable', { fields: sortable.join(', ') }));
  }
  const orderRaw = single('order') ?? 'desc';
  if (orderRaw !== 'asc' && orderRaw !== 'desc') {
    p.invalid.push(fieldError('order', 'expected_one_of', { values: 'asc, desc' }));
  }
  const order = orderRaw === 'asc' ? 'asc' : 'desc';

  let fields: string[] | undefined;
  const fieldsRaw = single('fields');
  if (fieldsRaw !== undefined) {
    fields = fieldsRaw
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean);
    const unknown = fields.filter((f) => !spec.select.includes(f));
    if (fields.length === 0 || unknown.length > 0) {
      p.invalid.push(fieldError('fields', 'query_unknown_field', { fields: spec.select.join(', ') }));
    }
  }

  let search = single('search');
  if (search !== undefined) {
    search = search.trim();
    if (search.length > MAX_SEARCH_LENGTH) p.invalid.push(fieldError('search', 'too_long', { max: MAX_SEARCH_LENGTH }));
    if (search === '') search = undefined;
  }

  const filters: Filter[] = [];
  const extra: Record<string, string> = {};
  for (const key of Object.keys(raw)) {
    if (RESERVED.has(key)) continue;
    if (spec.extraParams?.includes(key)) {
      const v = single(key);
      if (v !== undefined) extra[key] = v;
      continue;
    }
    const match = PARAM.exec(key);
    const field = match ? spec.fields[match[1]!] : undefined;
    if (!match || !field) {
      p.invalid.push(fieldError(key, 'query_unknown_parameter'));
      continue;
    }
    const name = match[1]!;
    const operator = (match[2] ?? 'eq') as Operator;
    if (!OPERATORS.has(operator)) {
      p.invalid.push(fieldError(key, 'query_unknown_operator', { operator }));
      continue;
    }
    if (field.filter === false) {
      p.invalid.push(fieldError(key, 'query_not_filterable'));
      continue;
    }
    if (!ALLOWED[field.type].has(operator)) {
      p.invalid.push(fieldError(key, 'query_operator_not_allowed', { field: name, operator }));
      continue;
    }
    const text = single(key);
    if (text === undefined) continue;
    let parsed: FilterValue | FilterValue[] | undefined;
    if (operator === 'in') {
      const parts = text.split(',');
      if (parts.length > MAX_IN_VALUES) {
        p.invalid.push(fieldError(key, 'too_many_items', { max: MAX_IN_VALUES }));
        continue;
      }
      const values = parts.map((part) => coerce(p, key, field, part));
      parsed = values.every((v) => v !== undefined) ? (values as FilterValue[]) : undefined;
    } else if (operator === 'like') {
      parsed = text;
    } else {
      parsed = coerce(p, key, field, text);
    }
    if (parsed === undefined) continue;
    filters.push({
      field: name,
      column: field.column,
      type: field.type,
      nullable: !!field.nullable,
      operator,
      value: parsed,
    });
  }

  const cursor = cursorRaw === undefined ? undefined : decodeCursor(p, cursorRaw, sortName, order, sortField);

  if (p.invalid.length > 0) throw AppException.validation(p.invalid);
  if (p.wrongType.length > 0) throw AppException.wrongType(p.wrongType);

  return {
    mode,
    page,
    pageSize,
    cursor,
    sort: {
      field: sortName,
      column: sortField!.column,
      property: sortField!.property ?? sortName,
      nullable: !!sortField!.nullable,
      order,
    },
    fields,
    search,
    filters,
    extra,
  };
}

function intParam(
  p: Problems,
  name: string,
  raw: string | undefined,
  min: number,
  max: number,
  fallback: number,
): number {
  if (raw === undefined) return fallback;
  if (!/^-?\d+$/.test(raw)) {
    p.wrongType.push(fieldError(name, 'expected_type', { type: 'integer' }));
    return fallback;
  }
  const n = Number(raw);
  if (n < min || n > max) {
    p.invalid.push(fieldError(name, 'out_of_range', { min, max }));
    return fallback;
  }
  return n;
}

function coerce(p: Problems, key: string, field: QueryField, text: string): FilterValue | undefined {
  switch (field.type) {
    case 'string':
      return text;
    case 'enum':
      if (field.values && !field.values.includes(text)) {
        p.invalid.push(fieldError(key, 'expected_one_of', { values: field.values.join(', ') }));
        return undefined;
      }
      return text;
    case 'integer':
      if (!/^-?\d{1,15}$/.test(text)) {
        p.wrongType.push(fieldError(key, 'expected_type', { type: 'integer' }));
        return undefined;
      }
      return Number(text);
    case 'boolean':
      if (text === 'true' || text === '1') return true;
      if (text === 'false' || text === '0') return false;
      p.wrongType.push(fieldError(key, 'expected_type', { type: 'boolean' }));
      return undefined;
    case 'date': {
      const iso = parseDate(text);
      if (iso === undefined) p.wrongType.push(fieldError(key, 'expected_type', { type: 'ISO-8601 date' }));
      return iso;
    }
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** `2024-01-01` or a full ISO-8601 date-time → the canonical stored form; anything else → undefined. */
export function parseDate(text: string): string | undefined {
  if (!DATE.test(text)) return undefined;
  // a date-time without an offset is read as UTC, like a bare date
  const withZone = /T|\s/.test(text) && !/(Z|[+-]\d{2}:?\d{2})$/.test(text) ? `${text}Z` : text;
  const ms = Date.parse(withZone.replace(' ', 'T'));
  if (Number.isNaN(ms)) return undefined;
  return new Date(ms).toISOString();
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(
  p: Problems,
  raw: string,
  sort: string,
  order: 'asc' | 'desc',
  sortField: QueryField | undefined,
): Cursor | undefined {
  let value: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+={0,2}$/.test(raw)) throw new Error('not base64url');
    value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    p.wrongType.push(fieldError('cursor', 'query_cursor_invalid'));
    return undefined;
  }
  const c = value as Partial<Cursor> | null;
  const valueOk =
    c !== null &&
    typeof c === 'object' &&
    (c.v === null || ['string', 'number', 'boolean'].includes(typeof c.v)) &&
    typeof c.id === 'string' &&
    typeof c.s === 'string' &&
    (c.o === 'asc' || c.o === 'desc');
  if (!valueOk) {
    p.wrongType.push(fieldError('cursor', 'query_cursor_invalid'));
    return undefined;
  }
  if (c.s !== sort || c.o !== order || !sortField) {
    p.invalid.push(fieldError('cursor', 'query_cursor_mismatch'));
    return undefined;
  }
  const expected = sortField.type === 'integer' ? 'number' : sortField.type === 'boolean' ? 'boolean' : 'string';
  if (c.v === null ? !sortField.nullable : typeof c.v !== expected) {
    p.wrongType.push(fieldError('cursor', 'query_cursor_invalid'));
    return undefined;
  }
  return c as Cursor;
}
