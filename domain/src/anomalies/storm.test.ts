import { describe, expect, it } from 'vitest';
import type { DetectorEvent } from '../model/anomaly.ts';
import type { DeviceContext } from '../site/site-index.ts';
import type { DeviceKind } from '../site/site-schema.ts';
import { defaultStormPolicy, isGatewayOutage, type StormVerdict, stormVerdict } from './storm.ts';

const device = (id: string, kind: DeviceKind, gateway?: string): DeviceContext => ({
  siteId: 'demo',
  device: { id, kind, ...(gateway === undefined ? {} : { gateway }) },
  kind,
  unit: undefined,
  areaId: undefined,
  buildingId: '3',
  gridId: 'g3',
});
const raise = (rule: string, subject: string): DetectorEvent => ({ type: 'raise', rule, subject, severity: 'P3', evidence: {} });
const clear = (rule: string, subject: string): DetectorEvent => ({ type: 'clear', rule, subject, closesWorkOrder: true });

const meter = device('wm-3-1-1202', 'water-meter', 'dtu-3');
const smoke = device('sd-3-1-1202', 'smoke-detector', 'dtu-3');
const loneMeter = device('wm-9', 'water-meter');
const gateway = device('dtu-3', 'gateway');
const down = new Set(['dtu-3']);
const outage = (id: string) => down.has(id);
const noOutage = () => false;

describe(stormVerdict.name, () => {
  it.each<[string, DetectorEvent, DeviceContext, (id: string) => boolean, StormVerdict]>([
    [
      '集中器离线: a meter offline behind a gateway that is down folds into it',
      raise('device-offline', meter.device.id),
      meter,
      outage,
      { kind: 'fold', gatewayId: 'dtu-3' },
    ],
    ['a meter offline while its gateway is up is its own anomaly', raise('device-offline', meter.device.id), meter, noOutage, { kind: 'pass' }],
    ['a meter without a gateway is its own anomaly', raise('device-offline', loneMeter.device.id), loneMeter, outage, { kind: 'pass' }],
    ['the gateway’s own outage is never folded', raise('device-offline', 'dtu-3'), gateway, outage, { kind: 'pass' }],
    ['火警: a fire alarm behind a gateway that is down is never suppressed', raise('fire-alarm', 'zone-3'), smoke, outage, { kind: 'pass' }],
    ['燃气: a gas alarm is never suppressed', raise('gas-alarm', '3-1-1202'), smoke, outage, { kind: 'pass' }],
    ['漏水: a leak is never suppressed', raise('leak', '3-1-1202'), meter, outage, { kind: 'pass' }],
    ['other rules (water in a vacant unit) pass', raise('vacant-unit-water', '3-1-1202'), meter, outage, { kind: 'pass' }],
    ['a clear always passes', clear('device-offline', meter.device.id), meter, outage, { kind: 'pass' }],
  ])('%s', (_title, event, dev, isDown, expected) => {
    expect(stormVerdict(event, dev, isDown, defaultStormPolicy)).toEqual(expected);
  });

  it('never folds a life-safety rule even if someone lists it as an offline rule', () => {
    const policy = { ...defaultStormPolicy, offlineRules: [...defaultStormPolicy.offlineRules, 'fire-alarm'] };
    expect(stormVerdict(raise('fire-alarm', 'zone-3'), smoke, outage, policy)).toEqual({ kind: 'pass' });
  });
});

describe(isGatewayOutage.name, () => {
  it.each<[string, string, DeviceContext | undefined, boolean]>([
    ['a gateway offline', 'device-offline', gateway, true],
    ['a gateway by the gateway rule', 'gateway-offline', gateway, true],
    ['a meter offline', 'device-offline', meter, false],
    ['another rule on a gateway', 'tamper', gateway, false],
    ['an unknown device', 'device-offline', undefined, false],
  ])('%s → %s', (_title, rule, dev, expected) => {
    expect(isGatewayOutage(rule, dev, defaultStormPolicy)).toBe(expected);
  });
});
