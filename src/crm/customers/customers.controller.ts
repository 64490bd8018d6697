import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor, type UploadedMultipartFile } from '@nestjs/platform-fastify/multipart';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { AppException, fieldError } from '../../common/errors/app.exception.js';
import { Lang } from '../../common/i18n/lang.decorator.js';
import type { Language } from '../../common/i18n/messages.js';
import { ListQueryParam } from '../../common/query/list-query.decorator.js';
import type { ListQuery } from '../../common/query/list-query.js';
import { ValidBody } from '../../common/validation/zod.pipe.js';
import { CUSTOMER_LIST } from './customer.view.js';
import { CustomersImportService, MAX_IMPORT_BYTES } from './customers-import.service.js';
import { CustomersService } from './customers.service.js';
import { ApiData } from '../../common/openapi/api-schemas.js';
import {
  batchCustomersSchema,
  createCustomerSchema,
  type CreateCustomerDto,
  patchCustomerSchema,
  type PatchCustomerDto,
} from './customers.schemas.js';

@ApiTags('customers')
@ApiBearerAuth()
@Controller('v1/customers')
export class CustomersController {
  constructor(
    private readonly customers: CustomersService,
    private readonly importer: CustomersImportService,
  ) {}

  @ApiData('Customer', { list: true })
  @Get()
  list(@ListQueryParam(CUSTOMER_LIST) query: ListQuery) {
    return this.customers.list(query);
  }

  @ApiData('Customer', { status: 201 })
  @Post()
  create(@ValidBody(createCustomerSchema) dto: CreateCustomerDto) {
    return this.customers.create(dto);
  }

  @ApiData('Customer', { status: 201, items: true })
  /** All or nothing, ≤ 100 items; rate category "batch". */
  @Post('batch')
  async batch(@ValidBody(batchCustomersSchema) body: { items: unknown[] }) {
    return { items: await this.customers.batchCreate(body.items) };
  }

  @ApiData('CustomerImportReport')
  /** multipart/form-data with a CSV in the field `file`; rate category "upload". */
  @Post('import')
  @HttpCode(200)
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] },
  })
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 0 } }))
  async import(@UploadedFile() file: UploadedMultipartFile | undefined, @Lang() lang: Language) {
    if (!file?.buffer) throw AppException.validation([fieldError('file', 'csv_file_required')]);
    const report = await this.importer.import(file.buffer);
    return {
      ...report,
      errors: report.errors.map((e) => ({
        row: e.row,
        errors: e.errors.map((f) => ({ field: f.field, message: f.message(lang) })),
      })),
    };
  }

  @ApiData('Customer')
  @Get(':id')
  get(@Param('id') id: string) {
    return this.customers.get(id);
  }

  @ApiData('Customer')
  @Put(':id')
  replace(@Param('id') id: string, @ValidBody(createCustomerSchema) dto: CreateCustomerDto) {
    return this.customers.replace(id, dto);
  }

  @ApiData('Customer')
  @Patch(':id')
  patch(@Param('id') id: string, @ValidBody(patchCustomerSchema) dto: PatchCustomerDto) {
    return this.customers.patch(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  async delete(@Param('id') id: string): Promise<void> {
    await this.customers.delete(id);
  }
}
