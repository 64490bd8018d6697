import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { OAuthClient } from './oauth-client.entity.js';
import { OAuthClientsService } from './oauth-clients.service.js';
import { isFormRequest, type Params } from './oauth-http.js';
import { OAuthError } from './oauth.errors.js';

const BASIC = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i;
const BASIC_CHALLENGE = { 'WWW-Authenticate': 'Basic realm="oauth", charset="UTF-8"' };

/**
 * Request parameters and client authentication of the token, revocation and introspection endpoints:
 * `client_secret_basic` or `client_secret_post` (RFC 6749 §2.3.1), `none` (client_id only) for public clients.
 */
@Injectable()
export class ClientAuthentication {
  constructor(private readonly clients: OAuthClientsService) {}

  /** The form body's parameters, each at most once; nothing is accepted in the query string. */
  params(request: FastifyRequest): Record<string, string> {
    const query = request.query as Record<string, unknown> | undefined;
    if (query && Object.keys(query).length > 0) {
      throw new OAuthError('invalid_request', 'parameters must be sent in the request body, not in the query string');
    }
    if (!isFormRequest(request)) {
      throw new OAuthError('invalid_request', 'the request body must be application/x-www-form-urlencoded');
    }
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries((request.body ?? {}) as Params)) {
      if (Array.isArray(value)) throw new OAuthError('invalid_request', `${name} must not be repeated`);
      if (value !== undefined) out[name] = value;
    }
    return out;
  }

  async authenticate(
    request: FastifyRequest,
    params: Record<string, string>,
    options: { allowPublic: boolean },
  ): Promise<OAuthClient> {
    const basic = this.basicCredentials(request.headers.authorization);
    if (basic && params.client_secret !== undefined) {
      throw new OAuthError(
        'invalid_request',
        'client credentials must be sent either with HTTP Basic or in the body, not both',
      );
    }
    if (basic && params.client_id !== undefined && params.client_id !== basic.id) {
      throw new OAuthError('invalid_request', 'client_id in the body differs from the one in the Authorization header');
    }
    const fail = (description: string) => new OAuthError('invalid_client', description, basic ? BASIC_CHALLENGE : {});
    const clientId = basic?.id ?? params.client_id;
    const secret = basic?.secret ?? params.client_secret;
    if (!clientId) throw fail('client authentication is required');
    const client = await this.clients.find(clientId);
    if (!client) throw fail('client authentication failed');
    if (client.type === 'public') {
      if (!options.allowPublic) throw fail('public clients cannot authenticate to this endpoint');
      if (secret) throw fail('public clients have no client secret');
      return client;
    }
    if (!secret || !this.clients.secretMatches(client, secret)) throw fail('client authentication failed');
    return client;
  }

  private basicCredentials(header: string | undefined): { id: string; secret: string } | undefined {
    if (header === undefined) return undefined;
    const match = BASIC.exec(header);
    const decoded = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
    const colon = decoded.indexOf(':');
    if (!match || colon < 0) {
      throw new OAuthError('invalid_client', 'unsupported Authorization header: use HTTP Basic', BASIC_CHALLENGE);
    }
    try {
      // RFC 6749 §2.3.1: both parts are form-urlencoded before being joined
      return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
    } catch {
      throw new OAuthError('invalid_client', 'malformed HTTP Basic credentials', BASIC_CHALLENGE);
    }
  }
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}
