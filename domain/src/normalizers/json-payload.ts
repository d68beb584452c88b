import { type Normalized, reject } from '../model/rejection.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 text of a payload, or a `malformed-json` rejection for bytes that are not UTF-8. */
export function payloadText(payload: Uint8Array): Normalized<string> {
  try {
    return { ok: true, value: utf8.decode(payload) };
  } catch {
    return reject('malformed-json', 'the payload is not UTF-8 text');
  }
}

export type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A JSON object payload; anything else (text, an array, invalid JSON) is a rejection. */
export function parseJsonObject(payload: Uint8Array): Normalized<JsonObject> {
  const text = payloadText(payload);
  if (!text.ok) return text;
  let value: unknown;
  try {
    value = JSON.parse(text.value);
  } catch (error) {
    return reject('malformed-json', (error as Error).message);
  }
  return isObject(value) ? { ok: true, value } : reject('schema', `expected a JSON object, got ${Array.isArray(value) ? 'an array' : typeof value}`);
}

/** zod issues as one line: `path: message; …`. */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues.map((i) => `${i.path.map(String).join('.') || '(payload)'}: ${i.message}`).join('; ');
}

/** Vendor booleans: true/false, 1/0, "true"/"false", "ON"/"OFF", and the enum words LoRaWAN codecs use. */
const trueWords = new Set(['true', '1', 'on', 'yes', 'alarm', 'leak', 'wet', 'open', 'opened', 'detected', 'active', 'fire', 'smoke', 'gas', 'tamper', 'low']);
const falseWords = new Set(['false', '0', 'off', 'no', 'normal', 'dry', 'close', 'closed', 'clear', 'ok', 'inactive', 'none', 'idle', 'high']);

export function vendorBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : undefined;
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (trueWords.has(word)) return true;
    if (falseWords.has(word)) return false;
  }
  return undefined;
}

/** Vendor numbers: numbers, and numeric strings (old Zigbee2MQTT sent `battery` as a string, #663). */
export function vendorNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isNaN(n) && value.trim().toLowerCase() !== 'nan' ? undefined : n;
  }
  return undefined;
}
