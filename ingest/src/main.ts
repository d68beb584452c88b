import { createServer } from 'node:http';
import { ConfigError, createLogger, loadConfig, loadSiteFile, openDatabase, SiteFileError } from '@dutyroom/platform';
import { startIngest } from './ingest.ts';

/** `npm run start:ingest`: the ingest on its own, against a real broker (MQTT_URL) and database. */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel, 'dutyroom-ingest');
  if (config.mqtt.url === undefined) throw new ConfigError(['mqtt.url (MQTT_URL): a stand-alone ingest needs a broker, e.g. mqtt://127.0.0.1:1883']);
  if (config.database.url === undefined) log.warn('no DATABASE_URL: using embedded PGlite, which only this process can open');
  const site = await loadSiteFile(config.siteFile);
  const db = await openDatabase(config);
  const ingest = await startIngest({ config, mqttUrl: config.mqtt.url, db, site, log });

  const http = createServer((request, response) => {
    if (request.url === '/metrics') {
      ingest.metrics.registry.metrics().then((text) => response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text));
    } else if (request.url === '/healthz') {
      response.writeHead(ingest.client.connected ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ mqtt: ingest.client.connected }));
    } else response.writeHead(404).end();
  });
  http.listen(config.ingest.httpPort, config.http.host);

  const stop = async () => {
    http.close();
    await ingest.stop();
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((error: unknown) => {
  const known = error instanceof ConfigError || error instanceof SiteFileError;
  process.stderr.write(`dutyroom-ingest could not start: ${known ? (error as Error).message : (error as Error).stack}\n`);
  process.exit(1);
});
