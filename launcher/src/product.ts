import { join } from 'node:path';
import type { Config, SiteFile } from '@dutyroom/domain';
import type { Logger } from '@dutyroom/platform';
import { startDemoPlayer } from '@dutyroom/simulators';
import { type Stack, startStack } from './stack.ts';

/** Where the demo simulator keeps its registers and schedule between two `npm start`s. */
export const demoStatePath = (dataDir: string): string => join(dataDir, 'simulator', 'demo-state.json');

export interface Product {
  readonly stack: Stack;
  readonly simulator: Awaited<ReturnType<typeof startDemoPlayer>> | undefined;
  stop(): Promise<void>;
}

/**
 * `npm start` without the terminal: the stack and, when enabled, the demo simulator resuming from
 * the data directory, so a restart on the same directory carries the demo on where it stopped
 * (issue 14). The end-to-end and integration tests start the product through this too.
 */
export async function startProduct(options: { config: Config; site: SiteFile; log: Logger; consoleDir?: string | undefined }): Promise<Product> {
  const { config, log } = options;
  const stack = await startStack({ config, site: options.site, log, consoleDir: options.consoleDir });
  let simulator: Product['simulator'];
  try {
    simulator = config.simulator.enabled
      ? await startDemoPlayer(
          stack.current.site,
          { url: stack.mqttUrl },
          { ...config.simulator, statePath: demoStatePath(config.dataDir) },
          log.child({ module: 'simulator' }),
        )
      : undefined;
  } catch (error) {
    await stack.stop();
    throw error;
  }
  return {
    stack,
    simulator,
    async stop() {
      // The simulator first: its last readings reach the ingest, and its state is saved, before the broker goes.
      await simulator?.stop();
      await stack.stop();
    },
  };
}
