import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { AppConfig } from '../config/app-config.js';

/** The key that signs new access tokens; in DATA_DIR unless OAUTH_SIGNING_KEY is set. */
export const SIGNING_KEY_FILE = 'oauth-signing-key.pem';
/** A retired key, still published and accepted until the tokens it signed have expired (rotation). */
export const PREVIOUS_SIGNING_KEY_FILE = 'oauth-signing-key.previous.pem';

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  jwk: JWK;
}

const generateRsa = promisify(generateKeyPair);

/**
 * RS256 keys of the authorization server. The current key signs; the current and the previous key verify
 * and are published in the JWKS, each under `kid` = its RFC 7638 thumbprint, so a rotation never breaks
 * tokens in flight. Several gateway instances must share the key: give them OAUTH_SIGNING_KEY or one DATA_DIR.
 */
@Injectable()
export class SigningKeys implements OnModuleInit {
  private readonly logger = new Logger(SigningKeys.name);
  private current!: SigningKey;
  private readonly byKid = new Map<string, SigningKey>();

  constructor(private readonly config: AppConfig) {}

  async onModuleInit(): Promise<void> {
    const pem = this.config.oauthSigningKey ?? (await this.loadOrGenerate());
    this.current = await this.toSigningKey(pem, this.config.oauthSigningKey ? 'OAUTH_SIGNING_KEY' : SIGNING_KEY_FILE);
    this.byKid.set(this.current.kid, this.current);
    const previous = await readOptional(join(this.config.dataDir, PREVIOUS_SIGNING_KEY_FILE));
    if (previous) {
      const key = await this.toSigningKey(previous, PREVIOUS_SIGNING_KEY_FILE);
      if (!this.byKid.has(key.kid)) this.byKid.set(key.kid, key);
    }
  }

  get signing(): SigningKey {
    return this.current;
  }

  /** The public key for a token's `kid`, if it is one of ours. */
  verificationKey(kid: string | undefined): KeyObject | undefined {
    return kid === undefined ? undefined : this.byKid.get(kid)?.publicKey;
  }

  jwks(): { keys: JWK[] } {
    return { keys: [...this.byKid.values()].map((k) => k.jwk) };
  }

  private async loadOrGenerate(): Promise<string> {
    const path = join(this.config.dataDir, SIGNING_KEY_FILE);
    const existing = await readOptional(path);
    if (existing) return existing;
    const { privateKey } = await generateRsa('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    await mkdir(this.config.dataDir, { recursive: true });
    try {
      // `wx`: when two instances start on one DATA_DIR at once, the first key written wins
      await writeFile(path, pem, { flag: 'wx', mode: 0o600 });
      this.logger.log({ path }, 'generated the OAuth token signing key');
      return pem;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      return readFile(path, 'utf8');
    }
  }

  private async toSigningKey(pem: string, source: string): Promise<SigningKey> {
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey(pem);
    } catch (err) {
      throw new Error(`${source} is not a readable private key: ${(err as Error).message}`, { cause: err });
    }
    const bits = privateKey.asymmetricKeyDetails?.modulusLength ?? 0;
    if (privateKey.asymmetricKeyType !== 'rsa' || bits < 2048) {
      throw new Error(`${source} must be an RSA private key of at least 2048 bits (RS256)`);
    }
    const publicKey = createPublicKey(privateKey);
    const { kty, n, e } = publicKey.export({ format: 'jwk' });
    const kid = await calculateJwkThumbprint({ kty: kty!, n: n!, e: e! });
    return { kid, privateKey, publicKey, jwk: { kty, n, e, kid, alg: 'RS256', use: 'sig' } };
  }
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}
