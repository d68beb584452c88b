import { type AckResult, type AnomalyDto, anomalyDtoSchema, OPEN_STATUSES, type Severity, type WorkOrderDto, workOrderDtoSchema } from '@dutyroom/domain';
import { SvelteMap } from 'svelte/reactivity';
import { goto } from '$app/navigation';
import { api } from '../api/client.ts';
import { connection } from '../realtime/connection.svelte.ts';
import { getSocket } from '../realtime/socket.ts';
import { soundingOrders, wallCounts, wallRows } from './wall-rows.ts';

const SEVERITIES: readonly Severity[] = ['P1', 'P2', 'P3', 'P4'];

/** P1 pinned on top, then newest first (SPEC §8: P1 on top until acknowledged). */
const pinnedThenNewest =
  <T extends { severity: Severity }>(time: (x: T) => number, pinned: (x: T) => boolean) =>
  (a: T, b: T) =>
    (pinned(a) ? 0 : 1) - (pinned(b) ? 0 : 1) || time(b) - time(a);

export type ActionResult = AckResult | { ok: false; code: 'TIMEOUT'; message: string };

/**
 * Open anomalies and work orders of the site. On every (re)connect it loads a snapshot, then
 * applies deltas; a delta older than the version held is dropped, so a reconnect catches up on
 * everything missed without a reload and never shows a stale row.
 */
class Board {
  readonly anomalies = new SvelteMap<string, AnomalyDto>();
  readonly workOrders = new SvelteMap<string, WorkOrderDto>();
  error = $state<string | undefined>(undefined);
  loaded = $state(false);
  #started = false;
  #pending: (() => void)[] = [];
  #scheduled = false;

  readonly anomalyList = $derived(
    [...this.anomalies.values()]
      .filter((a) => a.status === 'open')
      .sort(
        pinnedThenNewest(
          (a) => a.lastSeenAt,
          (a) => a.severity === 'P1',
        ),
      ),
  );

  readonly workOrderList = $derived(
    [...this.workOrders.values()]
      .filter((w) => OPEN_STATUSES.includes(w.status))
      .sort(
        pinnedThenNewest(
          (w) => w.createdAt,
          (w) => w.severity === 'P1' && w.acknowledgedAt === null,
        ),
      ),
  );

  /** The alarm list of the wall: an incident is one row, its members (but life safety) fold into it (wall-rows.ts). */
  readonly wallList = $derived(wallRows(this.anomalyList));

  /** Open alarms by severity and by rule (the wall's counters): an incident counts once. */
  readonly counts = $derived(wallCounts(this.anomalyList));

  /**
   * Work orders not yet acknowledged, by severity: what the audible alarm sounds for. Orders of
   * members folded into an incident do not sound (the incident's order does, once).
   */
  readonly unacknowledged = $derived.by(() => {
    const sounding = soundingOrders(
      this.workOrderList.filter((w) => w.acknowledgedAt === null),
      this.anomalies,
    );
    return SEVERITIES.map((s) => ({ severity: s, n: sounding.filter((w) => w.severity === s).length }));
  });

  /** Open anomalies per unit with the worst severity (the site map's live colouring). */
  readonly openByUnit = $derived.by(() => {
    const byUnit = new Map<string, { n: number; worst: Severity }>();
    for (const a of this.anomalyList) {
      if (a.unitId === null) continue;
      const held = byUnit.get(a.unitId);
      byUnit.set(a.unitId, { n: (held?.n ?? 0) + 1, worst: held === undefined || a.severity < held.worst ? a.severity : held.worst });
    }
    return byUnit;
  });

  start(): void {
    if (this.#started) return;
    this.#started = true;
    const socket = getSocket();
    socket.on('connect', () => {
      connection.online();
      void this.#loadSnapshot();
    });
    socket.on('disconnect', () => connection.offline());
    socket.on('connect_error', (error) => {
      connection.offline();
      if (error.message === 'UNAUTHENTICATED' || error.message === 'FORBIDDEN') void goto('/login');
    });
    socket.on('anomaly:upserted', (raw) => {
      const parsed = anomalyDtoSchema.safeParse(raw);
      if (parsed.success) this.#queue(() => this.#upsert(this.anomalies, parsed.data));
    });
    socket.on('workOrder:upserted', (raw) => {
      const parsed = workOrderDtoSchema.safeParse(raw);
      if (parsed.success) this.#queue(() => this.#upsert(this.workOrders, parsed.data));
    });
    if (socket.connected) {
      connection.online();
      void this.#loadSnapshot();
    }
  }

  /** 确认: over the socket with an acknowledgement; the server's answer (or a timeout) comes back as a result. */
  async acknowledge(id: string): Promise<ActionResult> {
    try {
      return await getSocket().timeout(5000).emitWithAck('workOrder:acknowledge', { id });
    } catch {
      return { ok: false, code: 'TIMEOUT', message: 'no answer within 5 s' };
    }
  }

  /**
   * 派单 in one click: to the order's department and person when it has them (the grid's steward
   * for an anomaly), else to customer service's first steward; the work-order page picks others.
   */
  async dispatch(order: WorkOrderDto): Promise<ActionResult> {
    try {
      let assigneeId = order.assigneeId;
      if (assigneeId === null) assigneeId = (await api.people()).items.find((p) => p.role === 'steward')?.id ?? null;
      if (assigneeId === null) return { ok: false, code: 'NOT_FOUND', message: 'no one to dispatch to' };
      const { workOrder } = await api.transition(order.id, { action: 'dispatch', department: order.department ?? 'customer-service', assigneeId });
      this.#upsert(this.workOrders, workOrder);
      return { ok: true };
    } catch (error) {
      const code = (error as { code?: string }).code;
      return { ok: false, code: (code ?? 'INTERNAL') as 'INTERNAL', message: (error as Error).message };
    }
  }

  /** A change the console made itself (a split): shown at once, whatever the socket's delta does later. */
  upsertAnomaly(anomaly: AnomalyDto): void {
    this.#upsert(this.anomalies, anomaly);
  }

  /**
   * Deltas are applied in batches, once per frame: a burst of thousands (a gateway storm, a
   * reconnect) then sorts and renders the lists once per frame instead of once per message.
   * A hidden tab gets no frames, so a timer stands in.
   */
  #queue(apply: () => void): void {
    this.#pending.push(apply);
    if (this.#scheduled) return;
    this.#scheduled = true;
    const flush = () => {
      if (!this.#scheduled) return;
      this.#scheduled = false;
      const batch = this.#pending;
      this.#pending = [];
      for (const change of batch) change();
    };
    requestAnimationFrame(flush);
    setTimeout(flush, 250);
  }

  #upsert<T extends { id: string; version: number }>(map: Map<string, T>, item: T): void {
    const held = map.get(item.id);
    if (held !== undefined && held.version > item.version) return;
    map.set(item.id, item);
  }

  async #loadSnapshot(): Promise<void> {
    try {
      const snapshot = await api.board();
      // A delta that arrived while the snapshot was loading may be newer than the snapshot's row.
      const replace = <T extends { id: string; version: number }>(held: SvelteMap<string, T>, items: readonly T[]) => {
        const merged = items.map((item) => {
          const h = held.get(item.id);
          return h !== undefined && h.version > item.version ? h : item;
        });
        held.clear();
        for (const item of merged) held.set(item.id, item);
      };
      replace(this.anomalies, snapshot.anomalies);
      replace(this.workOrders, snapshot.workOrders);
      this.error = undefined;
      this.loaded = true;
      connection.caughtUp();
    } catch (error) {
      this.error = (error as Error).message;
    }
  }
}

export const board = new Board();
