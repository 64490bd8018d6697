import type { ListSpec } from '../../common/query/list-query.js';
import { CUSTOMER_STATUSES, type Customer, type CustomerStatus } from './customer.entity.js';

export interface CustomerView {
  id: string;
  name: string;
  industry: string | null;
  status: CustomerStatus;
  contact: { name: string | null; phone: string | null; email: string | null };
  tags: string[];
  createdAt: string;
  updatedAt: string;
}

export function toCustomerView(c: Customer): CustomerView {
  return {
    id: c.id,
    name: c.name,
    industry: c.industry,
    status: c.status,
    contact: { name: c.contactName, phone: c.contactPhone, email: c.contactEmail },
    tags: c.tags,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

export const CUSTOMER_LIST: ListSpec = {
  fields: {
    id: { column: 'id', type: 'string' },
    name: { column: 'name', type: 'string' },
    industry: { column: 'industry', type: 'string', nullable: true },
    status: { column: 'status', type: 'enum', values: CUSTOMER_STATUSES },
    createdAt: { column: 'created_at', type: 'date', property: 'createdAt' },
    updatedAt: { column: 'updated_at', type: 'date', property: 'updatedAt' },
  },
  search: ['name', 'industry', 'contact_name', 'contact_phone', 'contact_email'],
  select: ['id', 'name', 'industry', 'status', 'contact', 'tags', 'createdAt', 'updatedAt'],
};
