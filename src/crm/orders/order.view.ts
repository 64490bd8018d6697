import { z } from 'zod';
import { apiSchema } from '../../common/openapi/api-schemas.js';
import type { ListSpec } from '../../common/query/list-query.js';
import { ORDER_STATUSES, type Order } from './order.entity.js';

export const orderViewSchema = apiSchema(
  'Order',
  z.object({
    id: z.string(),
    customerId: z.string(),
    items: z.array(
      z.object({ sku: z.string(), name: z.string(), quantity: z.number().int(), unitPrice: z.number().int() }),
    ),
    amount: z.number().int().describe('integer minor units, computed from the items'),
    currency: z.string(),
    status: z.enum(ORDER_STATUSES),
    paidAt: z.string().nullable(),
    cancelledAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
);
export type OrderView = z.infer<typeof orderViewSchema>;

export function toOrderView(o: Order): OrderView {
  return {
    id: o.id,
    customerId: o.customerId,
    items: o.items,
    amount: o.amount,
    currency: o.currency,
    status: o.status,
    paidAt: o.paidAt,
    cancelledAt: o.cancelledAt,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
  };
}

export const ORDER_LIST: ListSpec = {
  fields: {
    status: { column: 'status', type: 'enum', values: ORDER_STATUSES },
    customerId: { column: 'customer_id', type: 'string', property: 'customerId' },
    amount: { column: 'amount', type: 'integer' },
    currency: { column: 'currency', type: 'string' },
    createdAt: { column: 'created_at', type: 'date', property: 'createdAt' },
    paidAt: { column: 'paid_at', type: 'date', property: 'paidAt', nullable: true },
  },
  search: [],
  select: [
    'id',
    'customerId',
    'items',
    'amount',
    'currency',
    'status',
    'paidAt',
    'cancelledAt',
    'createdAt',
    'updatedAt',
  ],
};
