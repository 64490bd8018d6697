import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { Clock } from '../../common/clock.js';
import { AppException } from '../../common/errors/app.exception.js';
import { isId, newId } from '../../common/ids.js';
import { runListQuery } from '../../common/query/apply-list-query.js';
import type { ListQuery } from '../../common/query/list-query.js';
import type { Page } from '../../common/query/page.js';
import { issuesToFieldErrors } from '../../common/validation/zod-validation.js';
import { DatabaseService } from '../../database/database.service.js';
import { EventsService } from '../../events/events.service.js';
import { Order } from '../orders/order.entity.js';
import { Customer } from './customer.entity.js';
import { CUSTOMER_LIST, type CustomerView, toCustomerView } from './customer.view.js';
import { createCustomerSchema, type CreateCustomerDto, type PatchCustomerDto } from './customers.schemas.js';

@Injectable()
export class CustomersService {
  constructor(
    @InjectRepository(Customer) private readonly customers: Repository<Customer>,
    private readonly db: DatabaseService,
    private readonly events: EventsService,
    private readonly clock: Clock,
  ) {}

  list(query: ListQuery): Promise<Page<Partial<CustomerView>>> {
    return runListQuery(this.customers.createQueryBuilder('c'), query, CUSTOMER_LIST, toCustomerView);
  }

  async get(id: string): Promise<CustomerView> {
    return toCustomerView(await this.find(this.customers.manager, id));
  }

  async create(dto: CreateCustomerDto): Promise<CustomerView> {
    const [view] = await this.createMany([dto]);
    return view!;
  }

  /** Creates all or nothing, one transaction, one `customer.created` event each. */
  createMany(dtos: CreateCustomerDto[]): Promise<CustomerView[]> {
    return this.db.transaction(async (m) => {
      const views: CustomerView[] = [];
      for (const dto of dtos) {
        const now = this.clock.iso();
        const customer = m.create(Customer, {
          id: newId('cust'),
          ...this.columns(dto),
          createdAt: now,
          updatedAt: now,
        });
        await m.insert(Customer, customer);
        const view = toCustomerView(customer);
        await this.events.record(m, 'customer.created', { customer: view });
        views.push(view);
      }
      return views;
    });
  }

  /**
   * Batch create (≤ 100): every item is validated first; one bad item fails the whole batch with
   * errors named `items[i].field`, and nothing is created.
   */
  async batchCreate(items: unknown[]): Promise<CustomerView[]> {
    const dtos: CreateCustomerDto[] = [];
    const errors = items.flatMap((item, index) => {
      const result = createCustomerSchema.safeParse(item ?? {}, { reportInput: true });
      if (result.success) dtos.push(result.data);
      return result.success ? [] : issuesToFieldErrors(result.error.issues, ['items', index]);
    });
    if (errors.length > 0) throw AppException.validation(errors);
    return this.createMany(dtos);
  }

  /** PUT: the body is the whole customer. */
  replace(id: string, dto: CreateCustomerDto): Promise<CustomerView> {
    return this.mutate(id, () => this.columns(dto));
  }

  patch(id: string, dto: PatchCustomerDto): Promise<CustomerView> {
    return this.mutate(id, (c) => ({
      ...(dto.name !== undefined && { name: dto.name }),
      ...(dto.industry !== undefined && { industry: dto.industry }),
      ...(dto.status !== undefined && { status: dto.status }),
      ...(dto.tags !== undefined && { tags: dto.tags }),
      ...(dto.contact === null && { contactName: null, contactPhone: null, contactEmail: null }),
      ...(dto.contact && {
        contactName: dto.contact.name !== undefined ? dto.contact.name : c.contactName,
        contactPhone: dto.contact.phone !== undefined ? dto.contact.phone : c.contactPhone,
        contactEmail: dto.contact.email !== undefined ? dto.contact.email : c.contactEmail,
      }),
    }));
  }

  async delete(id: string): Promise<void> {
    await this.db.transaction(async (m) => {
      const customer = await this.find(m, id);
      if (await m.existsBy(Order, { customerId: id })) throw AppException.businessRule('customer_has_orders');
      await m.delete(Customer, { id });
      await this.events.record(m, 'customer.deleted', { customer: toCustomerView(customer) });
    });
  }

  private mutate(id: string, change: (current: Customer) => Partial<Customer>): Promise<CustomerView> {
    return this.db.transaction(async (m) => {
      const customer = await this.find(m, id);
      Object.assign(customer, change(customer), { updatedAt: this.clock.iso() });
      await m.save(Customer, customer);
      const view = toCustomerView(customer);
      await this.events.record(m, 'customer.updated', { customer: view });
      return view;
    });
  }

  private columns(dto: CreateCustomerDto): Omit<Customer, 'id' | 'createdAt' | 'updatedAt'> {
    return {
      name: dto.name,
      industry: dto.industry ?? null,
      status: dto.status,
      contactName: dto.contact?.name ?? null,
      contactPhone: dto.contact?.phone ?? null,
      contactEmail: dto.contact?.email ?? null,
      tags: dto.tags,
    };
  }

  private async find(m: EntityManager, id: string): Promise<Customer> {
    const customer = isId('cust', id) ? await m.findOneBy(Customer, { id }) : null;
    if (!customer) throw AppException.notFound();
    return customer;
  }
}
