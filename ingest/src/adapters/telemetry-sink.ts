import type { Reading } from '@dutyroom/domain';

/** Where readings go for the charts: InfluxDB when configured, else the relational store. */
export interface TelemetrySink {
  write(reading: Reading): Promise<void>;
  flush(): Promise<void>;
  close(): Promise<void>;
}
