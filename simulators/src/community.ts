import type { OccupancyStatus, SiteFile } from '@dutyroom/domain';
import { parseSiteFile } from '@dutyroom/platform';
import { stringify } from 'yaml';
import { type DeviceEntry, gasDetector, leakSensor, type MeterWiring, meterDevices } from './community-devices.ts';
import { pick, seededRandom } from './random.ts';
import { generatedSources } from './wire.ts';

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '洋', '艳', '勇', '军', '杰', '娟', '涛', '明'];

export interface CommunityOptions {
  readonly seed: number;
  readonly highRises: number;
  readonly floors: number;
  readonly villas: number;
  readonly shops: number;
  /** Multi-storey buildings (多层, 6 floors, no lift), default 1. */
  readonly multiStoreys?: number;
  readonly siteId?: string;
  readonly name?: string;
}

/** The meters of each high-rise entrance in turn: a community wired over the years by several vendors. */
const ENTRANCE_WIRING: readonly ((b: number, e: number) => MeterWiring)[] = [
  (b, e) => ({ water: 'cjt188', electricity: 'dlt645', waterGateway: `cc-w-${b}-${e}`, electricityGateway: `cc-e-${b}-${e}` }),
  () => ({ water: 'native', electricity: 'native' }),
  () => ({ water: 'native-pulses', electricity: 'native' }),
  () => ({ water: 'native', electricity: 'native' }),
  () => ({ water: 'chirpstack', electricity: 'tasmota' }),
];
const ZIGBEE_BRIDGE = 'zb-bridge';
const LORA_GATEWAY = 'lora-gw';
/** Floors per fire zone (防火分区) in the generated high-rises. */
const FLOORS_PER_ZONE = 6;

/**
 * Generates a site file for a community: high-rises of two entrances (单元) with two flats per
 * floor (房号 building-entrance-floorNN), multi-storey buildings, villas and shops; meters in every
 * unit through a mix of ecosystems (native, CJ/T 188 and DL/T 645 behind concentrators, LoRaWAN via
 * ChirpStack and The Things Stack, Tasmota, Zigbee2MQTT, Neuron), leak and gas detectors, fire
 * zones with smoke detectors and a panel per building, fire doors in the stairwells, gates and
 * lobbies with card readers, a pump room with the public water main. Deterministic from the seed.
 */
export function generateCommunity(options: CommunityOptions): string {
  const random = seededRandom(options.seed);
  const person = () => `${pick(random, SURNAMES)}${pick(random, GIVEN)}${random() < 0.5 ? pick(random, GIVEN) : ''}`;
  const phone = () => `13${Math.floor(100000000 + random() * 899999999)}`;
  const occupancy = (shop: boolean): OccupancyStatus => {
    const r = random();
    if (shop) return r < 0.75 ? 'occupied' : 'shop-closed';
    return r < 0.7 ? 'occupied' : r < 0.85 ? 'vacant' : r < 0.93 ? 'custody' : 'decorating';
  };

  const people: object[] = [];
  const grids: object[] = [];
  const buildings: { id: string; devices: DeviceEntry[] }[] = [];
  const units: object[] = [];
  const areas: object[] = [];
  let serial = 0;
  const addGrid = (id: string, name: string) => {
    const steward = `steward-${grids.length + 1}`;
    people.push({ id: steward, name: `${person()}（管家）`, role: 'steward', phone: phone() });
    grids.push({ id, name, steward });
    return id;
  };
  const addUnit = (id: string, building: string, floor: number, kind: 'flat' | 'villa' | 'shop', wiring: MeterWiring) => {
    const status = occupancy(kind === 'shop');
    serial += 1;
    const devices = meterDevices(id, serial, wiring, random() < 0.3, ZIGBEE_BRIDGE, LORA_GATEWAY);
    if (kind === 'villa' || random() < 0.35) devices.push(leakSensor(id, serial, kind === 'villa' || random() < 0.6, ZIGBEE_BRIDGE, LORA_GATEWAY));
    if (kind !== 'flat' || random() < 0.4) devices.push(gasDetector(id, ZIGBEE_BRIDGE));
    units.push({
      id,
      building,
      floor,
      occupancy: status === 'custody' ? { status, since: '2026-06-01', startReadings: { waterM3: 12.5, electricityKwh: 830 } } : status,
      keyHeld: status === 'custody' || random() < 0.3,
      owner: { name: person(), phone: phone(), ...(random() < 0.3 ? { contactHours: '09:00-21:00' } : {}) },
      devices,
    });
  };
  /** Corridor smoke detectors: three per fire zone, wired to the building's panel (controller 1, loop = zone). */
  const smokeDetectors = (b: string, floors: number, ecosystem: 'native' | 'zigbee2mqtt'): DeviceEntry[] =>
    // Every other floor and the top one; a single-storey row of shops gets two, front and back.
    (floors === 1 ? [1, 2] : Array.from({ length: floors }, (_, i) => i + 1).filter((floor) => floor % 2 === 1 || floor === floors)).map((n) => {
      const floor = Math.min(n, floors);
      const zone = `${b}-Z${Math.ceil(floor / FLOORS_PER_ZONE)}`;
      const id = `sd-${b}-${n}`;
      return ecosystem === 'native'
        ? { id, kind: 'smoke-detector', zone, heartbeatSeconds: 300 }
        : { id, kind: 'smoke-detector', zone, source: { ecosystem, address: `smoke-${b}-${n}` }, gateway: ZIGBEE_BRIDGE };
    });
  const firePanel = (b: string): DeviceEntry => ({ id: `fp-${b}`, kind: 'fire-panel', zone: `${b}-Z1`, heartbeatSeconds: 60 });
  const concentrators = (b: number, e: number): DeviceEntry[] => [
    { id: `cc-w-${b}-${e}`, kind: 'gateway', heartbeatSeconds: 60 },
    { id: `cc-e-${b}-${e}`, kind: 'gateway', heartbeatSeconds: 60 },
  ];

  const siteId = options.siteId ?? 'demo';
  const publicGrid = addGrid('grid-public', '公共区域网格');
  for (let b = 1; b <= options.highRises; b++) {
    const id = String(b);
    const grid = addGrid(`grid-${b}`, `${b}栋网格`);
    const devices: DeviceEntry[] = [firePanel(id), ...smokeDetectors(id, options.floors, 'native')];
    const stairDevices: DeviceEntry[] = [];
    const lobbyDevices: DeviceEntry[] = [];
    buildings.push({ id, devices });
    for (let entrance = 1; entrance <= 2; entrance++) {
      const wire = ENTRANCE_WIRING[((b - 1) * 2 + entrance - 1) % ENTRANCE_WIRING.length] ?? (() => ({ water: 'native', electricity: 'native' }) as const);
      const wiring = wire(b, entrance);
      if (wiring.water === 'cjt188') devices.push(...concentrators(b, entrance));
      for (let floor = 1; floor <= options.floors; floor++)
        for (let flat = 1; flat <= 2; flat++) addUnit(`${b}-${entrance}-${floor}${String(flat).padStart(2, '0')}`, id, floor, 'flat', wiring);
      // 防火门应关闭但不得上锁: a contact on each stairwell fire door; some through Zigbee.
      stairDevices.push(
        b % 2 === 0
          ? {
              id: `fd-${b}-${entrance}`,
              kind: 'door-contact',
              fireDoor: true,
              source: { ecosystem: 'zigbee2mqtt', address: `firedoor-${b}-${entrance}` },
              gateway: ZIGBEE_BRIDGE,
            }
          : { id: `fd-${b}-${entrance}`, kind: 'door-contact', fireDoor: true, heartbeatSeconds: 300 },
      );
      // Lobby doors: esp-rfid controllers (TOPIC per door), heartbeat every 180 s, no last will.
      lobbyDevices.push({
        id: `ar-${b}-${entrance}`,
        kind: 'access-reader',
        heartbeatSeconds: 180,
        source: { ecosystem: 'esprfid', address: `/rfid/${siteId}/lobby-${b}-${entrance}` },
      });
    }
    areas.push({ id: `stair-${b}`, name: `${b}栋楼梯间`, kind: 'stairwell', building: id, grid, devices: stairDevices });
    areas.push({ id: `lobby-${b}`, name: `${b}栋大堂`, kind: 'lobby', building: id, grid, devices: lobbyDevices });
  }
  for (let m = 1; m <= (options.multiStoreys ?? 1); m++) {
    const id = `M${m}`;
    addGrid(`grid-${id}`, `多层${m}号楼网格`);
    const gateway = `neuron-${id}`;
    buildings.push({ id, devices: [firePanel(id), ...smokeDetectors(id, 6, 'native'), { id: gateway, kind: 'gateway', heartbeatSeconds: 60 }] });
    for (let entrance = 1; entrance <= 2; entrance++)
      for (let floor = 1; floor <= 6; floor++)
        for (let flat = 1; flat <= 2; flat++)
          addUnit(`${id}-${entrance}-${floor}${String(flat).padStart(2, '0')}`, id, floor, 'flat', {
            water: 'tts',
            electricity: 'neuron',
            electricityGateway: gateway,
          });
  }
  const villaGrid = addGrid('grid-villa', '别墅与商铺网格');
  buildings.push({ id: 'V', devices: [firePanel('V'), ...smokeDetectors('V', 3, 'zigbee2mqtt')] });
  for (let v = 1; v <= options.villas; v++) addUnit(`V-${v}`, 'V', 1, 'villa', { water: 'chirpstack-pulses', electricity: 'zigbee2mqtt' });
  buildings.push({ id: 'S', devices: [firePanel('S'), ...smokeDetectors('S', 1, 'native')] });
  for (let s = 1; s <= options.shops; s++) addUnit(`S-${s}`, 'S', 1, 'shop', { water: 'native', electricity: 'native' });

  areas.push(
    {
      id: 'gate-east',
      name: '东门',
      kind: 'gate',
      grid: publicGrid,
      devices: [
        { id: 'ar-gate-east', kind: 'access-reader', heartbeatSeconds: 180 },
        { id: 'dc-gate-east', kind: 'door-contact', heartbeatSeconds: 300 },
      ],
    },
    { id: 'gate-south', name: '南门', kind: 'gate', grid: publicGrid, devices: [{ id: 'ar-gate-south', kind: 'access-reader', heartbeatSeconds: 180 }] },
    {
      id: 'pump-room',
      name: '水泵房',
      kind: 'plant-room',
      grid: publicGrid,
      devices: [
        { id: 'wm-main', kind: 'water-meter', hasValve: true },
        { id: ZIGBEE_BRIDGE, kind: 'gateway', source: { ecosystem: 'zigbee2mqtt', address: 'bridge' } },
        { id: 'ls-pump-room', kind: 'leak-sensor', source: { ecosystem: 'zigbee2mqtt', address: 'leak-pump-room' }, gateway: ZIGBEE_BRIDGE },
      ],
    },
    { id: 'car-park', name: '地下车库', kind: 'car-park', grid: publicGrid, devices: [{ id: 'ar-car-park', kind: 'access-reader', heartbeatSeconds: 180 }] },
    { id: 'clubhouse', name: '会所', kind: 'clubhouse', grid: publicGrid, devices: [{ id: LORA_GATEWAY, kind: 'gateway', heartbeatSeconds: 60 }] },
  );

  people.push({ id: 'duty-1', name: `${person()}（值班管家）`, role: 'steward', phone: phone() });
  people.push({ id: 'operator-1', name: '张敏', role: 'operator' });
  people.push({ id: 'security-1', name: `${person()}（安保）`, role: 'security', phone: phone() });
  people.push({ id: 'maintenance-1', name: `${person()}（工程）`, role: 'maintenance', phone: phone() });
  people.push({ id: 'supervisor-1', name: `${person()}（管家部经理）`, role: 'manager' });

  const buildingMeta: Record<string, { name: string; kind: string; floors: number; grid: string }> = {};
  for (let b = 1; b <= options.highRises; b++) buildingMeta[String(b)] = { name: `${b}栋`, kind: 'high-rise', floors: options.floors, grid: `grid-${b}` };
  for (let m = 1; m <= (options.multiStoreys ?? 1); m++) buildingMeta[`M${m}`] = { name: `多层${m}号楼`, kind: 'multi-storey', floors: 6, grid: `grid-M${m}` };
  buildingMeta['V'] = { name: '别墅区', kind: 'villa', floors: 3, grid: villaGrid };
  buildingMeta['S'] = { name: '沿街商铺', kind: 'shop', floors: 1, grid: villaGrid };

  const doc = {
    site: { id: siteId, name: options.name ?? '翠湖花园', timezone: 'Asia/Shanghai' },
    people,
    grids,
    onDuty: 'duty-1',
    buildings: buildings.map((b) => ({ id: b.id, ...buildingMeta[b.id], devices: b.devices })),
    units,
    areas,
    // 空置房水表走动: 10 L within an hour in a home; a closed shop's cleaner may run a bucket.
    sources: generatedSources(siteId),
    rules: { 'vacant-unit-water': { thresholdLitres: 10, windowMinutes: 60 } },
    rulesByUnitType: { shop: { 'vacant-unit-water': { thresholdLitres: 20 } } },
  };
  return `# Demo community generated by \`npm run sim -- generate-site --seed ${options.seed}\`; edit freely.\n${stringify(doc, { flowCollectionPadding: false, collectionStyle: 'any' })}`;
}

/** The same community, parsed and checked by the site schema. */
export function generateCommunitySite(options: CommunityOptions): SiteFile {
  return parseSiteFile(generateCommunity(options), `generated (seed ${options.seed})`);
}
