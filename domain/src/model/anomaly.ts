export const severities = ['P1', 'P2', 'P3', 'P4'] as const;
export type Severity = (typeof severities)[number];

export const anomalyStatuses = ['open', 'cleared'] as const;
export type AnomalyStatus = (typeof anomalyStatuses)[number];

/** What a detector says; the pipeline turns it into a stored anomaly. */
export type DetectorEvent =
  | {
      readonly type: 'raise';
      readonly rule: string;
      /** What the anomaly is about (a unit, a device, a zone, a door): one open anomaly per (rule, subject). */
      readonly subject: string;
      readonly severity: Severity;
      readonly evidence: Readonly<Record<string, string | number | boolean>>;
    }
  | {
      readonly type: 'clear';
      readonly rule: string;
      readonly subject: string;
      /**
       * Whether the clear also closes the work order (a device back online) or leaves it to people
       * (water stopped in a vacant unit: someone must still find out why). Per rule.
       */
      readonly closesWorkOrder: boolean;
    };

export const dedupKey = (siteId: string, rule: string, subject: string) => `${siteId}:${rule}:${subject}`;
