import { describe, expect, it } from 'vitest';
import { passwordProblem } from './passwords.ts';
import { leavesNoAdmin, oneTimePassword } from './users.service.ts';

describe('one-time passwords', () => {
  it('are four groups of four from an alphabet without look-alikes, and pass the password policy', () => {
    const otp = oneTimePassword(Buffer.from(Array.from({ length: 16 }, (_, i) => i * 17)));
    expect(otp).toMatch(/^[a-hjkmnp-z2-9]{4}(-[a-hjkmnp-z2-9]{4}){3}$/);
    expect(passwordProblem(otp, 'someone')).toBeUndefined();
  });

  it('differ from one call to the next', () => {
    expect(new Set(Array.from({ length: 50 }, () => oneTimePassword())).size).toBe(50);
  });
});

describe('the last active admin', () => {
  it('cannot be demoted or disabled; another admin can', () => {
    expect(leavesNoAdmin(['1'], '1', { role: 'operator', disabled: false })).toBe(true);
    expect(leavesNoAdmin(['1'], '1', { role: 'admin', disabled: true })).toBe(true);
    expect(leavesNoAdmin(['1', '2'], '1', { role: 'operator', disabled: false })).toBe(false);
    expect(leavesNoAdmin(['1', '2'], '2', { role: 'admin', disabled: true })).toBe(false);
  });

  it('may change anything that keeps them an active admin', () => {
    expect(leavesNoAdmin(['1'], '1', { role: 'admin', disabled: false })).toBe(false);
  });
});
