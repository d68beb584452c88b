import type { SiteSources } from '../site/device-source-schema.ts';
import { indexSite } from '../site/site-index.ts';
import { type SiteDevice, siteFileSchema } from '../site/site-schema.ts';
import { checksum } from './bcd.ts';
import type { NormalizableSite } from './index.ts';

/**
 * Helpers for the normalizer tests and the fixture conformance suite (not used by production
 * code): a one-building site holding the given devices, and frame builders that compute checksums.
 */
export function siteWith(devices: readonly SiteDevice[], sources: SiteSources = {}, siteId = 'test'): NormalizableSite {
  const file = siteFileSchema.parse({
    site: { id: siteId, name: 'Test community', timezone: 'Asia/Shanghai' },
    people: [{ id: 'p1', name: 'Steward', role: 'steward' }],
    grids: [{ id: 'g1', name: 'Grid 1', steward: 'p1' }],
    buildings: [{ id: 'b1', name: 'Building 1', kind: 'high-rise', floors: 30, grid: 'g1', devices }],
    units: [],
    sources,
  });
  return { ...indexSite(file), sources: file.sources };
}

const bytesOfDigits = (digits: string): number[] => {
  const out: number[] = [];
  for (let i = digits.length; i > 0; i -= 2) out.push(Number.parseInt(digits.slice(Math.max(0, i - 2), i), 16));
  return out;
};

/** A CJ/T 188 frame: 68 T A0…A6 C L data CS 16, address given as printed (14 digits). */
export function cjt188Frame(meterType: number, address: string, control: number, data: readonly number[]): Uint8Array {
  const body = [0x68, meterType, ...bytesOfDigits(address.padStart(14, '0')), control, data.length, ...data];
  const bytes = Uint8Array.from(body);
  return Uint8Array.from([...body, checksum(bytes, 0, bytes.length), 0x16]);
}

/** A DL/T 645 frame: 68 A0…A5 68 C L data(+0x33) CS 16; `data` is given without the offset. */
export function dlt645Frame(address: string, control: number, data: readonly number[]): Uint8Array {
  const body = [0x68, ...bytesOfDigits(address.padStart(12, '0')), 0x68, control, data.length, ...data.map((b) => (b + 0x33) & 0xff)];
  const bytes = Uint8Array.from(body);
  return Uint8Array.from([...body, checksum(bytes, 0, bytes.length), 0x16]);
}

/** A number as BCD bytes, low byte first. */
export function bcd(value: number, byteCount: number): number[] {
  const digits = String(value).padStart(byteCount * 2, '0');
  return bytesOfDigits(digits);
}

export const toHex = (bytes: Uint8Array): string => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
