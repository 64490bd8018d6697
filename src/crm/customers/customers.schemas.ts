import { z } from 'zod';
import { CUSTOMER_STATUSES } from './customer.entity.js';

const text = (max: number) => z.string().trim().min(1).max(max);
const phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9][0-9 ()-]{2,30}$/);
const email = z.email().max(254);

const contactSchema = z.strictObject({
  name: text(100).optional(),
  phone: phone.optional(),
  email: email.optional(),
});

const tagsSchema = z
  .array(text(50))
  .max(20)
  .transform((tags) => [...new Set(tags)]);

/** POST and PUT (PUT replaces the whole customer: omitted optional fields are cleared). */
export const createCustomerSchema = z.strictObject({
  name: text(200),
  industry: text(100).optional(),
  status: z.enum(CUSTOMER_STATUSES).default('active'),
  contact: contactSchema.optional(),
  tags: tagsSchema.default([]),
});
export type CreateCustomerDto = z.output<typeof createCustomerSchema>;

/** PATCH: only the fields present change; `null` clears a nullable field; `contact` is merged field by field. */
export const patchCustomerSchema = z.strictObject({
  name: text(200).optional(),
  industry: text(100).nullable().optional(),
  status: z.enum(CUSTOMER_STATUSES).optional(),
  contact: z
    .strictObject({
      name: text(100).nullable().optional(),
      phone: phone.nullable().optional(),
      email: email.nullable().optional(),
    })
    .nullable()
    .optional(),
  tags: tagsSchema.optional(),
});
export type PatchCustomerDto = z.output<typeof patchCustomerSchema>;

export const MAX_BATCH = 100;
export const batchCustomersSchema = z.strictObject({
  items: z.array(z.unknown()).min(1).max(MAX_BATCH),
});
