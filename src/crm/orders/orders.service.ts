import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { Clock } from '../../common/clock.js';
import { AppException, fieldError } from '../../common/errors/app.exception.js';
import { isId, newId } from '../../common/ids.js';
import { runListQuery } from '../../common/query/apply-list-query.js';
import type { ListQuery } from '../../common/query/list-query.js';
import type { Page } from '../../common/query/page.js';
import { DatabaseService } from '../../database/database.service.js';
import { EventsService } from '../../events/events.service.js';
import { Customer } from '../customers/customer.entity.js';
import { Order, type OrderItem, type OrderStatus } from './order.entity.js';
import { ORDER_LIST, type OrderView, toOrderView } from './order.view.js';
import type { CreateOrderDto, PatchOrderDto } from './orders.schemas.js';

/** The amount is always computed here from the items, never taken from the client. */
export function amountOf(items: OrderItem[]): number {
  const amount = items.reduce((sum, i) => sum + i.quantity * i.unitPrice, 0);
  if (!Number.isSafeInteger(amount)) throw AppException.businessRule('order_amount_too_large');
  return amount;
}

@Injectable()
export class OrdersService {
  constructor(
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    private readonly db: DatabaseService,
    private readonly events: EventsService,
    private readonly clock: Clock,
  ) {}

  list(query: ListQuery): Promise<Page<Partial<OrderView>>> {
    return runListQuery(this.orders.createQueryBuilder('o'), query, ORDER_LIST, toOrderView);
  }

  async get(id: string): Promise<OrderView> {
    return toOrderView(await this.find(this.orders.manager, id));
  }

  create(dto: CreateOrderDto): Promise<OrderView> {
    const amount = amountOf(dto.items);
    return this.db.transaction(async (m) => {
      await this.assertCustomer(m, dto.customerId);
      const now = this.clock.iso();
      const order = m.create(Order, {
        id: newId('ord'),
        customerId: dto.customerId,
        items: dto.items,
        amount,
        currency: dto.currency,
        status: 'created',
        paidAt: null,
        cancelledAt: null,
        createdAt: now,
        updatedAt: now,
      });
      await m.insert(Order, order);
      const view = toOrderView(order);
      await this.events.record(m, 'order.created', { order: view });
      return view;
    });
  }

  patch(id: string, dto: PatchOrderDto): Promise<OrderView> {
    const amount = dto.items ? amountOf(dto.items) : undefined;
    return this.db.transaction(async (m) => {
      const order = await this.find(m, id);
      if (order.status !== 'created') throw AppException.businessRule('order_not_modifiable', { status: order.status });
      if (dto.customerId !== undefined) await this.assertCustomer(m, dto.customerId);
      const changes: Partial<Order> = {
        ...(dto.customerId !== undefined && { customerId: dto.customerId }),
        ...(dto.items !== undefined && { items: dto.items, amount: amount! }),
        ...(dto.currency !== undefined && { currency: dto.currency }),
        updatedAt: this.clock.iso(),
      };
      await this.transition(m, order, 'created', changes);
      return toOrderView(Object.assign(order, changes));
    });
  }

  pay(id: string): Promise<OrderView> {
    return this.db.transaction(async (m) => {
      const order = await this.find(m, id);
      const now = this.clock.iso();
      const changes: Partial<Order> = { status: 'paid', paidAt: now, updatedAt: now };
      await this.transition(m, order, 'created', changes);
      const view = toOrderView(Object.assign(order, changes));
      await this.events.record(m, 'order.paid', { order: view });
      return view;
    });
  }

  cancel(id: string): Promise<OrderView> {
    return this.db.transaction(async (m) => {
      const order = await this.find(m, id);
      const now = this.clock.iso();
      const changes: Partial<Order> = { status: 'cancelled', cancelledAt: now, updatedAt: now };
      await this.transition(m, order, 'created', changes);
      const view = toOrderView(Object.assign(order, changes));
      await this.events.record(m, 'order.cancelled', { order: view });
      return view;
    });
  }

  async delete(id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const order = await this.find(m, id);
      if (order.status === 'paid') throw AppException.businessRule('order_paid_cannot_delete');
      const result = await m.delete(Order, { id, status: order.status });
      if (!result.affected) throw AppException.businessRule('order_paid_cannot_delete');
    });
  }

  /**
   * Applies `changes` only if the order is still in `from` (a conditional UPDATE, so that two concurrent
   * payments cannot both succeed on PostgreSQL); otherwise explains, from the current state, why not.
   */
  private async transition(m: EntityManager, order: Order, from: OrderStatus, changes: Partial<Order>): Promise<void> {
    const result =
      order.status === from ? await m.update(Order, { id: order.id, status: from }, changes) : { affected: 0 };
    if (result.affected) return;
    const current = (await m.findOneBy(Order, { id: order.id })) ?? order;
    if (current.status === 'paid') throw AppException.businessRule('order_already_paid');
    if (current.status === 'cancelled') throw AppException.businessRule('order_cancelled');
    throw AppException.businessRule('order_not_modifiable', { status: current.status });
  }

  private async assertCustomer(m: EntityManager, customerId: string): Promise<void> {
    const exists = isId('cust', customerId) && (await m.existsBy(Customer, { id: customerId }));
    if (!exists)
      throw AppException.businessRule('customer_not_found', undefined, [
        fieldError('customerId', 'customer_not_found'),
      ]);
  }

  private async find(m: EntityManager, id: string): Promise<Order> {
    const order = isId('ord', id) ? await m.findOneBy(Order, { id }) : null;
    if (!order) throw AppException.notFound();
    return order;
  }
}
