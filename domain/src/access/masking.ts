import { can } from './roles.ts';

/**
 * 13800001234 → 138****1234: the form Chinese property systems show (first three, last four).
 * Shorter numbers keep only their last two digits. No PII in logs either (STYLE §8.5).
 */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/[^\d+]/g, '');
  if (digits.length >= 11) return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  if (digits.length <= 2) return '**';
  return `${'*'.repeat(digits.length - 2)}${digits.slice(-2)}`;
}

/** The owner's phone as this role may see it: whole for roles that call owners, masked for the rest. */
export function ownerPhoneFor(role: string, phone: string | null): string | null {
  if (phone === null) return null;
  return can(role, 'owners:contact') ? phone : maskPhone(phone);
}

/** Masks an owner's name to its family name (王**), for screens where the name is not needed. */
export function maskName(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? name : `${chars[0]}${'*'.repeat(Math.min(chars.length - 1, 2))}`;
}
