import { describe, expect, it } from 'vitest';
import { maskName, maskPhone, ownerPhoneFor } from './masking.ts';

describe(maskPhone.name, () => {
  it.each([
    ['13800001234', '138****1234'],
    ['+86 138 0000 1234', '+86****1234'],
    ['12345', '***45'],
    ['1', '**'],
  ])('%s → %s', (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
  });
});

describe(ownerPhoneFor.name, () => {
  it.each([
    ['steward', '13800001234'],
    ['customer-service', '13800001234'],
    ['maintenance', '138****1234'],
    ['security', '138****1234'],
    ['unknown', '138****1234'],
  ])('%s sees %s', (role, shown) => {
    expect(ownerPhoneFor(role, '13800001234')).toBe(shown);
  });
  it('keeps a missing number missing', () => expect(ownerPhoneFor('maintenance', null)).toBeNull());
});

describe(maskName.name, () => {
  it.each([
    ['王小明', '王**'],
    ['李四', '李*'],
    ['X', 'X'],
  ])('%s → %s', (name, masked) => expect(maskName(name)).toBe(masked));
});
