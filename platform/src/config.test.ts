import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe(loadConfig.name, () => {
  it('starts from embedded defaults', () => {
    const config = loadConfig({});
    expect([config.mqtt.url, config.database.url, config.influx.url, config.http.port, config.mqtt.embeddedPort]).toEqual([
      undefined,
      undefined,
      undefined,
      8080,
      1884,
    ]);
  });

  it('reads the environment', () => {
    const config = loadConfig({ MQTT_URL: 'mqtt://broker:1883', DATABASE_URL: 'postgres://db/dutyroom', DUTYROOM_HTTP_PORT: '9000', DUTYROOM_DEMO: 'true' });
    expect([config.mqtt.url, config.database.url, config.http.port, config.demo]).toEqual(['mqtt://broker:1883', 'postgres://db/dutyroom', 9000, true]);
  });

  it('reports every wrong value at once, naming the variable to change', () => {
    expect.assertions(3);
    try {
      loadConfig({ DUTYROOM_HTTP_PORT: '99999', MQTT_URL: 'http://broker', LOG_LEVEL: 'loud' });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const { problems } = error as ConfigError;
      expect(problems).toHaveLength(3);
      expect(problems.join('\n')).toMatch(/http\.port \(DUTYROOM_HTTP_PORT\)[\s\S]*mqtt\.url \(MQTT_URL\): must start with mqtt:\/\//);
    }
  });
});
