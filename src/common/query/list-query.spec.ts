import { AppException } from '../errors/app.exception.js';
import { ErrorCode } from '../errors/error-code.js';
import { encodeCursor, type ListSpec, parseDate, parseListQuery } from './list-query.js';

const spec: ListSpec = {
  fields: {
    id: { column: 'id', type: 'string' },
    name: { column: 'name', type: 'string' },
    status: { column: 'status', type: 'enum', values: ['active', 'inactive'] },
    amount: { column: 'amount', type: 'integer' },
    createdAt: { column: 'created_at', type: 'date', property: 'createdAt' },
    paidAt: { column: 'paid_at', type: 'date', nullable: true },
    flag: { column: 'flag', type: 'boolean', sort: false },
  },
  search: ['name'],
  select: ['id', 'name', 'status'],
};

function failure(raw: Record<string, unknown>): AppException {
  try {
    parseListQuery(raw, spec);
  } catch (err) {
    if (err instanceof AppException) return err;
    throw err;
  }
  throw new Error('expected the query to be refused');
}

const fields = (e: AppException) => e.options.errors?.map((x) => x.field);

describe(parseListQuery.name, () => {
  it('defaults to offset paging, 20 per page, newest first', () => {
    const sut = parseListQuery({}, spec);
    expect(sut).toMatchObject({ mode: 'offset', page: 1, pageSize: 20, filters: [], search: undefined });
    expect(sut.sort).toEqual({
      field: 'createdAt',
      column: 'created_at',
      property: 'createdAt',
      nullable: false,
      order: 'desc',
    });
  });

  it('parses every operator with typed values', () => {
    const sut = parseListQuery(
      {
        status: 'active',
        'status[ne]': 'inactive',
        'amount[gt]': '10',
        'amount[gte]': '11',
        'amount[lt]': '100',
        'amount[lte]': '99',
        'amount[in]': '1,2,3',
        'name[like]': '科技',
        'createdAt[gt]': '2024-01-01',
        flag: 'true',
      },
      spec,
    );
    expect(sut.filters.map((f) => [f.field, f.operator, f.value])).toEqual([
      ['status', 'eq', 'active'],
      ['status', 'ne', 'inactive'],
      ['amount', 'gt', 10],
      ['amount', 'gte', 11],
      ['amount', 'lt', 100],
      ['amount', 'lte', 99],
      ['amount', 'in', [1, 2, 3]],
      ['name', 'like', '科技'],
      ['createdAt', 'gt', '2024-01-01T00:00:00.000Z'],
      ['flag', 'eq', true],
    ]);
  });

  it('uses cursor mode when limit or cursor is given', () => {
    const cursor = encodeCursor({ s: 'createdAt', o: 'desc', v: '2024-01-01T00:00:00.000Z', id: 'cust_1' });
    const sut = parseListQuery({ limit: '5', cursor }, spec);
    expect(sut.mode).toBe('cursor');
    expect(sut.pageSize).toBe(5);
    expect(sut.cursor).toEqual({ s: 'createdAt', o: 'desc', v: '2024-01-01T00:00:00.000Z', id: 'cust_1' });
  });

  it.each([
    [{ pageSize: '101' }, 'pageSize'],
    [{ pageSize: '0' }, 'pageSize'],
    [{ page: '0' }, 'page'],
    [{ limit: '101' }, 'limit'],
    [{ sort: 'password' }, 'sort'],
    [{ sort: 'flag' }, 'sort'],
    [{ order: 'up' }, 'order'],
    [{ fields: 'id,secret' }, 'fields'],
    [{ unknown: 'x' }, 'unknown'],
    [{ 'name[regex]': 'x' }, 'name[regex]'],
    [{ 'status[like]': 'x' }, 'status[like]'],
    [{ 'flag[gt]': 'true' }, 'flag[gt]'],
    [{ status: 'deleted' }, 'status'],
    [{ page: '2', limit: '5' }, 'page'],
    [{ status: ['active', 'inactive'] }, 'status'],
  ])('refuses %j with 40001 naming %s', (raw, field) => {
    const error = failure(raw);
    expect(error.code).toBe(ErrorCode.ValidationFailed);
    expect(fields(error)).toContain(field);
  });

  it.each([
    [{ page: 'two' }, 'page'],
    [{ pageSize: '2.5' }, 'pageSize'],
    [{ 'createdAt[gt]': 'yesterday' }, 'createdAt[gt]'],
    [{ 'amount[gt]': '1e3' }, 'amount[gt]'],
    [{ 'amount[in]': '1,x' }, 'amount[in]'],
    [{ flag: 'maybe' }, 'flag'],
    [{ limit: '5', cursor: 'not a cursor!' }, 'cursor'],
    [{ limit: '5', cursor: Buffer.from('{"s":1}').toString('base64url') }, 'cursor'],
    [{ limit: '5', cursor: encodeCursor({ s: 'amount', o: 'desc', v: 'text', id: 'x' }), sort: 'amount' }, 'cursor'],
  ])('refuses %j with 40002 naming %s', (raw, field) => {
    const error = failure(raw);
    expect(error.code).toBe(ErrorCode.WrongParameterType);
    expect(fields(error)).toContain(field);
  });

  it('refuses a cursor issued for another sort', () => {
    const cursor = encodeCursor({ s: 'name', o: 'asc', v: 'a', id: 'x' });
    const error = failure({ cursor });
    expect(error.code).toBe(ErrorCode.ValidationFailed);
    expect(fields(error)).toEqual(['cursor']);
  });

  it('accepts NULL as the last value of a nullable sort field only', () => {
    const cursor = encodeCursor({ s: 'paidAt', o: 'desc', v: null, id: 'x' });
    expect(parseListQuery({ cursor, sort: 'paidAt' }, spec).cursor?.v).toBeNull();
    const bad = encodeCursor({ s: 'createdAt', o: 'desc', v: null, id: 'x' });
    expect(failure({ cursor: bad }).code).toBe(ErrorCode.WrongParameterType);
  });

  it('trims search and ignores an empty one', () => {
    expect(parseListQuery({ search: '  科技 ' }, spec).search).toBe('科技');
    expect(parseListQuery({ search: '  ' }, spec).search).toBeUndefined();
  });
});

describe(parseDate.name, () => {
  it.each([
    ['2024-01-01', '2024-01-01T00:00:00.000Z'],
    ['2024-01-01T10:30:00Z', '2024-01-01T10:30:00.000Z'],
    ['2024-01-01T10:30:00+08:00', '2024-01-01T02:30:00.000Z'],
    ['2024-01-01T10:30', '2024-01-01T10:30:00.000Z'],
    ['2024-01-01T10:30:00.123456Z', '2024-01-01T10:30:00.123Z'],
  ])('%s → %s', (input, output) => {
    expect(parseDate(input)).toBe(output);
  });

  it.each(['yesterday', '2024-13-01', '2024-1-1', '1705312800', ''])('refuses %s', (input) => {
    expect(parseDate(input)).toBeUndefined();
  });
});
