import { type AnyDetector, checkSiteRules, type DeviceContext, resolveDetectorConfig, type SiteFile, type UnitType } from '@dutyroom/domain';

/**
 * Each detector's configuration for a device (`resolveDetectorConfig`: defaults, then the site
 * file's `rules`, then `rulesByUnitType` for devices in a unit), resolved once per (detector, unit
 * type) and cached: the hot path never parses a schema. Every problem of the site file's rules is
 * reported at start-up, all at once.
 */
export type ConfigResolver = (detector: AnyDetector, device: DeviceContext) => unknown;

export class RuleConfigError extends Error {}

export function createConfigResolver(site: Pick<SiteFile, 'rules' | 'rulesByUnitType'>, detectors: readonly AnyDetector[]): ConfigResolver {
  const problems = checkSiteRules(detectors, site.rules, site.rulesByUnitType);
  if (problems.length > 0) throw new RuleConfigError(`site file rules are not valid:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  const cache = new Map<string, unknown>();
  return (detector, device) => {
    const unitType: UnitType | undefined = device.unit?.unitType;
    const key = unitType === undefined ? detector.id : `${detector.id}\u0000${unitType}`;
    let config = cache.get(key);
    if (config === undefined) {
      config = resolveDetectorConfig(detector, site.rules, site.rulesByUnitType, unitType);
      cache.set(key, config);
    }
    return config;
  };
}
