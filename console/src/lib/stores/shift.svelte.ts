import { type HandoverNote, handoverNoteSchema, type ShiftKpis } from '@dutyroom/domain';
import { api } from '../api/client.ts';
import { getSocket } from '../realtime/socket.ts';
import { board } from './board.svelte.ts';

/** The shift's KPIs (refreshed when work orders change, at most every few seconds) and the handover log. */
class ShiftStore {
  kpis = $state<ShiftKpis | undefined>(undefined);
  notes = $state<HandoverNote[]>([]);
  #started = false;
  #pending: ReturnType<typeof setTimeout> | undefined;

  start(): void {
    if (this.#started) return;
    this.#started = true;
    const socket = getSocket();
    socket.on('connect', () => void this.refresh());
    socket.on('workOrder:upserted', () => this.#refreshSoon());
    socket.on('handover:upserted', (raw) => {
      const parsed = handoverNoteSchema.safeParse(raw);
      if (!parsed.success) return;
      const rest = this.notes.filter((n) => n.id !== parsed.data.id);
      this.notes = [parsed.data, ...rest].sort((a, b) => b.createdAt - a.createdAt);
    });
    void this.refresh();
  }

  /** Open P1/P2 counted live from the board; the rest from the server. */
  get live(): ShiftKpis | undefined {
    if (this.kpis === undefined) return undefined;
    const open = (s: string) => board.workOrderList.filter((w) => w.severity === s).length;
    return { ...this.kpis, openP1: open('P1'), openP2: open('P2') };
  }

  async refresh(): Promise<void> {
    const [kpis, notes] = await Promise.all([api.kpis(), api.handovers()]).catch(() => [undefined, undefined] as const);
    if (kpis !== undefined) this.kpis = kpis;
    if (notes !== undefined) this.notes = notes.items;
  }

  #refreshSoon(): void {
    this.#pending ??= setTimeout(() => {
      this.#pending = undefined;
      void this.refresh();
    }, 3000);
  }
}

export const shift = new ShiftStore();
