import { z } from 'zod';
import type { Detector } from './detector.ts';
import { raise } from './findings.ts';
import { ruleIds } from './rule-ids.ts';

/**
 * 注销卡使用 P3 (SPEC §5: security): a card the management deactivated (moved out, lost, revoked)
 * was presented. Readers say it as a denial reason (esp-rfid `access: "Disabled"`); the reasons
 * that mean "deactivated" are configurable. Raised at once, per card; security closes it.
 */
const configSchema = z.strictObject({
  reasons: z.array(z.string().min(1)).default(['deactivated', 'disabled', 'revoked', 'lost', 'blacklisted']),
});
export type DeactivatedCardConfig = z.infer<typeof configSchema>;

const rule = ruleIds.deactivatedCard;

export const deactivatedCard: Detector<DeactivatedCardConfig, Record<string, never>> = {
  id: rule,
  version: 1,
  rules: [rule],
  appliesTo: ['access'],
  configSchema,
  // Stateless: one shared (empty) state; undefined would make the pipeline skip the reading.
  stateKey: () => 'stateless',
  initialState: () => ({}),

  onReading(_state, reading, { config, device }) {
    if (reading.kind !== 'access' || reading.reason === undefined) return [];
    const reason = reading.reason.toLowerCase();
    if (!config.reasons.some((r) => r.toLowerCase() === reason)) return [];
    return [
      raise(rule, reading.card ?? `${device.device.id}:unknown-card`, 'P3', {
        reason: reading.reason,
        event: reading.event,
        reader: device.device.id,
        ...(reading.door ? { door: reading.door } : {}),
      }),
    ];
  },
};
