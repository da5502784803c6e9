/**
 * An insertion-ordered set whose members keep their own index, for the sets every call joins
 * and leaves: adding and removing hash nothing.
 *
 * A `Set` of the calls in flight was ~7% of the host's work per tiny call once a batch held
 * 100,000 of them (a hash table that size misses the cache on every add and delete). Here a
 * member is an array slot; a removed one leaves a hole, and the array is compacted once holes
 * are most of it, so each operation is O(1) amortized.
 */

/** What a roster keeps: anything that can hold its own index. */
export interface Slotted {
  /** Its index in the roster, or -1: the roster's own, set by it alone. */
  slot: number;
}

/** Below this many slots, holes are left until the roster empties. */
const COMPACT_FROM = 64;

export class Roster<Member extends Slotted> {
  #members: (Member | undefined)[] = [];
  #size = 0;

  get size(): number {
    return this.#size;
  }

  add(member: Member): void {
    if (member.slot >= 0) return;
    member.slot = this.#members.length;
    this.#members.push(member);
    this.#size++;
  }

  /** Takes `member` out; false if it was not in. */
  delete(member: Member): boolean {
    const { slot } = member;
    if (slot < 0 || this.#members[slot] !== member) return false;
    this.#members[slot] = undefined;
    member.slot = -1;
    if (--this.#size === 0) this.#members = [];
    else if (this.#members.length >= COMPACT_FROM && this.#size * 2 < this.#members.length) this.#compact();
    return true;
  }

  /** The members, in the order added. */
  values(): Member[] {
    return this.#members.filter((member): member is Member => member !== undefined);
  }

  #compact(): void {
    let to = 0;
    for (const member of this.#members) {
      if (member === undefined) continue;
      member.slot = to;
      this.#members[to++] = member;
    }
    this.#members.length = to;
  }
}
