import { Injectable } from '@nestjs/common';
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import { hash, verify } from '@node-rs/argon2';

// Argon2id with the parameters OWASP recommends for a machine of this size.
const ARGON2 = { memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

/** Randomness and hashing, behind one class so services are deterministic in tests. */
@Injectable()
export class Secrets {
  /** 160 bits of randomness, base32: the Lucia guide's session token. */
  token(bytes = 20): string {
    const buf = new Uint8Array(bytes);
    crypto.getRandomValues(buf);
    return encodeBase32LowerCaseNoPadding(buf);
  }

  sha256Hex(value: string): string {
    return encodeHexLowerCase(sha256(new TextEncoder().encode(value)));
  }

  hashPassword(password: string): Promise<string> {
    return hash(password, ARGON2);
  }

  verifyPassword(passwordHash: string, password: string): Promise<boolean> {
    return verify(passwordHash, password).catch(() => false);
  }
}
