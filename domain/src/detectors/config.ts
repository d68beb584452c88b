import type { UnitType } from '../site/site-schema.ts';
import type { AnyDetector, Detector } from './detector.ts';

/** The site file's rule thresholds: `rules` for the whole site, `rulesByUnitType` over them per unit type. */
export type SiteRules = Readonly<Record<string, Readonly<Record<string, unknown>>>>;
export type SiteRulesByUnitType = Readonly<Partial<Record<UnitType, SiteRules>>>;

export class DetectorConfigError extends Error {
  readonly code = 'DETECTOR_CONFIG_INVALID';
}

/**
 * A detector's configuration for one unit type (undefined: public areas and buildings): its
 * defaults (the seed values), overridden by the site's `rules[id]`, overridden by
 * `rulesByUnitType[unitType][id]`, field by field. Throws a DetectorConfigError naming the field.
 */
export function resolveDetectorConfig<Config>(
  detector: Detector<Config, unknown>,
  rules: SiteRules,
  rulesByUnitType: SiteRulesByUnitType,
  unitType: UnitType | undefined,
): Config {
  const merged = { ...rules[detector.id], ...(unitType === undefined ? undefined : rulesByUnitType[unitType]?.[detector.id]) };
  const parsed = detector.configSchema.safeParse(merged);
  if (parsed.success) return parsed.data;
  const where = unitType === undefined ? 'rules' : `rules / rulesByUnitType.${unitType}`;
  const issues = parsed.error.issues.map((i) => `${[detector.id, ...i.path.map(String)].join('.')}: ${i.message}`).join('; ');
  throw new DetectorConfigError(`${where}: ${issues}`);
}

/**
 * Start-up check of a site file's rule thresholds: unknown detector ids and every invalid field,
 * for the site and for each unit type, all at once (STYLE §8.5 "print all errors").
 */
export function checkSiteRules(registry: readonly AnyDetector[], rules: SiteRules, rulesByUnitType: SiteRulesByUnitType): string[] {
  const ids = new Set(registry.map((d) => d.id));
  const unknown = [...Object.keys(rules), ...Object.values(rulesByUnitType).flatMap((r) => Object.keys(r ?? {}))]
    .filter((id) => !ids.has(id))
    .map((id) => `rules: no detector "${id}" (known: ${[...ids].join(', ')})`);
  const unitTypes = [undefined, ...(Object.keys(rulesByUnitType) as UnitType[])];
  const invalid = registry.flatMap((detector) =>
    unitTypes.flatMap((unitType) => {
      // A unit type is checked only where it overrides: its other errors are the site's, said once.
      if (unitType !== undefined && rulesByUnitType[unitType]?.[detector.id] === undefined) return [];
      try {
        resolveDetectorConfig(detector, rules, rulesByUnitType, unitType);
        return [];
      } catch (error) {
        return [(error as Error).message];
      }
    }),
  );
  return [...unknown, ...invalid];
}
