import { randomBytes, scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashPassword, needsRehash, passwordProblem, verifyPassword } from './passwords.ts';

describe('passwords', () => {
  it('hashes with argon2id and verifies only the right password', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash.startsWith('$argon2id$v=19$m=19456,t=2,p=1$')).toBe(true);
    await expect(verifyPassword('correct horse battery', hash)).resolves.toBe(true);
    await expect(verifyPassword('correct horse batterY', hash)).resolves.toBe(false);
    expect(needsRehash(hash)).toBe(false);
  });

  it('still verifies a scrypt hash from before, and asks for a rehash', async () => {
    const salt = randomBytes(16);
    const key = scryptSync('old-password-1', salt, 32, { N: 16384, r: 8, p: 1 });
    const stored = ['scrypt', 16384, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
    await expect(verifyPassword('old-password-1', stored)).resolves.toBe(true);
    await expect(verifyPassword('old-password-2', stored)).resolves.toBe(false);
    expect(needsRehash(stored)).toBe(true);
  });

  it('refuses a malformed hash', async () => {
    await expect(verifyPassword('x', 'garbage')).resolves.toBe(false);
    await expect(verifyPassword('x', '$argon2id$broken')).resolves.toBe(false);
  });

  it.each([
    ['short', 'wang', 'at least 10 characters'],
    ['wang-is-my-password', 'wang', 'must not contain the username'],
    ['a long enough passphrase', 'wang', undefined],
  ])('policy: %s', (password, username, problem) => {
    expect(passwordProblem(password, username)).toBe(problem);
  });
});
