import type { Reading, ReadingBody } from '../model/reading.ts';
import { type Normalized, reject } from '../model/rejection.ts';
import { BATTERY_LOW_PERCENT, type JsonChannel, type MeterReadingPayload, meterTotalUnits, nativePayloadSchemas } from '../schemas/native-payloads.ts';
import type { DeviceContext } from '../site/site-index.ts';
import type { DeviceKind } from '../site/site-schema.ts';
import { type BodyOrRejection, DecodeBatch, meterPulses, meterRate, meterTotal } from './device-quirks.ts';
import { describeIssues, isObject } from './json-payload.ts';
import { contentHash } from './message-key.ts';

/**
 * The native JSON channels (docs/protocol.md §Channels): payload schema → reading body. A channel
 * only fits the device kinds that can say it: a fire event from a water meter is a site-file or
 * wiring mistake and is rejected as `wrong-device-kind`, never guessed.
 */
const channelKinds: Record<JsonChannel, readonly DeviceKind[] | 'any'> = {
  reading: ['water-meter', 'electricity-meter'],
  flow: ['water-meter', 'electricity-meter'],
  fire: ['fire-panel', 'smoke-detector'],
  gas: ['gas-detector'],
  leak: ['leak-sensor'],
  tamper: 'any',
  contact: ['door-contact', 'access-reader'],
  lock: ['door-contact', 'access-reader'],
  access: ['access-reader'],
  status: 'any',
  battery: 'any',
  heartbeat: 'any',
};

const ok = (body: ReadingBody): BodyOrRejection => ({ ok: true, body });

type Parsed<C extends JsonChannel> = (typeof nativePayloadSchemas)[C]['_output'];

function toBody(channel: JsonChannel, p: Parsed<JsonChannel>, device: DeviceContext): BodyOrRejection {
  switch (channel) {
    case 'reading': {
      const r = p as Parsed<'reading'>;
      return r.pulses !== undefined ? meterPulses(device, r.pulses) : meterTotal(device, r.total ?? 0, r.unit);
    }
    case 'flow': {
      const f = p as Parsed<'flow'>;
      return meterRate(device, f.value, f.unit);
    }
    case 'fire': {
      const f = p as Parsed<'fire'>;
      return ok({ kind: 'fire', event: f.event, zone: f.zone ?? device.device.zone, point: f.point });
    }
    case 'gas':
      return ok({ kind: 'gas', event: (p as Parsed<'gas'>).event });
    case 'leak':
      return ok({ kind: 'leak', wet: (p as Parsed<'leak'>).event === 'wet' });
    case 'tamper':
      return ok({ kind: 'tamper', active: (p as Parsed<'tamper'>).event === 'tamper' });
    case 'contact':
      return ok({ kind: 'contact', open: (p as Parsed<'contact'>).event === 'open' });
    case 'lock':
      return ok({ kind: 'lock', locked: (p as Parsed<'lock'>).event === 'locked' });
    case 'access': {
      const a = p as Parsed<'access'>;
      return ok({ kind: 'access', event: a.event, door: a.door ?? device.device.id, card: a.card, reason: a.reason });
    }
    case 'status':
      return ok({ kind: 'status', online: (p as Parsed<'status'>).state === 'online' });
    case 'battery': {
      const b = p as Parsed<'battery'>;
      return ok({ kind: 'battery', percent: b.percent, low: b.low ?? (b.percent !== undefined && b.percent < BATTERY_LOW_PERCENT) });
    }
    case 'heartbeat':
      return ok({ kind: 'heartbeat' });
  }
}

const readingFields: ReadonlySet<string> = new Set(['ts', 'seq', 'drill', 'total', 'unit', 'pulses']);
const totalUnits: ReadonlySet<unknown> = new Set(meterTotalUnits);
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;

/**
 * The common meter reading (`{"ts":…,"total":…,"seq":…}`, epoch-ms `ts`), checked without zod:
 * the schema costs more than the rest of decoding. Only what the schema surely accepts passes here,
 * as the very object the schema would return; anything else, valid or not (an ISO `ts`, an unknown
 * field, a value out of range), returns undefined and takes the schema, which gives the same
 * reading or its rejection with its wording. test/unit/native-reading-fast-path.test.ts compares
 * both on generated and mutated payloads.
 */
export function plainMeterReading(json: unknown): MeterReadingPayload | undefined {
  if (!isObject(json)) return undefined;
  for (const field in json) if (!readingFields.has(field)) return undefined;
  const { ts, seq, drill, total, unit, pulses } = json;
  if (ts !== undefined && !(isCount(ts) && ts > 0)) return undefined;
  if (seq !== undefined && !isCount(seq)) return undefined;
  if (drill !== undefined && typeof drill !== 'boolean') return undefined;
  if (unit !== undefined && !totalUnits.has(unit)) return undefined;
  if (total === undefined) return isCount(pulses) ? (json as MeterReadingPayload) : undefined;
  if (pulses !== undefined || typeof total !== 'number' || !Number.isFinite(total) || total < 0) return undefined;
  return json as MeterReadingPayload;
}

/** One native JSON message (already parsed) of one channel → readings or rejections in `batch`. */
export function decodeNativeChannel(
  channel: JsonChannel,
  json: unknown,
  device: DeviceContext,
  /** `contentId` is asked for only when the payload has neither `ts` nor `seq` (the hash costs more than the rest). */
  input: { readonly receivedAt: number; readonly contentId: () => string },
  batch: DecodeBatch,
): DecodeBatch {
  const fits = channelKinds[channel];
  if (fits !== 'any' && !fits.includes(device.kind))
    return batch.reject(
      reject('wrong-device-kind', `device "${device.device.id}" is a ${device.kind}; "${channel}" comes from ${fits.join(' or ')}`).rejection,
    );
  let payload: Parsed<JsonChannel> | undefined = channel === 'reading' ? plainMeterReading(json) : undefined;
  if (payload === undefined) {
    const parsed = nativePayloadSchemas[channel].safeParse(json);
    if (!parsed.success) return batch.reject(reject('schema', describeIssues(parsed.error.issues)).rejection);
    payload = parsed.data;
  }
  const messageId = payload.ts === undefined && payload.seq === undefined ? undefined : `${channel}/${payload.ts ?? ''}/${payload.seq ?? ''}`;
  return batch.add(device, [toBody(channel, payload, device)], {
    deviceTs: payload.ts,
    receivedAt: input.receivedAt,
    // Without ts or seq the content hash stands in (message-key.ts): send ts or seq when a
    // repeated identical message must count twice.
    messageId: messageId ?? `${channel}/${input.contentId()}`,
    drill: payload.drill ?? false,
  });
}

/** A native meter reading (already JSON-parsed) → a Reading in canonical units, or a Rejection. */
export function normalizeNativeReading(json: unknown, device: DeviceContext, receivedAt: number): Normalized<Reading> {
  const contentId = () => contentHash('reading', new TextEncoder().encode(JSON.stringify(json) ?? ''));
  const batch = decodeNativeChannel('reading', json, device, { receivedAt, contentId }, new DecodeBatch());
  const reading = batch.readings[0];
  if (reading !== undefined) return { ok: true, value: reading };
  return { ok: false, rejection: batch.rejections[0] ?? reject('internal-error', 'no reading and no rejection').rejection };
}
