import { Injectable } from '@nestjs/common';
import { lookup } from 'node:dns/promises';
import { AppException, fieldError } from '../common/errors/app.exception.js';
import type { MessageKey } from '../common/i18n/messages.js';
import { AppConfig } from '../config/app-config.js';
import { ipLiteralOf, isLocalhostName, isPublicAddress } from './network-policy.js';

const LOOKUP_TIMEOUT_MS = 3000;

/**
 * Registration-time check of a webhook URL (40001 `url`): http(s) only, no credentials, and — unless
 * WEBHOOK_ALLOW_PRIVATE_NETWORKS — no address outside the public internet. Host names are resolved and every
 * address must be public; a name that does not resolve (yet) is accepted, since delivery checks the address it
 * actually connects to anyway (which also defeats DNS rebinding).
 */
@Injectable()
export class WebhookUrlPolicy {
  constructor(private readonly config: AppConfig) {}

  async assertAllowed(raw: string): Promise<void> {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw this.refuse('webhook_url_invalid');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw this.refuse('webhook_url_invalid');
    if (url.username || url.password) throw this.refuse('webhook_url_credentials');
    if (this.config.webhookAllowPrivateNetworks) return;

    const literal = ipLiteralOf(url);
    if (literal !== undefined) {
      if (!isPublicAddress(literal)) throw this.refuse('webhook_url_private');
    } else if (isLocalhostName(url.hostname)) {
      throw this.refuse('webhook_url_private');
    } else {
      const addresses = await resolve(url.hostname);
      if (addresses.some((address) => !isPublicAddress(address))) throw this.refuse('webhook_url_private');
    }
  }

  private refuse(key: MessageKey): AppException {
    return AppException.validation([fieldError('url', key)]);
  }
}

async function resolve(hostname: string): Promise<string[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string[]>((done) => {
    timer = setTimeout(() => done([]), LOOKUP_TIMEOUT_MS);
  });
  try {
    const found = lookup(hostname, { all: true, verbatim: true }).then(
      (entries) => entries.map((e) => e.address),
      () => [],
    );
    return await Promise.race([found, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
