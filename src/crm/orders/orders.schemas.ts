import { z } from 'zod';

const itemSchema = z.strictObject({
  sku: z.string().trim().min(1).max(64),
  name: z.string().trim().min(1).max(200),
  quantity: z.number().int().min(1).max(1_000_000),
  /** integer minor units (fen, cents) */
  unitPrice: z.number().int().min(0).max(1_000_000_000_000),
});

const currency = z.string().regex(/^[A-Z]{3}$/);

export const createOrderSchema = z.strictObject({
  customerId: z.string().min(1).max(64),
  items: z.array(itemSchema).min(1).max(100),
  currency: currency.default('CNY'),
});
export type CreateOrderDto = z.output<typeof createOrderSchema>;

/** Only an order that is still `created` can be changed. */
export const patchOrderSchema = z.strictObject({
  customerId: z.string().min(1).max(64).optional(),
  items: z.array(itemSchema).min(1).max(100).optional(),
  currency: currency.optional(),
});
export type PatchOrderDto = z.output<typeof patchOrderSchema>;
