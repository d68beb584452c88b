import { describe, expect, it } from 'vitest';
import { checkSiteRules, DetectorConfigError, resolveDetectorConfig } from './config.ts';
import { detectors } from './index.ts';
import { vacantUnitElectricity } from './vacant-unit-electricity.ts';
import { vacantUnitWater } from './vacant-unit-water.ts';

describe(resolveDetectorConfig.name, () => {
  it('defaults are the seed values when the site says nothing', () => {
    expect(resolveDetectorConfig(vacantUnitWater, {}, {}, 'high-rise')).toMatchObject({ thresholdLitres: 10, windowMinutes: 60 });
  });

  it('site rules override defaults, unit-type rules override site rules, field by field', () => {
    const rules = { 'vacant-unit-electricity': { standbyKw: 0.1, holdMinutes: 20 } };
    const byType = { shop: { 'vacant-unit-electricity': { standbyKw: 0.2 } } };
    expect(resolveDetectorConfig(vacantUnitElectricity, rules, byType, 'shop')).toMatchObject({ standbyKw: 0.2, holdMinutes: 20, windowMinutes: 60 });
    expect(resolveDetectorConfig(vacantUnitElectricity, rules, byType, 'villa')).toMatchObject({ standbyKw: 0.1, holdMinutes: 20 });
    // Public areas have no unit type: site rules only.
    expect(resolveDetectorConfig(vacantUnitElectricity, rules, byType, undefined)).toMatchObject({ standbyKw: 0.1 });
  });

  it('an invalid threshold names the detector and the field', () => {
    expect(() => resolveDetectorConfig(vacantUnitWater, { 'vacant-unit-water': { thresholdLitres: -1 } }, {}, undefined)).toThrow(DetectorConfigError);
    expect(() => resolveDetectorConfig(vacantUnitWater, { 'vacant-unit-water': { thresholdLitres: -1 } }, {}, undefined)).toThrow(
      /vacant-unit-water\.thresholdLitres/,
    );
  });
});

describe(checkSiteRules.name, () => {
  it('accepts an empty rule set', () => {
    expect(checkSiteRules(detectors, {}, {})).toEqual([]);
  });

  it('lists unknown detectors and every invalid field at once', () => {
    const errors = checkSiteRules(
      detectors,
      { 'vacant-unit-watr': { thresholdLitres: 5 }, burst: { holdMinutes: 'three' } },
      { villa: { fire: { confirmPoints: 1 } } },
    );
    expect(errors).toHaveLength(3);
    expect(errors.join('\n')).toMatch(/no detector "vacant-unit-watr"/);
    expect(errors.join('\n')).toMatch(/burst\.holdMinutes/);
    expect(errors.join('\n')).toMatch(/rulesByUnitType\.villa: fire\.confirmPoints/);
  });

  it('an unknown field is an error, not silently ignored (strict schemas)', () => {
    expect(checkSiteRules(detectors, { 'vacant-unit-water': { treshold: 5 } }, {})).toHaveLength(1);
  });
});
