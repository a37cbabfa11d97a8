/**
 * The ledger side of one reconciled day, held in typed arrays instead of a Map of strings: a
 * merchant's day can be a million payments, and a Map keeps every order number as its own heap
 * string plus three slots of hash table per entry, all in V8's old generation (about 60 MiB for a
 * million 15-character keys, more while the table doubles). Here the keys' characters sit in one
 * buffer, one byte each, and the hash table, amounts and states in typed arrays: about 37 MiB for
 * the same million, outside the collected heap, so no garbage collection walks it.
 *
 * Order and refund numbers are ASCII by the providers' rules (WeChat Pay 商户订单号 "只能是数字、大小写字母_-|*",
 * https://pay.weixin.qq.com/doc/v3/merchant/4012791856; Alipay out_trade_no "仅支持字母、数字、下划线",
 * https://opendocs.alipay.com/open/f540afd8_alipay.trade.precreate), so one byte per character is
 * the normal case; a key with any character above U+00FF is kept as a
 * string beside the buffer, so every key is matched and reported exactly as the ledger gave it.
 *
 * Semantics are a Map's where reconciliation needs them: setting a key again replaces its amount,
 * state and note but keeps its first position, `take` removes a key (a later lookup misses it), and
 * `forEachLeft` visits the keys never taken in the order they were first set.
 */
export class LedgerIndex {
  private readonly keys = new PackedStrings();
  private readonly notes = new PackedStrings();
  /** Open addressing, linear probing: 0 is empty, otherwise entry id + 1. */
  private slots = new Int32Array(1 << 10);
  /**
   * Integer fen. Int32 holds up to 21,474,836.47 yuan a line, which covers the usual ledger in half
   * the bytes of a Float64Array (4 MiB less for a million lines); the first amount beyond it widens
   * the array to Float64, exact for every safe integer.
   */
  private amounts: Int32Array | Float64Array = new Int32Array(1 << 10);
  private states = new Uint8Array(1 << 10);
  /** 1 once the entry was taken by a bill line. */
  private taken = new Uint8Array(1 << 10);
  /** 1 + which note of `notes` belongs to the entry, 0 for none (a re-set entry points at its newer note). */
  private noteOf = new Uint32Array(0);
  private count = 0;

  /** How many distinct keys were set. */
  get size(): number {
    return this.count;
  }

  /**
   * Books `key` with its amount (integer fen) and state (a unified state number, 0-255), and an
   * optional note (a refund's order number). A key already set keeps its position and gets the new
   * values, as Map.set does.
   */
  set(key: string, amountFen: number, state: number, note?: string): void {
    const hash = hashOf(key);
    let at = this.find(key, hash);
    let id: number;
    if (this.slots[at] !== 0) {
      id = (this.slots[at] as number) - 1;
    } else {
      if ((this.count + 1) * 2 > this.slots.length) {
        this.rehash(this.slots.length * 2);
        at = this.find(key, hash);
      }
      id = this.keys.push(key);
      this.count += 1;
      this.slots[at] = id + 1;
      if (id >= this.amounts.length) this.growEntries();
    }
    if (this.amounts instanceof Int32Array && (amountFen | 0) !== amountFen) {
      this.amounts = Float64Array.from(this.amounts);
    }
    this.amounts[id] = amountFen;
    this.states[id] = state;
    if (note !== undefined) {
      if (this.noteOf.length <= id) this.noteOf = grown(this.noteOf, this.amounts.length);
      this.noteOf[id] = this.notes.push(note) + 1;
    } else if (id < this.noteOf.length) {
      this.noteOf[id] = 0;
    }
  }

  /**
   * Takes the entry of `key` out of the index and returns its id, or -1 when the key was never set
   * or was taken already.
   */
  take(key: string): number {
    const slot = this.slots[this.find(key, hashOf(key))] as number;
    if (slot === 0) return -1;
    const id = slot - 1;
    if (this.taken[id] === 1) return -1;
    this.taken[id] = 1;
    return id;
  }

  amountOf(id: number): number {
    return this.amounts[id] as number;
  }

  stateOf(id: number): number {
    return this.states[id] as number;
  }

  /** The note set with the entry, or "" when none was. */
  noteOfEntry(id: number): string {
    const note = id < this.noteOf.length ? (this.noteOf[id] as number) : 0;
    return note === 0 ? "" : this.notes.get(note - 1);
  }

  /** Calls `visit` for every entry never taken, in the order the keys were first set. */
  forEachLeft(visit: (key: string, id: number) => void): void {
    for (let id = 0; id < this.count; id++) if (this.taken[id] === 0) visit(this.keys.get(id), id);
  }

  /** The slot holding `key`, or the empty slot where it would go. */
  private find(key: string, hash: number): number {
    const mask = this.slots.length - 1;
    let at = hash & mask;
    for (;;) {
      const slot = this.slots[at] as number;
      if (slot === 0 || this.keys.equals(slot - 1, key)) return at;
      at = (at + 1) & mask;
    }
  }

  private rehash(capacity: number): void {
    const slots = new Int32Array(capacity);
    const mask = capacity - 1;
    for (let id = 0; id < this.count; id++) {
      let at = this.keys.hash(id) & mask;
      while (slots[at] !== 0) at = (at + 1) & mask;
      slots[at] = id + 1;
    }
    this.slots = slots;
  }

  private growEntries(): void {
    const capacity = this.amounts.length * 2;
    this.amounts = grown(this.amounts, capacity);
    this.states = grown(this.states, capacity);
    this.taken = grown(this.taken, capacity);
    if (this.noteOf.length > 0) this.noteOf = grown(this.noteOf, capacity);
  }
}

type TypedArray = Float64Array | Uint8Array | Uint32Array | Int32Array;

function grown<T extends TypedArray>(from: T, capacity: number): T {
  const to = new (from.constructor as new (n: number) => T)(capacity);
  to.set(from);
  return to;
}

/** FNV-1a over UTF-16 code units (https://datatracker.ietf.org/doc/html/draft-eastlake-fnv). */
function hashOf(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Strings appended one after another into one buffer, one byte per character (latin-1: exact for
 * code units up to U+00FF); a string with a wider character is kept as it is in `wide`.
 */
class PackedStrings {
  private bytes = Buffer.alloc(1 << 14);
  private used = 0;
  /** ends[i]: where string i ends in `bytes` (it starts where string i - 1 ends). */
  private ends = new Uint32Array(1 << 10);
  private readonly wide = new Map<number, string>();
  private count = 0;

  push(s: string): number {
    const id = this.count;
    if (this.used + s.length > this.bytes.length) {
      const bytes = Buffer.alloc(Math.max(this.bytes.length * 2, this.used + s.length));
      this.bytes.copy(bytes, 0, 0, this.used);
      this.bytes = bytes;
    }
    let oneByte = true;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c > 0xff) {
        oneByte = false;
        break;
      }
      this.bytes[this.used + i] = c;
    }
    if (oneByte) this.used += s.length;
    else this.wide.set(id, s);
    if (id >= this.ends.length) this.ends = grown(this.ends, this.ends.length * 2);
    this.ends[id] = this.used;
    this.count += 1;
    return id;
  }

  get(id: number): string {
    const wide = this.wide.size > 0 ? this.wide.get(id) : undefined;
    if (wide !== undefined) return wide;
    return this.bytes.toString("latin1", this.startOf(id), this.ends[id]);
  }

  equals(id: number, s: string): boolean {
    const start = this.startOf(id);
    const end = this.ends[id] as number;
    if (start === end && this.wide.size > 0) {
      const wide = this.wide.get(id);
      if (wide !== undefined) return wide === s;
    }
    if (end - start !== s.length) return false;
    const bytes = this.bytes;
    for (let i = 0; i < s.length; i++) if (bytes[start + i] !== s.charCodeAt(i)) return false;
    return true;
  }

  /** hashOf(get(id)), read from the buffer without making the string. */
  hash(id: number): number {
    const start = this.startOf(id);
    const end = this.ends[id] as number;
    if (start === end && this.wide.size > 0) {
      const wide = this.wide.get(id);
      if (wide !== undefined) return hashOf(wide);
    }
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ (this.bytes[i] as number), 0x01000193);
    return h >>> 0;
  }

  private startOf(id: number): number {
    return id === 0 ? 0 : (this.ends[id - 1] as number);
  }
}
