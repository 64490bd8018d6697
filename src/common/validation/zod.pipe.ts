import { Body, type PipeTransform, Query } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';
import { z } from 'zod';
import { validate } from './zod-validation.js';

export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.output<S>> {
  constructor(private readonly schema: S) {}

  transform(value: unknown): z.output<S> {
    return validate(this.schema, value);
  }
}

/** JSON Schema (OpenAPI 3.0 dialect) of what a client may send. */
export function openApiSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  return z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as Record<string, unknown>;
}

/** `@ValidBody(schema)`: the request body, validated by `schema` (unknown fields → 40001), and documented in OpenAPI. */
export function ValidBody(schema: z.ZodType): ParameterDecorator {
  return (target, key, index) => {
    Body(new ZodPipe(schema))(target, key, index);
    if (key !== undefined) {
      const descriptor = Object.getOwnPropertyDescriptor(target, key)!;
      ApiBody({ schema: openApiSchema(schema) as never })(target, key, descriptor);
    }
  };
}

/** `@ValidQuery(schema)` for endpoints whose query is not the list grammar (e.g. `?wait=true`). */
export function ValidQuery(schema: z.ZodType): ParameterDecorator {
  return Query(new ZodPipe(schema));
}

/** For action routes (`…/pay`, `…/cancel`): no body, or `{}`; any field sent is refused rather than ignored. */
export const emptyBodySchema = z.strictObject({}).optional();
