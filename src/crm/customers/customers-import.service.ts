import { Injectable } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import { AppException, type FieldError, fieldError } from '../../common/errors/app.exception.js';
import { issuesToFieldErrors } from '../../common/validation/zod-validation.js';
import { CustomersService } from './customers.service.js';
import { createCustomerSchema, type CreateCustomerDto } from './customers.schemas.js';

export const MAX_IMPORT_ROWS = 10_000;
export const MAX_IMPORT_BYTES = 5 * 1024 * 1024;
const CHUNK = 500;

/** CSV header → body field. Both `contact_name` and `contact.name` spellings are accepted. */
const COLUMNS: Record<string, string> = {
  name: 'name',
  industry: 'industry',
  status: 'status',
  tags: 'tags',
  contact_name: 'contact.name',
  'contact.name': 'contact.name',
  contact_phone: 'contact.phone',
  'contact.phone': 'contact.phone',
  contact_email: 'contact.email',
  'contact.email': 'contact.email',
};

export interface ImportRowError {
  /** line in the file (the header is line 1) */
  row: number;
  errors: FieldError[];
}

export interface ImportReport {
  total: number;
  created: number;
  failed: number;
  ids: string[];
  errors: ImportRowError[];
}

/**
 * Imports customers from CSV: every row is validated like a POST body; good rows are created, bad rows
 * are reported with their line number and field errors. Unknown columns reject the whole file, so that no
 * column is silently dropped.
 */
@Injectable()
export class CustomersImportService {
  constructor(private readonly customers: CustomersService) {}

  async import(csv: Buffer): Promise<ImportReport> {
    let records: string[][];
    try {
      records = parse(csv, { bom: true, skip_empty_lines: true, relax_column_count: false, trim: true }) as string[][];
    } catch (err) {
      const reason = err instanceof Error ? err.message.slice(0, 200) : 'unknown';
      throw AppException.validation([fieldError('file', 'csv_unreadable', { reason })]);
    }
    const [header, ...rows] = records;
    if (!header) throw AppException.validation([fieldError('file', 'csv_missing_column', { column: 'name' })]);
    const keys = header.map((h) => h.toLowerCase());
    const unknown = keys.filter((k) => !(k in COLUMNS));
    if (unknown.length > 0)
      throw AppException.validation([fieldError('file', 'csv_unknown_columns', { columns: unknown.join(', ') })]);
    if (!keys.includes('name'))
      throw AppException.validation([fieldError('file', 'csv_missing_column', { column: 'name' })]);
    if (rows.length > MAX_IMPORT_ROWS)
      throw AppException.validation([fieldError('file', 'csv_too_many_rows', { max: MAX_IMPORT_ROWS })]);

    const errors: ImportRowError[] = [];
    const good: CreateCustomerDto[] = [];
    rows.forEach((cells, index) => {
      const result = createCustomerSchema.safeParse(toBody(keys, cells), { reportInput: true });
      if (result.success) good.push(result.data);
      else errors.push({ row: index + 2, errors: issuesToFieldErrors(result.error.issues) });
    });

    const ids: string[] = [];
    for (let i = 0; i < good.length; i += CHUNK) {
      const created = await this.customers.createMany(good.slice(i, i + CHUNK));
      ids.push(...created.map((c) => c.id));
    }
    return { total: rows.length, created: ids.length, failed: errors.length, ids, errors };
  }
}

function toBody(keys: string[], cells: string[]): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const contact: Record<string, string> = {};
  keys.forEach((key, i) => {
    const value = cells[i] ?? '';
    if (value === '') return; // empty cell = field not given
    const field = COLUMNS[key]!;
    if (field.startsWith('contact.')) contact[field.slice('contact.'.length)] = value;
    else if (field === 'tags')
      body.tags = value
        .split(/[;|]/)
        .map((t) => t.trim())
        .filter(Boolean);
    else body[field] = value;
  });
  if (Object.keys(contact).length > 0) body.contact = contact;
  return body;
}
