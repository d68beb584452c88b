/**
 * A binary min-heap of wake-up times, for detector timers ("for N minutes", missed heartbeats) of
 * 100,000 meters: O(log n) to schedule, O(1) to see whether anything is due.
 *
 * Entries are rescheduled lazily: a later wake time does not touch the heap (the item surfaces,
 * sees the owner now wants a later time, and is pushed again); an earlier one pushes a new item
 * and the old one is skipped when it surfaces. So each owner has about one live item, however
 * often its readings move its timer.
 */
export interface Schedulable {
  /** When the owner wants to be woken; undefined for never. */
  wakeAt: number | undefined;
  /** The time of the heap item that currently stands for this owner; undefined when none. */
  heapAt: number | undefined;
}

export class TimerHeap<T extends Schedulable> {
  private readonly times: number[] = [];
  private readonly owners: T[] = [];

  get size(): number {
    return this.times.length;
  }

  /** Sets the owner's wake time and makes sure a heap item will surface at or before it. */
  schedule(owner: T, at: number | undefined): void {
    owner.wakeAt = at;
    if (at === undefined) return;
    if (owner.heapAt === undefined || at < owner.heapAt) {
      owner.heapAt = at;
      this.push(at, owner);
    }
  }

  /** Owners whose wake time has come, each once; their wakeAt is cleared before they are returned. */
  takeDue(now: number): T[] {
    const due: T[] = [];
    while (this.times.length > 0 && (this.times[0] ?? Number.POSITIVE_INFINITY) <= now) {
      const at = this.times[0] as number;
      const owner = this.pop();
      if (owner.heapAt !== at) continue; // superseded by an earlier item
      owner.heapAt = undefined;
      if (owner.wakeAt === undefined) continue;
      if (owner.wakeAt > now) {
        // Moved later since this item was pushed.
        owner.heapAt = owner.wakeAt;
        this.push(owner.wakeAt, owner);
        continue;
      }
      owner.wakeAt = undefined;
      due.push(owner);
    }
    return due;
  }

  private push(at: number, owner: T): void {
    const times = this.times;
    const owners = this.owners;
    let i = times.length;
    times.push(at);
    owners.push(owner);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((times[parent] as number) <= at) break;
      times[i] = times[parent] as number;
      owners[i] = owners[parent] as T;
      i = parent;
    }
    times[i] = at;
    owners[i] = owner;
  }

  private pop(): T {
    const times = this.times;
    const owners = this.owners;
    const top = owners[0] as T;
    const lastAt = times.pop() as number;
    const lastOwner = owners.pop() as T;
    const n = times.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) break;
        const right = left + 1;
        const child = right < n && (times[right] as number) < (times[left] as number) ? right : left;
        if ((times[child] as number) >= lastAt) break;
        times[i] = times[child] as number;
        owners[i] = owners[child] as T;
        i = child;
      }
      times[i] = lastAt;
      owners[i] = lastOwner;
    }
    return top;
  }
}
