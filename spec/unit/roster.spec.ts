/**
 * The roster alone: insertion order, O(1) removal by slot, and compaction that keeps both.
 */
import { Roster } from '../../lib/roster.js';

class Member {
  slot = -1;
  constructor(readonly name: number) {}
}

const names = (members: readonly Member[]) => members.map((member) => member.name);

describe('Roster', () => {
  test('keeps members in the order added; a removed one leaves it, once', () => {
    const roster = new Roster<Member>();
    const [a, b, c] = [new Member(1), new Member(2), new Member(3)];
    for (const member of [a, b, c]) roster.add(member);
    expect(roster.size).toBe(3);
    expect(roster.delete(b)).toBe(true);
    expect(roster.delete(b)).toBe(false);
    expect(b.slot).toBe(-1);
    expect(names(roster.values())).toEqual([1, 3]);
    expect(roster.size).toBe(2);
  });

  test('a member of another roster, or one added twice, changes nothing', () => {
    const roster = new Roster<Member>();
    const other = new Roster<Member>();
    const [a, b] = [new Member(1), new Member(2)];
    roster.add(a);
    other.add(b);
    // b's slot 0 is a's in this roster: it must not take a out.
    expect(roster.delete(b)).toBe(false);
    roster.add(a);
    expect(names(roster.values())).toEqual([1]);
    expect(roster.size).toBe(1);
  });

  test('compacts once holes are most of it, keeping order and slots true', () => {
    const roster = new Roster<Member>();
    const members = Array.from({ length: 1000 }, (_, index) => new Member(index));
    for (const member of members) roster.add(member);
    // Remove from the front, as calls settle, and every third one besides.
    for (const member of members) if (member.name < 700 || member.name % 3 === 0) roster.delete(member);
    const left = members.filter((member) => !(member.name < 700 || member.name % 3 === 0));
    expect(names(roster.values())).toEqual(names(left));
    expect(roster.size).toBe(left.length);
    // Slots were renumbered by the compaction: each still takes out the right member.
    for (const member of left.slice(0, 10)) expect(roster.delete(member)).toBe(true);
    expect(names(roster.values())).toEqual(names(left.slice(10)));
    for (const member of left.slice(10)) roster.delete(member);
    expect(roster.size).toBe(0);
    expect(roster.values()).toEqual([]);
  });
});
