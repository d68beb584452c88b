import type { SiteFile } from '@dutyroom/domain';
import { ambientEventsOfDay } from './ambient.ts';
import { localTime } from './encoders/frames.ts';
import { encodeNative } from './encoders/native.ts';
import { type FollowUp, followUpLabel, runFollowUp } from './follow-ups.ts';
import type { EncodableDevice, Observation, WireMessage } from './observation.ts';
import { litresDrawn, powerKw } from './profiles.ts';
import { seededRandom } from './random.ts';
import { applyDeviceState, buildSimDevices, deviceState, type SimDevice } from './sim-devices.ts';
import type { SimulationSnapshot } from './sim-state.ts';
import { Timeline } from './timeline.ts';
import { type EcosystemSettings, ecosystemSettings } from './wire.ts';

export interface SimulationOptions {
  readonly site: SiteFile;
  readonly seed: number;
  /** Simulated epoch ms at which the simulation starts. */
  readonly startTs: number;
  /** Overrides every meter's reporting interval (the demo's 30 s). */
  readonly meterIntervalSeconds?: number | undefined;
  /** Life without a scenario: card swipes, panel faults, devices dropping off, batteries running down. */
  readonly ambient?: boolean | undefined;
  /** 演练: every message is flagged as a drill where the format can say so (native `drill: true`). */
  readonly drill?: boolean | undefined;
  readonly settings?: EcosystemSettings | undefined;
  /**
   * Carry on from a saved snapshot (src/sim-state.ts) instead of starting over: registers,
   * batteries, sequence numbers, report phases, gateways still down and pending follow-ups. Meters
   * keep consuming over the time the simulator was stopped, as real ones would have.
   */
  readonly resume?: SimulationSnapshot | undefined;
}

/** A message and the simulated instant it was produced at. */
export interface Emitted {
  readonly ts: number;
  readonly deviceId: string;
  readonly message: WireMessage;
}

type Entry =
  | { readonly type: 'report'; readonly device: SimDevice }
  | { readonly type: 'event'; readonly label: string; readonly run: (ts: number) => void }
  | { readonly type: 'follow-up'; readonly id: number; readonly followUp: FollowUp };

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** Reports that fell due while the simulator was stopped come in this soon after it resumes, not a whole interval later. */
const OVERDUE_SPREAD_MS = 20_000;
/** Beyond this the meters' catch-up over a stop is not worth simulating hour by hour. */
const MAX_CATCH_UP_MS = 7 * DAY_MS;

/**
 * The community in motion: each device reports on its own interval, scheduled events (scenario
 * steps, ambient life) happen at their instant, and everything comes out as the wire messages of
 * each device's ecosystem, in simulated-time order. Pure of I/O and of the wall clock: a runner
 * (src/runner.ts) decides when to advance and where the messages go.
 */
export class Simulation {
  readonly site: SiteFile;
  readonly devices: readonly SimDevice[];
  readonly settings: EcosystemSettings;
  readonly drill: boolean;
  readonly #random: () => number;
  readonly #byId: Map<string, SimDevice>;
  readonly #timeline = new Timeline<Entry>();
  readonly #offlineGateways = new Set<string>();
  /** Each device's next report (for the snapshot). */
  readonly #nextReportAt = new Map<string, number>();
  readonly #followUps = new Map<number, { readonly at: number; readonly followUp: FollowUp }>();
  #followUpIds = 0;
  #out: Emitted[] = [];
  #now: number;
  readonly #seed: number;
  /** Start of the next local day whose ordinary life is not scheduled yet. */
  #ambientUntil: number;
  /** Ambient events before this instant are past: they ran before a restart, or while stopped. */
  readonly #ambientFrom: number;
  readonly #ambient: boolean;
  /** Counts per event label, for the run summary. */
  readonly eventsRun = new Map<string, number>();

  constructor(options: SimulationOptions) {
    this.site = options.site;
    this.#random = seededRandom(options.seed);
    this.devices = buildSimDevices(options.site, {
      startTs: options.startTs,
      random: this.#random,
      meterIntervalSeconds: options.meterIntervalSeconds,
      wornBatteries: options.ambient ?? true,
    });
    this.#byId = new Map(this.devices.map((d) => [d.id, d]));
    this.settings = options.settings ?? ecosystemSettings(options.site);
    this.drill = options.drill ?? false;
    this.#now = options.startTs;
    this.#seed = options.seed;
    this.#ambient = options.ambient ?? true;
    this.#ambientFrom = options.startTs;
    this.#ambientUntil = this.#localDayStart(options.startTs);
    const resume = options.resume;
    if (resume !== undefined) this.#resume(resume, options.startTs);
    // First reports spread over one interval, so the broker sees a steady stream, not a burst; the
    // meters of one concentrator are read in one polling round. A resumed device keeps its phase.
    const phases = new Map<string, number>();
    for (const device of this.devices) {
      const round = device.gatewayId !== undefined && (device.encodable.ecosystem === 'cjt188' || device.encodable.ecosystem === 'dlt645');
      const key = round ? `${device.gatewayId}\u0000${device.encodable.ecosystem}` : device.id;
      const saved = resume?.devices[device.id]?.nextReportAt;
      const phase = phases.get(key) ?? Math.floor(this.#random() * device.reportEveryMs);
      phases.set(key, phase);
      this.#pushReport(device, saved === undefined ? options.startTs + phase : resumedReportAt(saved, options.startTs));
    }
  }

  /** Everything a restarted simulator needs to carry on (src/sim-state.ts). */
  snapshot(): SimulationSnapshot {
    return {
      simNow: this.#now,
      devices: Object.fromEntries(this.devices.map((d) => [d.id, deviceState(d, this.#nextReportAt.get(d.id) ?? this.#now)])),
      offlineGateways: [...this.#offlineGateways],
      followUps: [...this.#followUps.values()].map(({ at, followUp }) => ({ at, ...followUp })),
    };
  }

  /** Schedules a follow-up (plain data, saved with the snapshot) at simulated `ts`. */
  scheduleFollowUp(ts: number, followUp: FollowUp): void {
    const id = this.#followUpIds++;
    const at = Math.max(ts, this.#now);
    this.#followUps.set(id, { at, followUp });
    this.#timeline.push(at, { type: 'follow-up', id, followUp });
  }

  get now(): number {
    return this.#now;
  }

  device(id: string): SimDevice | undefined {
    return this.#byId.get(id);
  }

  /** Retained "online" of every device that announces itself (MQTT birth / LWT counterpart). */
  announce(): Emitted[] {
    // A device (or gateway) still off the network since before a restart stays silent.
    for (const device of this.devices) if (device.online) this.observe(device, { type: 'status', online: true }, this.#now);
    return this.#drain();
  }

  /** Runs `run` at simulated `ts` (not before the simulation's present). */
  schedule(ts: number, label: string, run: (ts: number) => void): void {
    this.#timeline.push(Math.max(ts, this.#now), { type: 'event', label, run });
  }

  /** Advances to `simTs` and returns what every device published meanwhile, in time order. */
  advanceTo(simTs: number): Emitted[] {
    if (this.#ambient) this.#scheduleAmbient(simTs);
    for (let at = this.#timeline.peekAt(); at !== undefined && at <= simTs; at = this.#timeline.peekAt()) {
      const next = this.#timeline.pop();
      if (next === undefined) break;
      this.#now = next.at;
      const entry = next.item;
      if (entry.type === 'event') {
        this.eventsRun.set(entry.label, (this.eventsRun.get(entry.label) ?? 0) + 1);
        entry.run(next.at);
      } else if (entry.type === 'follow-up') {
        const label = followUpLabel[entry.followUp.do];
        this.eventsRun.set(label, (this.eventsRun.get(label) ?? 0) + 1);
        this.#followUps.delete(entry.id);
        runFollowUp(this, entry.followUp, next.at);
      } else {
        this.#report(entry.device, next.at);
        this.#pushReport(entry.device, next.at + entry.device.reportEveryMs);
      }
    }
    this.#now = Math.max(this.#now, simTs);
    return this.#drain();
  }

  /** Encodes one observation of a device at `ts`, unless the device or its gateway is off the network. */
  observe(device: SimDevice, observation: Observation, ts: number): void {
    const gatewayDown = device.gatewayId !== undefined && this.#offlineGateways.has(device.gatewayId);
    if (gatewayDown || (!device.online && observation.type !== 'status')) return;
    device.seq += 1;
    // 演练 (SPEC §8): only the native format can carry `drill: true`; a drill in a vendor format
    // (Zigbee2MQTT, LoRaWAN, meter frames) would look like a real alarm. The ingest accepts a
    // device's native topics whatever its `source`, so every drill message goes native.
    const encode = this.drill ? encodeNative : device.encoder;
    const messages = encode(observation, this.drill ? asNative(device.encodable) : device.encodable, {
      siteId: this.site.site.id,
      timeZone: this.site.site.timezone,
      ts,
      seq: device.seq,
      drill: this.drill,
      random: this.#random,
      settings: this.settings,
    });
    for (const message of messages) this.#out.push({ ts, deviceId: device.id, message });
  }

  /** Brings a meter's register up to `ts`: normal use along its profile plus any leak or burst. */
  advanceMeter(device: SimDevice, ts: number): void {
    const seconds = (ts - device.lastAdvanceAt) / 1000;
    if (seconds <= 0) return;
    const hour = localTime(device.lastAdvanceAt, this.site.site.timezone).hour;
    if (device.kind === 'water-meter') {
      const extraMs = Math.max(0, Math.min(ts, device.extraFlowUntil) - device.lastAdvanceAt);
      const litres = device.valveClosed ? 0 : litresDrawn(device.profile, hour, seconds, this.#random) + (device.extraFlowLitresPerMinute * extraMs) / 60_000;
      device.totalLitres += litres;
      device.flowLitresPerMinute = litres / (seconds / 60);
    } else if (device.kind === 'electricity-meter') {
      device.powerKw = powerKw(device.profile, hour, this.#random);
      device.totalKwh += device.powerKw * (seconds / 3600);
    }
    if (device.batteryPowered) device.battery = Math.max(0, device.battery - (device.batteryDrainPerDay * seconds) / 86_400);
    device.lastAdvanceAt = ts;
  }

  /** A gateway or concentrator leaves the network: its last will says offline, its devices fall silent. */
  setGatewayOnline(gateway: SimDevice, online: boolean, ts: number): void {
    if (online) this.#offlineGateways.delete(gateway.id);
    this.observe(gateway, { type: 'status', online }, ts);
    gateway.online = online;
    if (!online) this.#offlineGateways.add(gateway.id);
  }

  setDeviceOnline(device: SimDevice, online: boolean, ts: number): void {
    if (!online) this.observe(device, { type: 'status', online: false }, ts);
    device.online = online;
    if (online) this.observe(device, { type: 'status', online: true }, ts);
  }

  /** What the device says when its interval comes round. */
  #report(device: SimDevice, ts: number): void {
    switch (device.kind) {
      case 'water-meter':
        this.advanceMeter(device, ts);
        this.observe(
          device,
          {
            type: 'water',
            totalLitres: device.totalLitres,
            flowLitresPerMinute: device.flowLitresPerMinute,
            valveClosed: device.valveClosed,
            batteryLow: device.battery < 15,
          },
          ts,
        );
        return;
      case 'electricity-meter':
        this.advanceMeter(device, ts);
        this.observe(device, { type: 'electricity', totalKwh: device.totalKwh, powerKw: device.powerKw }, ts);
        return;
      // Sensors repeat their state on every check-in, so "open for 5 minutes" shows in reading time too.
      case 'leak-sensor':
        this.#batteryCheckIn(device, ts);
        this.observe(device, { type: 'leak', wet: device.wet }, ts);
        return;
      case 'door-contact':
        this.#batteryCheckIn(device, ts);
        this.observe(device, { type: 'contact', open: device.doorOpen }, ts);
        return;
      case 'gas-detector':
        this.observe(device, { type: 'gas', alarm: device.alarm }, ts);
        return;
      default:
        this.#batteryCheckIn(device, ts);
    }
    // Devices whose protocol has a heartbeat of its own (esp-rfid every 180 s); in a drill every
    // device speaks native, heartbeat included, so liveness is judged as for a native device.
    const heartbeats = this.drill || device.encodable.ecosystem === 'native' || device.encodable.ecosystem === 'esprfid';
    if (heartbeats) this.observe(device, { type: 'heartbeat' }, ts);
  }

  #batteryCheckIn(device: SimDevice, ts: number): void {
    if (!device.batteryPowered) return;
    device.battery = Math.max(0, device.battery - (device.batteryDrainPerDay * (ts - device.lastAdvanceAt)) / DAY_MS);
    device.lastAdvanceAt = ts;
    this.observe(device, { type: 'battery', percent: Math.round(device.battery * 10) / 10, low: device.battery < 15 }, ts);
  }

  /**
   * One local day of ordinary life at a time, drawn from a random seeded by the seed and the day, so
   * a restarted simulator draws the same day again and only plays what is still ahead: a fault or
   * a dropout happens once, not once per restart.
   */
  #scheduleAmbient(simTs: number): void {
    while (this.#ambientUntil <= simTs) {
      const dayStart = this.#ambientUntil;
      const random = seededRandom(Math.imul(this.#seed, 0x9e3779b1) ^ Math.round(dayStart / DAY_MS));
      for (const event of ambientEventsOfDay(this, dayStart, random)) if (event.at >= this.#ambientFrom) this.schedule(event.at, event.label, event.run);
      this.#ambientUntil = this.#localDayStart(dayStart + DAY_MS + 2 * HOUR_MS);
    }
  }

  /** Local midnight of the day of `ts` in the site's time zone. */
  #localDayStart(ts: number): number {
    const t = localTime(ts, this.site.site.timezone);
    return ts - ((t.hour * 60 + t.minute) * 60 + t.second) * 1000 - (((ts % 1000) + 1000) % 1000);
  }

  #pushReport(device: SimDevice, at: number): void {
    this.#nextReportAt.set(device.id, at);
    this.#timeline.push(at, { type: 'report', device });
  }

  #resume(snapshot: SimulationSnapshot, startTs: number): void {
    for (const device of this.devices) {
      const saved = snapshot.devices[device.id];
      if (saved === undefined) continue; // a device added to the site since: it starts fresh
      applyDeviceState(device, saved);
      // The meters kept turning while the simulator was stopped: hour by hour, along the day's profile.
      if (device.kind === 'water-meter' || device.kind === 'electricity-meter') {
        const until = Math.min(startTs, device.lastAdvanceAt + MAX_CATCH_UP_MS);
        for (let ts = device.lastAdvanceAt + HOUR_MS; ts < until; ts += HOUR_MS) this.advanceMeter(device, ts);
        this.advanceMeter(device, until);
        device.lastAdvanceAt = Math.max(device.lastAdvanceAt, startTs);
      }
    }
    for (const id of snapshot.offlineGateways) if (this.#byId.has(id)) this.#offlineGateways.add(id);
    for (const { at, ...followUp } of snapshot.followUps) this.scheduleFollowUp(Math.max(at, startTs), followUp);
  }

  /** The messages produced so far; relayed frames of one topic and instant joined into one message. */
  #drain(): Emitted[] {
    const out = this.#out;
    this.#out = [];
    const batches = new Map<string, Emitted>();
    const merged: Emitted[] = [];
    for (const e of out) {
      if (!e.message.batchable) {
        merged.push(e);
        continue;
      }
      const key = `${e.message.topic}\u0000${e.ts}`;
      const batch = batches.get(key);
      if (batch === undefined) {
        batches.set(key, e);
        merged.push(e);
      } else {
        const joined: Emitted = { ...batch, message: { ...batch.message, payload: `${batch.message.payload} ${e.message.payload}` } };
        batches.set(key, joined);
        merged[merged.indexOf(batch)] = joined;
      }
    }
    return merged;
  }
}

/**
 * When a device reports after a resume: at its saved instant if still ahead; if it fell due while
 * the simulator was stopped, within a few seconds (by its phase, so a concentrator's meters stay in
 * one round) rather than a whole interval later, which a liveness rule would take for silence.
 */
function resumedReportAt(savedAt: number, startTs: number): number {
  if (savedAt >= startTs) return savedAt;
  return startTs + (((savedAt % OVERDUE_SPREAD_MS) + OVERDUE_SPREAD_MS) % OVERDUE_SPREAD_MS);
}

/** The same device speaking the native protocol: its own id as address, no concentrator relaying it. */
function asNative(device: EncodableDevice): EncodableDevice {
  return { ...device, ecosystem: 'native', address: device.id, gatewayAddress: undefined };
}
