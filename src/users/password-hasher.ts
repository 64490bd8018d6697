import { Injectable } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';

/** argon2id with the library's defaults; behind an injectable like every other side effect. */
@Injectable()
export class PasswordHasher {
  private dummy: Promise<string> | undefined;

  hash(password: string): Promise<string> {
    return hash(password);
  }

  async verify(hashed: string | null, password: string): Promise<boolean> {
    // without a hash, verify against a dummy one, so that timing does not tell which accounts exist
    this.dummy ??= hash('not-a-password');
    const target = hashed ?? (await this.dummy);
    try {
      return (await verify(target, password)) && hashed !== null;
    } catch {
      return false;
    }
  }
}
