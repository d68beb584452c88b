import type { AnyDetector } from './detector.ts';
import { vacantUnitWater } from './vacant-unit-water.ts';

/** The registry: a new rule is one file plus one line here. */
export const detectors: readonly AnyDetector[] = [vacantUnitWater];

/** Start-up guard: ids are unique and every config schema fills itself from defaults. */
export function checkDetectorRegistry(registry: readonly AnyDetector[]): void {
  const seen = new Set<string>();
  for (const d of registry) {
    if (seen.has(d.id)) throw new Error(`detector id "${d.id}" is registered twice`);
    seen.add(d.id);
    const parsed = d.configSchema.safeParse({});
    if (!parsed.success) throw new Error(`detector "${d.id}" has a config without defaults: ${parsed.error.message}`);
  }
}
