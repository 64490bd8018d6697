import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { type Cursor, encodeCursor, type FilterValue, type ListQuery } from './list-query.js';
import { CursorPage, OffsetPage, type Page } from './page.js';

const SQL_OP = { eq: '=', ne: '<>', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Runs a parsed list query on a query builder: filters, search, keyset or offset paging, sort.
 * Every value is a bound parameter; only whitelisted column names (from the resource's spec) reach the SQL text.
 */
export async function runListQuery<E extends ObjectLiteral, T>(
  qb: SelectQueryBuilder<E>,
  query: ListQuery,
  spec: { search: readonly string[] },
  toItem: (entity: E) => T,
): Promise<Page<Partial<T>>> {
  const alias = qb.alias;
  const col = (column: string) => `${qb.escape(alias)}.${qb.escape(column)}`;
  let n = 0;
  const param = () => `q${n++}`;

  for (const filter of query.filters) {
    const c = col(filter.column);
    if (filter.operator === 'in') {
      const name = param();
      qb.andWhere(`${c} IN (:...${name})`, { [name]: filter.value as FilterValue[] });
    } else if (filter.operator === 'like') {
      const name = param();
      qb.andWhere(`LOWER(${c}) LIKE :${name} ESCAPE '\\'`, {
        [name]: `%${escapeLike(String(filter.value).toLowerCase())}%`,
      });
    } else if (filter.operator === 'ne' && filter.nullable) {
      const name = param();
      qb.andWhere(`(${c} <> :${name} OR ${c} IS NULL)`, { [name]: filter.value });
    } else {
      const name = param();
      qb.andWhere(`${c} ${SQL_OP[filter.operator]} :${name}`, { [name]: filter.value });
    }
  }

  if (query.search !== undefined && spec.search.length > 0) {
    const name = param();
    const ors = spec.search.map((column) => `LOWER(${col(column)}) LIKE :${name} ESCAPE '\\'`);
    qb.andWhere(`(${ors.join(' OR ')})`, { [name]: `%${escapeLike(query.search.toLowerCase())}%` });
  }

  const { sort } = query;
  const dir = sort.order === 'asc' ? 'ASC' : 'DESC';
  // NULLs sort as the lowest value on both databases (COALESCE to ''), which keeps keyset paging exact
  const sortExpr = sort.nullable ? `COALESCE(${col(sort.column)}, '')` : col(sort.column);
  const idExpr = col('id');

  if (query.mode === 'offset') {
    const total = await qb.getCount();
    qb.orderBy(sortExpr, dir).addOrderBy(idExpr, dir);
    qb.offset((query.page - 1) * query.pageSize).limit(query.pageSize);
    const rows = await qb.getMany();
    return new OffsetPage(
      rows.map((r) => project(toItem(r), query.fields)),
      query.page,
      query.pageSize,
      total,
    );
  }

  if (query.cursor) applyKeyset(qb, query.cursor, sortExpr, idExpr, sort.order, param);
  qb.orderBy(sortExpr, dir).addOrderBy(idExpr, dir);
  qb.limit(query.pageSize + 1);
  const rows = await qb.getMany();
  const hasMore = rows.length > query.pageSize;
  const pageRows = hasMore ? rows.slice(0, query.pageSize) : rows;
  const last = pageRows.at(-1);
  const next =
    hasMore && last
      ? encodeCursor({
          s: sort.field,
          o: sort.order,
          v:
            ((last as unknown as Record<string, unknown>)[sort.property] as FilterValue | null) ??
            (sort.nullable ? '' : null),
          id: (last as unknown as { id: string }).id,
        })
      : null;
  return new CursorPage(
    pageRows.map((r) => project(toItem(r), query.fields)),
    next,
  );
}

function applyKeyset<E extends ObjectLiteral>(
  qb: SelectQueryBuilder<E>,
  cursor: Cursor,
  sortExpr: string,
  idExpr: string,
  order: 'asc' | 'desc',
  param: () => string,
): void {
  const op = order === 'asc' ? '>' : '<';
  const v = param();
  const id = param();
  qb.andWhere(`(${sortExpr} ${op} :${v} OR (${sortExpr} = :${v} AND ${idExpr} ${op} :${id}))`, {
    [v]: cursor.v ?? '',
    [id]: cursor.id,
  });
}

/** `fields=id,name` → only those keys. */
export function project<T>(item: T, fields: string[] | undefined): Partial<T> {
  if (!fields) return item;
  const out: Partial<T> = {};
  for (const f of fields) {
    if (f in (item as object)) out[f as keyof T] = item[f as keyof T];
  }
  return out;
}
