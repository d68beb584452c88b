/**
 * Anomalies are rare and urgent, telemetry is bulk (issue 3). With PGlite every write shares one
 * connection on the ingest's thread, so an anomaly transaction queued behind a telemetry batch
 * waits for the whole batch. The lane counts the anomaly work under way; a bulk writer asks
 * `settled()` before each batch and lets the anomaly work queued so far go first. Only what is
 * queued at that moment: a stream of anomalies never starves telemetry.
 */
export interface UrgentLane {
  /** Marks `work` urgent until it settles; returns it unchanged. */
  track<T>(work: Promise<T>): Promise<T>;
  /** Resolves once the urgent work under way now has settled; undefined when there is none. */
  settled(): Promise<void> | undefined;
  readonly pending: number;
}

export function createUrgentLane(): UrgentLane {
  let pending = 0;
  let last: Promise<void> = Promise.resolve();
  return {
    track(work) {
      pending++;
      const done = work.then(
        () => {
          pending--;
        },
        () => {
          pending--;
        },
      );
      // The anomaly queue is first in, first out: the last tracked settles last.
      last = done;
      return work;
    },
    settled() {
      return pending === 0 ? undefined : last;
    },
    get pending() {
      return pending;
    },
  };
}
