/**
 * The pool's waiting line alone: order, O(1) removal by position, requeue at the front.
 */
import { Line } from '../../../lib/pool/line.js';

class Item {
  position = -1;
  constructor(readonly name: string) {}
}

const names = (items: readonly Item[]) => items.map((item) => item.name);

describe('Line', () => {
  test('first in, first out; each item knows its place while it waits, and -1 after', () => {
    const line = new Line<Item>();
    const [a, b, c] = [new Item('a'), new Item('b'), new Item('c')];
    line.push(a);
    line.push(b);
    line.push(c);
    expect(line.size).toBe(3);
    expect(b.position).toBe(1);
    expect(line.shift()).toBe(a);
    expect(a.position).toBe(-1);
    expect(names(line.takeAll())).toEqual(['b', 'c']);
    expect(line.size).toBe(0);
    expect(line.shift()).toBeUndefined();
  });

  test('remove() takes an item out of the middle; shift() skips the hole; a second remove is false', () => {
    const line = new Line<Item>();
    const [a, b, c] = [new Item('a'), new Item('b'), new Item('c')];
    for (const item of [a, b, c]) line.push(item);
    expect(line.remove(b)).toBe(true);
    expect(line.remove(b)).toBe(false);
    expect(line.size).toBe(2);
    expect(line.shift()).toBe(a);
    expect(line.shift()).toBe(c);
    expect(line.size).toBe(0);
  });

  test('remove() refuses an item that never waited here, even one with a stale position', () => {
    const line = new Line<Item>();
    line.push(new Item('a'));
    const stranger = new Item('x');
    stranger.position = 0;
    expect(line.remove(stranger)).toBe(false);
    expect(line.size).toBe(1);
  });

  test('unshift() puts items back at the front, in their order, before what waited', () => {
    const line = new Line<Item>();
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((name) => new Item(name)) as [Item, Item, Item, Item];
    line.push(c);
    line.push(d);
    line.shift();
    line.unshift([a, b]);
    expect(line.size).toBe(3);
    expect(line.remove(b)).toBe(true);
    expect(names(line.takeAll())).toEqual(['a', 'd']);
  });
});
