import type { ListSpec } from '../../common/query/list-query.js';
import { ORDER_STATUSES, type Order, type OrderItem, type OrderStatus } from './order.entity.js';

export interface OrderView {
  id: string;
  customerId: string;
  items: OrderItem[];
  amount: number;
  currency: string;
  status: OrderStatus;
  paidAt: string | null;
  cancelledAt: string | null;
  createdAt: string;
  updatedAt: string;
}

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
