import { Column, Entity, PrimaryColumn } from 'typeorm';

export const ORDER_STATUSES = ['created', 'paid', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface OrderItem {
  sku: string;
  name: string;
  quantity: number;
  /** integer minor units (fen, cents) */
  unitPrice: number;
}

/** pg returns BIGINT as a string; amounts are kept below 2^53 by validation */
const bigintAsNumber = { to: (v: number) => v, from: (v: string | number) => Number(v) };

@Entity('orders')
export class Order {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id!: string;

  @Column({ name: 'customer_id', type: 'varchar', length: 64 })
  customerId!: string;

  @Column({ type: 'simple-json' })
  items!: OrderItem[];

  @Column({ type: 'bigint', transformer: bigintAsNumber })
  amount!: number;

  @Column({ type: 'varchar', length: 3 })
  currency!: string;

  @Column({ type: 'varchar', length: 10 })
  status!: OrderStatus;

  @Column({ name: 'paid_at', type: 'varchar', length: 24, nullable: true })
  paidAt!: string | null;

  @Column({ name: 'cancelled_at', type: 'varchar', length: 24, nullable: true })
  cancelledAt!: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 24 })
  createdAt!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 24 })
  updatedAt!: string;
}
