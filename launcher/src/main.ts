import { fileURLToPath } from 'node:url';
import { ConfigError, createLogger, loadConfig, loadSiteFile, SiteFileError } from '@dutyroom/platform';
import { PortInUseError } from '@dutyroom/server';
import { BrokerPortInUseError } from './embedded-broker.ts';
import { demoStatePath, startProduct } from './product.ts';

/** `npm start`: the whole product on embedded defaults, in demo mode unless told otherwise. */
async function main(): Promise<void> {
  const config = loadConfig(process.env, { demo: process.env['DUTYROOM_DEMO'] ?? true });
  const log = createLogger(config.logLevel);
  // Ctrl-C while starting must not kill the process mid-write (PGlite's files, the simulator's
  // state): it is noted, and the product stops cleanly as soon as it has started.
  let signalled: string | undefined;
  const early = (signal: string) => {
    signalled ??= signal;
    log.info({ signal }, 'stopping as soon as start-up is complete');
  };
  const onEarlyInt = () => early('SIGINT');
  const onEarlyTerm = () => early('SIGTERM');
  process.on('SIGINT', onEarlyInt);
  process.on('SIGTERM', onEarlyTerm);
  const fromFile = await loadSiteFile(config.siteFile);
  const consoleDir = fileURLToPath(new URL('../../console/build', import.meta.url));
  const product = await startProduct({ config, site: fromFile, log, consoleDir });
  process.off('SIGINT', onEarlyInt);
  process.off('SIGTERM', onEarlyTerm);
  const { stack, simulator } = product;
  const site = stack.current.site;

  const demo = stack.server.demo;
  const lines = [
    '',
    `  Dutyroom 值班室 — ${site.site.name} (site data revision ${stack.current.revision})`,
    `  Console:   ${stack.server.url}`,
    demo
      ? `  Demo login: ${demo.username} / ${demo.password}   (demo mode: never use these accounts on a real site)`
      : '  Log in with an account created by an administrator.',
    `  MQTT:      ${stack.mqttUrl}${stack.broker ? ' (embedded broker)' : ''}`,
    `  Database:  ${stack.db.kind === 'pglite' ? `embedded PGlite in ${config.dataDir}/pglite` : 'PostgreSQL'}`,
    `  Telemetry: ${config.influx.url ?? 'embedded store'}`,
    simulator
      ? `  Simulator: ${simulator.meters} meters of the demo site, ${simulator.resumed ? 'resumed from' : 'state kept in'} ${demoStatePath(config.dataDir)}`
      : '  Simulator: off',
    stack.drillRunner ? `  Drills:    ${stack.drillRunner.catalog.scenarios.length} scenarios for the console (演练)` : '  Drills:    no drill runner',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    await product.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  if (signalled !== undefined) await shutdown(signalled);
}

main().catch((error: unknown) => {
  const known = error instanceof ConfigError || error instanceof SiteFileError || error instanceof PortInUseError || error instanceof BrokerPortInUseError;
  process.stderr.write(`\nDutyroom could not start: ${known ? (error as Error).message : (error as Error).stack}\n`);
  process.exit(1);
});
