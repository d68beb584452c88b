import { cpus, loadavg } from 'node:os';
import { detectors, indexSite, type Reading } from '@dutyroom/domain';
import { createDetectorRunner } from '../../ingest/src/detector-runner.ts';
import { createConfigResolver } from '../../ingest/src/rule-config.ts';
import { benchSite } from './bench-site.ts';

/**
 * CPU time of the detectors alone (no decoding, no I/O): `meters` meters of the bench site send a
 * register reading a minute through the real registry, for `rounds` minutes. The first rounds
 * create the states and warm the JIT; the rest give the steady-state cost per reading. CPU time
 * (process.cpuUsage), not wall time: the machine is shared.
 *
 * `node --import tsx test/bench/detector-cpu.ts [meters] [rounds]`
 */
export function measureDetectorCpu(meters: number, rounds: number, warmRounds = 5) {
  const file = benchSite('cpu', meters);
  const site = indexSite(file);
  const runner = createDetectorRunner({
    detectors,
    configFor: createConfigResolver(file, detectors),
    site,
    onError: (detector, error) => {
      throw new Error(`${detector.id} threw: ${String(error)}`);
    },
  });
  const devices = site.devices;
  const t0 = Date.UTC(2026, 10, 24, 16, 0, 0); // 00:00 in Shanghai: the night-flow window opens during the run
  let readings = 0;
  let findings = 0;
  let micros = 0;
  let sequence = 0;
  for (let round = 0; round < rounds; round++) {
    const batch: [Reading, (typeof devices)[number]][] = devices.map((device, i) => {
      const water = device.kind === 'water-meter';
      // A third of the water meters stand still, the rest draw a little; electricity always runs.
      const step = water ? 0.001 * (i % 3) : 0.02;
      const ts = t0 + round * 60_000 + i;
      sequence++;
      const reading = {
        siteId: 'cpu',
        deviceId: device.device.id,
        ts,
        deviceTs: ts,
        receivedAt: ts,
        drill: false,
        idempotencyKey: `k${sequence}`,
        kind: water ? 'water.total' : 'electricity.total',
        value: Math.round((100 + round * step) * 1e6) / 1e6,
      } as Reading;
      return [reading, device];
    });
    const start = process.cpuUsage();
    for (const [reading, device] of batch) {
      const found = runner.onReading(reading, device);
      if (found !== undefined) findings += found.events.length;
    }
    const used = process.cpuUsage(start);
    if (round >= warmRounds) {
      micros += used.user + used.system;
      readings += batch.length;
    }
  }
  return {
    meters: devices.length,
    timedReadings: readings,
    cpuMicrosPerReading: Math.round((micros / readings) * 100) / 100,
    findings,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    cores: cpus().length,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(measureDetectorCpu(Number(process.argv[2] ?? 20_000), Number(process.argv[3] ?? 25))));
}
