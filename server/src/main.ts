import { fileURLToPath } from 'node:url';
import { ConfigError, createLogger, loadConfig, loadSiteFile, openDatabase, SiteFileError } from '@dutyroom/platform';
import { PortInUseError, startServer } from './server.ts';

/** `npm run start:server`: the server (API, socket.io, console) on its own against real servers. */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel, 'dutyroom-server');
  if (config.mqtt.url === undefined) throw new ConfigError(['mqtt.url (MQTT_URL): a stand-alone server needs a broker, e.g. mqtt://127.0.0.1:1883']);
  const site = await loadSiteFile(config.siteFile);
  const db = await openDatabase(config);
  const consoleDir = fileURLToPath(new URL('../../console/build', import.meta.url));
  const server = await startServer({ config, db, site, mqttUrl: config.mqtt.url, log, consoleDir });
  log.info({ url: server.url }, 'server running');
  const stop = async () => {
    await server.stop();
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  const known = error instanceof ConfigError || error instanceof SiteFileError || error instanceof PortInUseError;
  process.stderr.write(`dutyroom-server could not start: ${known ? (error as Error).message : (error as Error).stack}\n`);
  process.exit(1);
});
