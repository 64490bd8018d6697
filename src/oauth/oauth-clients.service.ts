import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { Clock } from '../common/clock.js';
import { randomSecret, safeEqual, sha256Hex } from '../common/crypto.js';
import { AppException, fieldError } from '../common/errors/app.exception.js';
import { isId, newId } from '../common/ids.js';
import { runListQuery } from '../common/query/apply-list-query.js';
import type { ListQuery, ListSpec } from '../common/query/list-query.js';
import type { Page } from '../common/query/page.js';
import { DatabaseService } from '../database/database.service.js';
import { OAuthClient, type OAuthClientType, type OAuthScope } from './oauth-client.entity.js';
import type { CreateOAuthClientDto } from './oauth-clients.schemas.js';
import { isAcceptableRedirectUri } from './redirect-uri.js';

export interface OAuthClientView {
  id: string;
  clientId: string;
  name: string;
  redirectUris: string[];
  scopes: OAuthScope[];
  type: OAuthClientType;
  createdAt: string;
}

export const OAUTH_CLIENT_LIST: ListSpec = {
  fields: {
    id: { column: 'id', type: 'string' },
    name: { column: 'name', type: 'string' },
    type: { column: 'type', type: 'enum', values: ['confidential', 'public'] },
    createdAt: { column: 'created_at', type: 'date', property: 'createdAt' },
  },
  search: ['name'],
  select: ['id', 'clientId', 'name', 'redirectUris', 'scopes', 'type', 'createdAt'],
};

export function toOAuthClientView(c: OAuthClient): OAuthClientView {
  return {
    id: c.id,
    clientId: c.id,
    name: c.name,
    redirectUris: JSON.parse(c.redirectUris) as string[],
    scopes: c.scopes.split(' ') as OAuthScope[],
    type: c.type,
    createdAt: c.createdAt,
  };
}

/** Registration of third-party applications by admins (`/v1/oauth/clients`), and client lookup for the OAuth endpoints. */
@Injectable()
export class OAuthClientsService {
  constructor(
    @InjectRepository(OAuthClient) private readonly clients: Repository<OAuthClient>,
    private readonly db: DatabaseService,
    private readonly clock: Clock,
  ) {}

  /** The secret (confidential clients) is in this response only; we keep its SHA-256. */
  async create(dto: CreateOAuthClientDto): Promise<OAuthClientView & { clientSecret?: string }> {
    const bad = dto.redirectUris.map((uri, i) => [uri, i] as const).filter(([uri]) => !isAcceptableRedirectUri(uri));
    if (bad.length > 0) {
      throw AppException.validation(bad.map(([, i]) => fieldError(`redirectUris[${i}]`, 'redirect_uri_invalid')));
    }
    const secret = dto.type === 'confidential' ? randomSecret(32) : undefined;
    const client = this.clients.create({
      id: newId('cli'),
      name: dto.name,
      type: dto.type,
      redirectUris: JSON.stringify([...new Set(dto.redirectUris)]),
      scopes: dto.scopes.join(' '),
      secretHash: secret ? sha256Hex(secret) : null,
      createdAt: this.clock.iso(),
    });
    await this.db.transaction((m) => m.insert(OAuthClient, client));
    const { id, clientId, ...rest } = toOAuthClientView(client);
    return { id, clientId, ...(secret && { clientSecret: secret }), ...rest };
  }

  list(query: ListQuery): Promise<Page<Partial<OAuthClientView>>> {
    return runListQuery(this.clients.createQueryBuilder('c'), query, OAUTH_CLIENT_LIST, toOAuthClientView);
  }

  async get(id: string): Promise<OAuthClientView> {
    const client = await this.find(id);
    if (!client) throw AppException.notFound();
    return toOAuthClientView(client);
  }

  /** Deleting a client cascades to its grants: every token it holds stops working at once. */
  async delete(id: string): Promise<void> {
    if (!isId('cli', id)) throw AppException.notFound();
    const result = await this.db.transaction((m) => m.delete(OAuthClient, { id }));
    if (!result.affected) throw AppException.notFound();
  }

  find(id: string | undefined): Promise<OAuthClient | null> {
    return id && isId('cli', id) ? this.clients.findOneBy({ id }) : Promise.resolve(null);
  }

  secretMatches(client: OAuthClient, secret: string): boolean {
    return client.secretHash !== null && safeEqual(client.secretHash, sha256Hex(secret));
  }
}

export function redirectUrisOf(client: OAuthClient): string[] {
  return JSON.parse(client.redirectUris) as string[];
}

export function scopesOf(client: OAuthClient): OAuthScope[] {
  return client.scopes.split(' ') as OAuthScope[];
}
