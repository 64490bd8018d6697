import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { z } from 'zod';
import { apiSchema } from '../common/openapi/api-schemas.js';
import { Clock } from '../common/clock.js';
import { AppException, fieldError } from '../common/errors/app.exception.js';
import { isId, newId } from '../common/ids.js';
import { runListQuery } from '../common/query/apply-list-query.js';
import type { ListQuery, ListSpec } from '../common/query/list-query.js';
import type { Page } from '../common/query/page.js';
import { DatabaseService, isUniqueViolation } from '../database/database.service.js';
import { PasswordHasher } from './password-hasher.js';
import { User } from './user.entity.js';
import type { CreateUserDto, UpdateUserDto } from './users.schemas.js';

export const userViewSchema = apiSchema(
  'User',
  z.object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(['admin', 'member']),
    createdAt: z.string(),
    updatedAt: z.string(),
  }),
);
export type UserView = z.infer<typeof userViewSchema>;

export const USER_LIST: ListSpec = {
  fields: {
    id: { column: 'id', type: 'string' },
    email: { column: 'email', type: 'string' },
    name: { column: 'name', type: 'string' },
    role: { column: 'role', type: 'enum', values: ['admin', 'member'] },
    createdAt: { column: 'created_at', type: 'date', property: 'createdAt' },
    updatedAt: { column: 'updated_at', type: 'date', property: 'updatedAt' },
  },
  search: ['name', 'email'],
  select: ['id', 'email', 'name', 'role', 'createdAt', 'updatedAt'],
};

export function toUserView(u: User): UserView {
  return { id: u.id, email: u.email, name: u.name, role: u.role, createdAt: u.createdAt, updatedAt: u.updatedAt };
}

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly db: DatabaseService,
    private readonly hasher: PasswordHasher,
    private readonly clock: Clock,
  ) {}

  async create(dto: CreateUserDto): Promise<UserView> {
    const now = this.clock.iso();
    const user = this.users.create({
      id: newId('usr'),
      email: dto.email,
      name: dto.name,
      role: dto.role,
      passwordHash: await this.hasher.hash(dto.password),
      createdAt: now,
      updatedAt: now,
    });
    await this.db.transaction((m) => this.insert(m, user));
    return toUserView(user);
  }

  /** Inserts, turning a duplicate email into 40901. */
  async insert(m: EntityManager, user: User): Promise<void> {
    try {
      await m.insert(User, user);
    } catch (err) {
      if (isUniqueViolation(err)) throw AppException.conflict([fieldError('email', 'email_taken')]);
      throw err;
    }
  }

  list(query: ListQuery): Promise<Page<Partial<UserView>>> {
    return runListQuery(this.users.createQueryBuilder('u'), query, USER_LIST, toUserView);
  }

  async get(id: string): Promise<UserView> {
    return toUserView(await this.find(id));
  }

  async update(id: string, dto: UpdateUserDto): Promise<UserView> {
    const passwordHash = dto.password ? await this.hasher.hash(dto.password) : undefined;
    return this.db.transaction(async (m) => {
      const user = await this.find(id, m);
      if (dto.role === 'member' && user.role === 'admin') await this.assertNotLastAdmin(m);
      Object.assign(user, {
        ...(dto.email !== undefined && { email: dto.email }),
        ...(dto.name !== undefined && { name: dto.name }),
        ...(dto.role !== undefined && { role: dto.role }),
        ...(passwordHash && { passwordHash }),
        updatedAt: this.clock.iso(),
      });
      try {
        await m.save(User, user);
      } catch (err) {
        if (isUniqueViolation(err)) throw AppException.conflict([fieldError('email', 'email_taken')]);
        throw err;
      }
      return toUserView(user);
    });
  }

  /** Deletes the user and (by cascade) every API key of theirs. */
  async delete(id: string, actingUserId: string): Promise<void> {
    if (id === actingUserId) throw AppException.businessRule('cannot_delete_self');
    await this.db.transaction(async (m) => {
      const user = await this.find(id, m);
      if (user.role === 'admin') await this.assertNotLastAdmin(m);
      await m.delete(User, { id });
    });
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users.findOneBy({ email: email.toLowerCase() });
  }

  private async assertNotLastAdmin(m: EntityManager): Promise<void> {
    const admins = await m.countBy(User, { role: 'admin' });
    if (admins <= 1) throw AppException.businessRule('last_admin');
  }

  private async find(id: string, m: EntityManager = this.users.manager): Promise<User> {
    const user = isId('usr', id) ? await m.findOneBy(User, { id }) : null;
    if (!user) throw AppException.notFound();
    return user;
  }
}
