import { burst } from './burst.ts';
import { continuousFlow } from './continuous-flow.ts';
import { custodyAllowance } from './custody-allowance.ts';
import { deactivatedCard } from './deactivated-card.ts';
import type { AnyDetector } from './detector.ts';
import { deviceOffline } from './device-offline.ts';
import { doorForced } from './door-forced.ts';
import { doorHeldOpen } from './door-held-open.ts';
import { fire } from './fire.ts';
import { fireDoorLocked } from './fire-door-locked.ts';
import { fireDoorOpen } from './fire-door-open.ts';
import { gasAlarm } from './gas-alarm.ts';
import { gatewayOffline } from './gateway-offline.ts';
import { leak } from './leak.ts';
import { lowBattery } from './low-battery.ts';
import { meterRegister } from './meter-register.ts';
import { nightFlow } from './night-flow.ts';
import { repeatedDeniedCard } from './repeated-denied-card.ts';
import { repeatedDeniedDoor } from './repeated-denied-door.ts';
import { tamper } from './tamper.ts';
import { vacantUnitElectricity } from './vacant-unit-electricity.ts';
import { vacantUnitWater } from './vacant-unit-water.ts';

/** The registry (SPEC §5, in its order): a new rule is one file plus one line here. */
export const detectors: readonly AnyDetector[] = [
  vacantUnitWater,
  vacantUnitElectricity,
  custodyAllowance,
  continuousFlow,
  nightFlow,
  burst,
  fire,
  gasAlarm,
  leak,
  doorForced,
  doorHeldOpen,
  fireDoorOpen,
  fireDoorLocked,
  repeatedDeniedCard,
  repeatedDeniedDoor,
  deactivatedCard,
  deviceOffline,
  gatewayOffline,
  lowBattery,
  tamper,
  meterRegister,
];

/**
 * Start-up guard: detector ids are unique, every rule id is emitted by one detector only, and every
 * config schema fills itself from defaults (STYLE §8.3, uptime-kuma's duplicate-provider guard).
 */
export function checkDetectorRegistry(registry: readonly AnyDetector[]): void {
  const seen = new Set<string>();
  const rules = new Map<string, string>();
  for (const d of registry) {
    if (seen.has(d.id)) throw new Error(`detector id "${d.id}" is registered twice`);
    seen.add(d.id);
    if (d.rules.length === 0) throw new Error(`detector "${d.id}" names no rule it emits`);
    for (const rule of d.rules) {
      const other = rules.get(rule);
      if (other !== undefined) throw new Error(`rule "${rule}" is emitted by both "${other}" and "${d.id}"`);
      rules.set(rule, d.id);
    }
    const parsed = d.configSchema.safeParse({});
    if (!parsed.success) throw new Error(`detector "${d.id}" has a config without defaults: ${parsed.error.message}`);
  }
}

/** Every rule id of a registry, in registry order. */
export const registeredRules = (registry: readonly AnyDetector[]): string[] => registry.flatMap((d) => [...d.rules]);
