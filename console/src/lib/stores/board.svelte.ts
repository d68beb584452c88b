import { type AckResult, type AnomalyDto, anomalyDtoSchema, OPEN_STATUSES, type WorkOrderDto, workOrderDtoSchema } from '@dutyroom/domain';
import { SvelteMap } from 'svelte/reactivity';
import { goto } from '$app/navigation';
import { api } from '../api/client.ts';
import { connection } from '../realtime/connection.svelte.ts';
import { getSocket } from '../realtime/socket.ts';

const SEVERITY_RANK = { P1: 0, P2: 1, P3: 2, P4: 3 } as const;
const newestFirst =
  <T extends { severity: keyof typeof SEVERITY_RANK }>(time: (x: T) => number) =>
  (a: T, b: T) =>
    (a.severity === 'P1' ? 0 : 1) - (b.severity === 'P1' ? 0 : 1) || time(b) - time(a);

/**
 * Open anomalies and work orders of the site. On every (re)connect it loads a snapshot, then
 * applies deltas; a delta older than the version held is dropped, so a reconnect never shows a
 * stale row.
 */
class Board {
  readonly anomalies = new SvelteMap<string, AnomalyDto>();
  readonly workOrders = new SvelteMap<string, WorkOrderDto>();
  error = $state<string | undefined>(undefined);
  #started = false;

  get anomalyList(): AnomalyDto[] {
    return [...this.anomalies.values()].filter((a) => a.status === 'open').sort(newestFirst((a) => a.lastSeenAt));
  }

  get workOrderList(): WorkOrderDto[] {
    return [...this.workOrders.values()].filter((w) => OPEN_STATUSES.includes(w.status)).sort(newestFirst((w) => w.createdAt));
  }

  start(): void {
    if (this.#started) return;
    this.#started = true;
    const socket = getSocket();
    socket.on('connect', () => {
      connection.state = 'online';
      void this.#loadSnapshot();
    });
    socket.on('disconnect', () => {
      connection.state = 'offline';
    });
    socket.on('connect_error', (error) => {
      connection.state = 'offline';
      if (error.message === 'UNAUTHENTICATED' || error.message === 'FORBIDDEN') void goto('/login');
    });
    socket.on('anomaly:upserted', (raw) => {
      const parsed = anomalyDtoSchema.safeParse(raw);
      if (parsed.success) this.#upsert(this.anomalies, parsed.data);
    });
    socket.on('workOrder:upserted', (raw) => {
      const parsed = workOrderDtoSchema.safeParse(raw);
      if (parsed.success) this.#upsert(this.workOrders, parsed.data);
    });
    if (socket.connected) void this.#loadSnapshot();
  }

  /** Emits with an acknowledgement; the server's answer (or a timeout) comes back as a result. */
  async acknowledge(id: string): Promise<AckResult | { ok: false; code: 'TIMEOUT'; message: string }> {
    try {
      return await getSocket().timeout(5000).emitWithAck('workOrder:acknowledge', { id });
    } catch {
      return { ok: false, code: 'TIMEOUT', message: 'no answer within 5 s' };
    }
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
      const newer = <T extends { id: string; version: number }>(held: Map<string, T>, item: T) => {
        const h = held.get(item.id);
        return h !== undefined && h.version > item.version ? h : item;
      };
      const replace = <T extends { id: string; version: number }>(held: SvelteMap<string, T>, items: readonly T[]) => {
        const merged = items.map((item) => newer(held, item));
        held.clear();
        for (const item of merged) held.set(item.id, item);
      };
      replace(this.anomalies, snapshot.anomalies);
      replace(this.workOrders, snapshot.workOrders);
      this.error = undefined;
    } catch (error) {
      this.error = (error as Error).message;
    }
  }
}

export const board = new Board();
