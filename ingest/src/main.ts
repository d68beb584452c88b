import { createServer } from 'node:http';
import { ConfigError, createLogger, loadConfig, loadSiteFile, openDatabase, openPostgres, SiteFileError } from '@dutyroom/platform';
import { startIngestWorker } from './partition.ts';

/**
 * `npm run start:ingest`: an ingest worker on its own, against a real broker (MQTT_URL) and
 * database. With DUTYROOM_INGEST_LEASES=true several workers share the sites of
 * DUTYROOM_INGEST_SITE_FILES, each site on one worker at a time (docs/scaling.md).
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel, 'dutyroom-ingest');
  const mqttUrl = config.mqtt.url;
  if (mqttUrl === undefined) throw new ConfigError(['mqtt.url (MQTT_URL): a stand-alone ingest needs a broker, e.g. mqtt://127.0.0.1:1883']);
  if (config.database.url === undefined) log.warn('no DATABASE_URL: using embedded PGlite, which only this process can open');
  const databaseUrl = config.database.url;
  if (config.scale.leases && databaseUrl === undefined)
    throw new ConfigError(['scale.leases (DUTYROOM_INGEST_LEASES) needs DATABASE_URL: leases are PostgreSQL advisory locks']);
  const sites = await Promise.all((config.scale.siteFiles ?? [config.siteFile]).map((file) => loadSiteFile(file)));
  const db = await openDatabase(config);
  const worker = await startIngestWorker({
    config,
    mqttUrl,
    db,
    sites,
    log,
    ...(config.scale.leases && databaseUrl !== undefined ? { leaseDb: () => openPostgres(databaseUrl, config.database.schema) } : {}),
  });

  const http = createServer((request, response) => {
    if (request.url === '/metrics') {
      worker.metrics.registry.metrics().then((text) => response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(text));
    } else if (request.url === '/healthz') {
      const sites = worker.owned().map((siteId) => ({ siteId, mqtt: worker.ingestOf(siteId)?.client.connected === true }));
      const healthy = sites.every((s) => s.mqtt);
      response.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ worker: worker.workerId, sites }));
    } else response.writeHead(404).end();
  });
  http.listen(config.ingest.httpPort, config.http.host);

  const stop = async () => {
    http.close();
    await worker.stop();
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
