import { z } from 'zod';
import { apiSchema } from '../../common/openapi/api-schemas.js';
import type { ListSpec } from '../../common/query/list-query.js';
import { CUSTOMER_STATUSES, type Customer } from './customer.entity.js';

export const customerViewSchema = apiSchema(
  'Customer',
  z.object({
    id: z.string(),
    name: z.string(),
    industry: z.string().nullable(),
    status: z.enum(CUSTOMER_STATUSES),
    contact: z.object({ name: z.string().nullable(), phone: z.string().nullable(), email: z.string().nullable() }),
    tags: z.array(z.string()),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
);
export type CustomerView = z.infer<typeof customerViewSchema>;

export const importReportSchema = apiSchema(
  'CustomerImportReport',
  z.object({
    total: z.number().int(),
    created: z.number().int(),
    failed: z.number().int(),
    ids: z.array(z.string()),
    errors: z.array(
      z.object({ row: z.number().int(), errors: z.array(z.object({ field: z.string(), message: z.string() })) }),
    ),
  }),
);

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
