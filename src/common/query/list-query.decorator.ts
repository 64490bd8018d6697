import { applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { type FieldType, type ListSpec, type Operator, OPERATORS_BY_TYPE, parseListQuery } from './list-query.js';

const parse = createParamDecorator((spec: ListSpec, ctx: ExecutionContext) => {
  const request = ctx.switchToHttp().getRequest<FastifyRequest>();
  return parseListQuery((request.query ?? {}) as Record<string, unknown>, spec);
});

/** The list grammar of SPEC §3 for this resource, parsed and validated (40001/40002), and documented. */
export function ListQueryParam(spec: ListSpec): ParameterDecorator {
  return (target, key, index) => {
    parse(spec)(target, key, index);
    if (key === undefined) return;
    const descriptor = Object.getOwnPropertyDescriptor(target, key)!;
    const filterable = Object.entries(spec.fields)
      .filter(([, f]) => f.filter !== false)
      .map(([name, f]) => `${name} (${f.type}${f.values ? `: ${f.values.join('|')}` : ''})`);
    const sortable = Object.entries(spec.fields)
      .filter(([, f]) => f.sort !== false)
      .map(([name]) => name);
    applyDecorators(
      ApiQuery({ name: 'page', required: false, schema: { type: 'integer', minimum: 1, default: 1 } }),
      ApiQuery({
        name: 'pageSize',
        required: false,
        schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
      }),
      ApiQuery({
        name: 'limit',
        required: false,
        description: 'cursor pagination page size',
        schema: { type: 'integer', minimum: 1, maximum: 100 },
      }),
      ApiQuery({
        name: 'cursor',
        required: false,
        description: 'opaque cursor from `cursor.next`',
        schema: { type: 'string' },
      }),
      ApiQuery({
        name: 'sort',
        required: false,
        schema: { type: 'string', enum: sortable, default: spec.defaultSort ?? 'createdAt' },
      }),
      ApiQuery({ name: 'order', required: false, schema: { type: 'string', enum: ['asc', 'desc'], default: 'desc' } }),
      ApiQuery({
        name: 'fields',
        required: false,
        description: `comma-separated subset of: ${spec.select.join(', ')}`,
        schema: { type: 'string' },
      }),
      ...(spec.search.length > 0
        ? [
            ApiQuery({
              name: 'search',
              required: false,
              description: 'case-insensitive substring',
              schema: { type: 'string' },
            }),
          ]
        : []),
      ApiQuery({
        name: 'filters',
        required: false,
        description: `field=v, field[ne|gt|gte|lt|lte|in|like]=v on: ${filterable.join(', ')}`,
        schema: filtersSchema(spec) as never,
        style: 'form',
        explode: true,
      }),
    )(target, key, descriptor);
  };
}

const FIELD_SCHEMAS: Record<FieldType, Record<string, unknown>> = {
  string: { type: 'string' },
  enum: { type: 'string' },
  integer: { type: 'integer' },
  date: { type: 'string', format: 'date-time' },
  boolean: { type: 'boolean' },
};

/**
 * The filterable fields as the properties of the `filters` object (`status=active`), and the operators each one
 * takes in `x-operators` (`createdAt[gt]=…`), so that generated clients (the SDKs) can type filters.
 */
function filtersSchema(spec: ListSpec): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  const operators: Record<string, readonly Operator[]> = {};
  for (const [name, field] of Object.entries(spec.fields)) {
    if (field.filter === false) continue;
    properties[name] = { ...FIELD_SCHEMAS[field.type], ...(field.values ? { enum: [...field.values] } : {}) };
    operators[name] = [...OPERATORS_BY_TYPE[field.type]];
  }
  return { type: 'object', properties, additionalProperties: { type: 'string' }, 'x-operators': operators };
}
