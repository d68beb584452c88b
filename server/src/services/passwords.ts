import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { argon2id, argon2Verify } from 'hash-wasm';

/**
 * Password hashes. New hashes are argon2id (RFC 9106) in the PHC string format, with OWASP's
 * minimum parameters (19 MiB, 2 passes, 1 lane) so a 2-core server stays responsive. Hashes
 * from before (scrypt$N$r$p$salt$key) still verify, and `needsRehash` tells the login to upgrade them.
 */
const ARGON2 = { memorySize: 19_456, iterations: 2, parallelism: 1, hashLength: 32 } as const;
const SCRYPT_KEY_LENGTH = 32;

export async function hashPassword(password: string): Promise<string> {
  return argon2id({ password, salt: randomBytes(16), ...ARGON2, outputType: 'encoded' });
}

function scryptDerive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, SCRYPT_KEY_LENGTH, { N: n, r, p, maxmem: 256 * 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  if (stored.startsWith('$argon2id$')) {
    try {
      return await argon2Verify({ password, hash: stored });
    } catch {
      return false;
    }
  }
  const [scheme, n, r, p, salt, key] = stored.split('$');
  if (scheme !== 'scrypt' || salt === undefined || key === undefined) return false;
  const expected = Buffer.from(key, 'base64url');
  const actual = await scryptDerive(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Whether a stored hash is older than today's scheme or parameters; the login rehashes it. */
export function needsRehash(stored: string): boolean {
  return !stored.startsWith(`$argon2id$v=19$m=${ARGON2.memorySize},t=${ARGON2.iterations},p=${ARGON2.parallelism}$`);
}

/** A password policy the command line and the password change share: long beats complex (NIST SP 800-63B §5.1.1). */
export function passwordProblem(password: string, username: string): string | undefined {
  if (password.length < 10) return 'at least 10 characters';
  if (password.length > 256) return 'at most 256 characters';
  if (password.toLowerCase().includes(username.toLowerCase())) return 'must not contain the username';
  return undefined;
}
