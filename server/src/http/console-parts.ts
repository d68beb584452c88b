import type { DigestService } from '../services/digest.service.ts';
import type { DrillService } from '../services/drill.service.ts';
import type { HandoverService } from '../services/handover.service.ts';
import type { SiteMapService } from '../services/site-map.service.ts';
import type { SiteSetupService } from '../services/site-setup.service.ts';
import type { TelemetryService } from '../telemetry/telemetry.service.ts';

/** What the console's routes (site map, telemetry, handover, drills) need; composed in server.ts. */
export interface ConsoleParts {
  readonly siteMap: SiteMapService;
  readonly siteSetup: SiteSetupService;
  readonly telemetry: TelemetryService;
  readonly handover: HandoverService;
  /** 每日摘要: anomalies the dispatch kept off the phones (rules set to never), per local day. */
  readonly digest: DigestService;
  readonly drill: DrillService;
  readonly now: () => number;
}

export interface ConsoleRouteDeps {
  readonly consoleParts: ConsoleParts;
}
