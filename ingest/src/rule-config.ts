import type { AnyDetector, DeviceContext, SiteFile, UnitType } from '@dutyroom/domain';

/**
 * Each detector's configuration for a device: the detector's defaults, overridden by the site
 * file's `rules.<detector>`, overridden by `rulesByUnitType.<unit type>.<detector>` for devices in
 * a unit. Parsed once per (detector, unit type) at start, so a bad threshold stops start-up with
 * the path to fix instead of failing on the first reading.
 *
 * Stands in until domain/src/detectors/config.ts exports `resolveDetectorConfig`; one function to swap.
 */
export type ConfigResolver = (detector: AnyDetector, device: DeviceContext) => unknown;

export class RuleConfigError extends Error {}

export function createConfigResolver(site: Pick<SiteFile, 'rules' | 'rulesByUnitType'>, detectors: readonly AnyDetector[]): ConfigResolver {
  const cache = new Map<string, unknown>();
  const resolve = (detector: AnyDetector, unitType: UnitType | undefined): unknown => {
    const key = `${detector.id}\u0000${unitType ?? ''}`;
    if (cache.has(key)) return cache.get(key);
    const merged = { ...(site.rules[detector.id] ?? {}), ...(unitType === undefined ? {} : (site.rulesByUnitType[unitType]?.[detector.id] ?? {})) };
    const parsed = detector.configSchema.safeParse(merged);
    if (!parsed.success) {
      const where = unitType === undefined ? `rules.${detector.id}` : `rulesByUnitType.${unitType}.${detector.id}`;
      throw new RuleConfigError(`site file ${where}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(rule)'}: ${i.message}`).join('; ')}`);
    }
    cache.set(key, parsed.data);
    return parsed.data;
  };
  // Validate every combination the site uses, now.
  for (const detector of detectors) {
    resolve(detector, undefined);
    for (const unitType of Object.keys(site.rulesByUnitType) as UnitType[]) resolve(detector, unitType);
  }
  return (detector, device) => resolve(detector, device.unit?.unitType);
}
