import type { SiteFile } from '@dutyroom/domain';

/**
 * What the noise bench injects, when, and what each injection must produce. Pure: the run
 * (run.ts) carries it out, the accounting (accounting.ts) holds the database against it.
 */
export type BenchProcess = 'ingest' | 'server' | 'simulator';

export type Injection =
  | { readonly kind: 'restart'; readonly at: number; readonly process: BenchProcess; readonly index: number }
  /** The demo's leak (demo-player.ts): 20–30 L/min for ten minutes in an empty unit with a native meter. */
  | {
      readonly kind: 'leak';
      readonly at: number;
      readonly unitId: string;
      readonly meterId: string;
      readonly litresPerMinute: number;
      readonly minutes: number;
    }
  /** A gateway's uplink goes: its last will says offline, it and its children fall silent, then come back. */
  | { readonly kind: 'gateway-outage'; readonly at: number; readonly gatewayId: string; readonly children: readonly string[]; readonly minutes: number }
  /** A DTU / concentrator re-base: these meters' registers go back to ~0 and count on from there. */
  | { readonly kind: 'rebase'; readonly at: number; readonly meterIds: readonly string[] }
  /** The host clock (broker, ingest, server) jumps forward, then back. */
  | { readonly kind: 'clock-jump'; readonly at: number; readonly jumpMs: number; readonly minutes: number }
  /** A site-data revision through the server's API: a threshold and one unit's occupancy. */
  | { readonly kind: 'site-revision'; readonly at: number; readonly unitId: string; readonly occupancy: 'occupied'; readonly thresholdLitres: number }
  /** A drill started as the console starts it (POST /api/v1/drills). */
  | { readonly kind: 'drill'; readonly at: number; readonly scenario: string };

/** An injection before it is placed in time. */
type Unplaced = Injection extends infer I ? (I extends Injection ? Omit<I, 'at'> : never) : never;

export interface NoiseOptions {
  readonly simulatedMs: number;
  readonly restartsPerProcess: number;
  readonly leaks: number;
  readonly rebaseMeters: number;
  readonly gatewayOutageMinutes: number;
  readonly clockJump: boolean;
  readonly siteRevision: boolean;
  readonly drills: readonly string[];
  readonly seed: number;
}

export interface NoisePlan {
  readonly injections: readonly Injection[];
  /** Quiet time before the first injection and after the last (simulated ms). */
  readonly warmUpMs: number;
  readonly coolDownMs: number;
}

const MIN = 60_000;
const isEmpty = (status: string) => status === 'vacant' || status === 'custody' || status === 'shop-closed';

/** Meters a DTU or concentrator re-bases first (behind a gateway), then those whose counters reset on a reboot (Tasmota, pulse modules), then any. */
export function rebaseCandidates(site: SiteFile): string[] {
  const meters = site.units.flatMap((u) => u.devices.filter((d) => d.kind === 'water-meter' || d.kind === 'electricity-meter'));
  const rank = (d: (typeof meters)[number]) => (d.gateway !== undefined ? 0 : d.source?.ecosystem === 'tasmota' || d.pulseFactor !== undefined ? 1 : 2);
  return meters
    .map((d, i) => ({ d, i }))
    .sort((a, b) => rank(a.d) - rank(b.d) || a.i - b.i)
    .map(({ d }) => d.id);
}

/**
 * Spreads the injections over the run: a warm-up first (every device has reported and every
 * state is settled), then one injection per slot, kinds interleaved so that restarts fall
 * between the others, a cool-down last (detection and held clears). No injection overlaps
 * another: a slot is longer than the longest one, so each effect is told apart.
 */
export function planNoise(site: SiteFile, options: NoiseOptions): NoisePlan {
  const warmUpMs = Math.min(2 * 3_600_000, options.simulatedMs * 0.08);
  const coolDownMs = Math.min(3 * 3_600_000, options.simulatedMs * 0.1);
  const units = site.units;
  // The demo leaks only in empty units with a native water meter; the site revision takes another unit.
  const leakable = units.filter(
    (u) => isEmpty(u.occupancy.status) && u.devices.some((d) => d.kind === 'water-meter' && (d.source?.ecosystem ?? 'native') === 'native'),
  );
  const gateways = [...site.buildings.flatMap((b) => b.devices), ...site.areas.flatMap((a) => a.devices)].filter((d) => d.kind === 'gateway');
  const childrenOf = (id: string) =>
    [...units.flatMap((u) => u.devices), ...site.buildings.flatMap((b) => b.devices), ...site.areas.flatMap((a) => a.devices)]
      .filter((d) => d.gateway === id)
      .map((d) => d.id);
  // A concentrator with meters behind it (the outage every site has), one that speaks native and so has a clock.
  const gateway = gateways
    .filter((g) => g.source === undefined)
    .map((g) => ({ id: g.id, children: childrenOf(g.id) }))
    .sort((a, b) => b.children.length - a.children.length)[0];
  const revisionUnit = units.find((u) => u.occupancy.status === 'vacant' && !leakable.slice(0, options.leaks).includes(u));

  const others: Unplaced[] = [];
  for (let i = 0; i < options.leaks; i++) {
    const unit = leakable[(i * 7) % Math.max(1, leakable.length)];
    const meter = unit?.devices.find((d) => d.kind === 'water-meter');
    if (unit !== undefined && meter !== undefined)
      others.push({ kind: 'leak', unitId: unit.id, meterId: meter.id, litresPerMinute: 20 + ((i * 3) % 11), minutes: 10 });
  }
  if (gateway !== undefined && options.gatewayOutageMinutes > 0)
    others.push({ kind: 'gateway-outage', gatewayId: gateway.id, children: gateway.children, minutes: options.gatewayOutageMinutes });
  if (options.rebaseMeters > 0) others.push({ kind: 'rebase', meterIds: rebaseCandidates(site).slice(0, options.rebaseMeters) });
  if (options.clockJump) others.push({ kind: 'clock-jump', jumpMs: 3_600_000, minutes: 10 });
  if (options.siteRevision && revisionUnit !== undefined)
    others.push({ kind: 'site-revision', unitId: revisionUnit.id, occupancy: 'occupied', thresholdLitres: 12 });
  for (const scenario of options.drills) others.push({ kind: 'drill', scenario });

  const restarts: Unplaced[] = [];
  for (let index = 0; index < options.restartsPerProcess; index++)
    for (const process of ['ingest', 'server', 'simulator'] as const) restarts.push({ kind: 'restart', process, index });

  // Interleave: spread the other injections evenly among the restarts.
  const sequence: Unplaced[] = [];
  const total = restarts.length + others.length;
  let r = 0;
  let o = 0;
  for (let k = 0; k < total; k++) {
    const wantOther = o < others.length && (r >= restarts.length || (o + 1) / (others.length + 1) <= (k + 1) / (total + 1));
    const next = wantOther ? others[o++] : restarts[r++];
    if (next !== undefined) sequence.push(next);
  }
  const slot = (options.simulatedMs - warmUpMs - coolDownMs) / Math.max(1, sequence.length);
  const longest = Math.max(10, options.gatewayOutageMinutes) * MIN;
  if (slot < longest + 5 * MIN)
    throw new RangeError(
      `a simulated run of ${Math.round(options.simulatedMs / MIN)} min cannot hold ${sequence.length} injections of up to ${longest / MIN} min apart`,
    );
  const injections = sequence.map((injection, k) => ({ ...injection, at: Math.round(warmUpMs + k * slot) }) as Injection);
  return { injections, warmUpMs, coolDownMs };
}
