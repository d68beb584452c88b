import type { Reading } from '../model/reading.ts';

type MeterKind = 'water.total' | 'electricity.total';

import { type Normalized, reject } from '../model/rejection.ts';
import { type MeterTotalUnit, meterReadingPayloadSchema } from '../schemas/native-payloads.ts';
import type { DeviceContext } from '../site/site-index.ts';
import { trustedTimestamp } from './clock.ts';

const readingKindOf: Partial<Record<DeviceContext['kind'], MeterKind>> = {
  'water-meter': 'water.total',
  'electricity-meter': 'electricity.total',
};

/** Factor to the canonical unit: m³ for water, kWh for electricity. */
const toCanonical: Record<MeterKind, Partial<Record<MeterTotalUnit, number>>> = {
  'water.total': { L: 0.001, m3: 1 },
  'electricity.total': { kWh: 1, Wh: 0.001 },
};

/** Pulse factors are litres per pulse for water and kWh per pulse for electricity. */
const pulseUnit: Record<MeterKind, MeterTotalUnit> = { 'water.total': 'L', 'electricity.total': 'kWh' };

function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  return issues.map((i) => `${i.path.map(String).join('.') || '(payload)'}: ${i.message}`).join('; ');
}

/** A native meter reading (already JSON-parsed) → a Reading in canonical units, or a Rejection. */
export function normalizeNativeReading(json: unknown, device: DeviceContext, receivedAt: number): Normalized<Reading> {
  const kind = readingKindOf[device.kind];
  if (kind === undefined) return reject('wrong-device-kind', `device "${device.device.id}" is a ${device.kind}, not a meter`);
  const parsed = meterReadingPayloadSchema.safeParse(json);
  if (!parsed.success) return reject('schema', describeIssues(parsed.error.issues));
  const payload = parsed.data;

  let value: number;
  if (payload.pulses !== undefined) {
    const factor = device.device.pulseFactor;
    if (factor === undefined) return reject('device-config', `device "${device.device.id}" sends pulses but has no pulseFactor in the site file`);
    value = payload.pulses * factor * (toCanonical[kind][pulseUnit[kind]] ?? 1);
  } else {
    const unit = payload.unit ?? device.device.totalUnit ?? (kind === 'water.total' ? 'm3' : 'kWh');
    const factor = toCanonical[kind][unit];
    if (factor === undefined) return reject('schema', `unit: "${unit}" is not a unit of a ${device.kind}`);
    value = (payload.total ?? 0) * factor;
  }

  return {
    ok: true,
    value: {
      siteId: device.siteId,
      deviceId: device.device.id,
      kind,
      value,
      ts: trustedTimestamp(payload.ts, receivedAt),
      deviceTs: payload.ts,
      receivedAt,
      drill: payload.drill ?? false,
      idempotencyKey: `${device.siteId}/${device.device.id}/${payload.ts}/${payload.seq ?? ''}`,
    },
  };
}
