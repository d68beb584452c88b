import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseSiteFile } from '@dutyroom/platform';
import { generateCommunity } from './community.ts';

const usage = `Usage: npm run sim -- generate-site [--seed N] [--high-rises N] [--floors N] [--villas N] [--shops N] [--out FILE]

Commands:
  generate-site   write a site file for a generated community (deterministic from --seed)`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    seed: { type: 'string', default: '1' },
    'high-rises': { type: 'string', default: '3' },
    floors: { type: 'string', default: '18' },
    villas: { type: 'string', default: '8' },
    shops: { type: 'string', default: '10' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

if (values.help || positionals[0] !== 'generate-site') {
  console.log(usage);
  process.exit(values.help ? 0 : 2);
}
const text = generateCommunity({
  seed: Number(values.seed),
  highRises: Number(values['high-rises']),
  floors: Number(values.floors),
  villas: Number(values.villas),
  shops: Number(values.shops),
});
const site = parseSiteFile(text, values.out ?? 'generated');
if (values.out) {
  writeFileSync(values.out, text);
  console.log(`wrote ${values.out}: ${site.buildings.length} buildings, ${site.units.length} units`);
} else process.stdout.write(text);
