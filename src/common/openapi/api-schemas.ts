import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { z } from 'zod';

/**
 * Named response schemas. Each resource declares its representation once, as a zod schema; the TypeScript
 * type of the view is inferred from it (so mapping code cannot drift from the document), and the OpenAPI
 * document publishes it under components.schemas — which the SDK's types are checked against.
 */
const registry = new Map<string, z.ZodType>();

export function apiSchema<T extends z.ZodType>(name: string, schema: T): T {
  registry.set(name, schema);
  return schema;
}

export const errorSchema = apiSchema(
  'Error',
  z.object({
    code: z.number().int().describe('business error code, e.g. 40001'),
    message: z.string(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
    retryAfter: z.number().int().optional().describe('seconds, on 429'),
    data: z.unknown().optional().describe('on 50401: the command that got no reply in time'),
    requestId: z.string(),
  }),
);

export function componentSchemas(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, schema] of registry) {
    out[name] = z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'output', unrepresentable: 'any' });
  }
  return out;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const success = (data: unknown) => ({
  type: 'object',
  required: ['code', 'message', 'data'],
  properties: { code: { type: 'integer', enum: [0] }, message: { type: 'string', enum: ['success'] }, data },
});

export interface ApiDataOptions {
  status?: number;
  /** a list endpoint: offset page by default, cursor page when `limit`/`cursor` is used */
  list?: boolean;
  /** `data: {items: [...]}` without pagination (batch results) */
  items?: boolean;
  description?: string;
}

/** Documents the success envelope of a route: `{code: 0, message: "success", data: <schema>}`. */
export function ApiData(name: string, options: ApiDataOptions = {}): MethodDecorator {
  const status = options.status ?? 200;
  let schema: unknown;
  if (options.list) {
    const offset = success({
      type: 'object',
      required: ['items', 'pagination'],
      properties: {
        items: { type: 'array', items: ref(name) },
        pagination: {
          type: 'object',
          required: ['page', 'pageSize', 'total', 'totalPages'],
          properties: {
            page: { type: 'integer' },
            pageSize: { type: 'integer' },
            total: { type: 'integer' },
            totalPages: { type: 'integer' },
          },
        },
      },
    });
    const cursor = success({
      type: 'object',
      required: ['items'],
      properties: { items: { type: 'array', items: ref(name) } },
    });
    (cursor.properties as Record<string, unknown>).cursor = {
      type: 'object',
      required: ['next', 'hasMore'],
      properties: { next: { type: 'string', nullable: true }, hasMore: { type: 'boolean' } },
    };
    (cursor.required as string[]).push('cursor');
    schema = { oneOf: [offset, cursor] };
  } else if (options.items) {
    schema = success({
      type: 'object',
      required: ['items'],
      properties: { items: { type: 'array', items: ref(name) } },
    });
  } else {
    schema = success(ref(name));
  }
  return applyDecorators(
    ApiResponse({ status, description: options.description ?? 'success', schema: schema as never }),
  );
}

/** Every error response shares one body; added to each /v1 operation of the document. */
export const ERROR_RESPONSES: Record<string, string> = {
  '400': 'validation failed (40001) or wrong parameter type (40002)',
  '401': 'token invalid or missing (40101), expired (40102)',
  '403': 'no permission (40301), access restricted (40302)',
  '404': 'not found (40401)',
  '429': 'too many requests (42901)',
  '500': 'internal error (50001)',
};
