import { describe, expect, it } from 'vitest';
import { type Schedulable, TimerHeap } from './timer-heap.ts';

interface Owner extends Schedulable {
  readonly name: string;
}
const owner = (name: string): Owner => ({ name, wakeAt: undefined, heapAt: undefined });

describe(TimerHeap.name, () => {
  it('returns owners once their time has come, earliest first', () => {
    const sut = new TimerHeap<Owner>();
    const [a, b, c] = [owner('a'), owner('b'), owner('c')];
    sut.schedule(a, 300);
    sut.schedule(b, 100);
    sut.schedule(c, 200);
    expect(sut.takeDue(99).map((o) => o.name)).toEqual([]);
    expect(sut.takeDue(200).map((o) => o.name)).toEqual(['b', 'c']);
    expect(sut.takeDue(1000).map((o) => o.name)).toEqual(['a']);
    expect(sut.takeDue(5000)).toEqual([]);
  });

  it('follows a timer moved later (a heartbeat arrived) without growing', () => {
    const sut = new TimerHeap<Owner>();
    const a = owner('a');
    for (let t = 0; t < 1000; t++) sut.schedule(a, t + 900);
    expect(sut.size).toBe(1);
    expect(sut.takeDue(950)).toEqual([]);
    expect(sut.takeDue(1898).map((o) => o.name)).toEqual([]);
    expect(sut.takeDue(1899).map((o) => o.name)).toEqual(['a']);
  });

  it('follows a timer moved earlier and fires it once', () => {
    const sut = new TimerHeap<Owner>();
    const a = owner('a');
    sut.schedule(a, 500);
    sut.schedule(a, 100);
    expect(sut.takeDue(100).map((o) => o.name)).toEqual(['a']);
    expect(sut.takeDue(600)).toEqual([]);
  });

  it('forgets a cancelled timer', () => {
    const sut = new TimerHeap<Owner>();
    const a = owner('a');
    sut.schedule(a, 100);
    sut.schedule(a, undefined);
    expect(sut.takeDue(1000)).toEqual([]);
  });

  it('orders 10,000 random times like a sort does', () => {
    const sut = new TimerHeap<Owner>();
    let seed = 7;
    const next = () => {
      seed = (seed * 16807) % 2147483647;
      return seed % 100_000;
    };
    const owners = Array.from({ length: 10_000 }, (_, i) => owner(String(i)));
    for (const o of owners) sut.schedule(o, next());
    const expected = [...owners].sort((x, y) => (x.wakeAt ?? 0) - (y.wakeAt ?? 0)).map((o) => o.wakeAt);
    const times = owners.map((o) => o.wakeAt);
    const taken = sut.takeDue(100_000);
    expect(taken).toHaveLength(10_000);
    expect(taken.map((o) => times[Number(o.name)])).toEqual(expected);
  });
});
