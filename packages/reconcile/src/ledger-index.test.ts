import { describe, expect, it } from "vitest";
import { LedgerIndex } from "./ledger-index.js";

/** What reconcile.ts did with Maps before the index: the model the index must agree with. */
class MapModel {
  readonly entries = new Map<string, { amountFen: number; state: number; note: string }>();
  set(key: string, amountFen: number, state: number, note?: string): void {
    this.entries.set(key, { amountFen, state, note: note ?? "" });
  }
  take(key: string) {
    const e = this.entries.get(key);
    if (e !== undefined) this.entries.delete(key);
    return e;
  }
}

// A small seeded generator (mulberry32), so a failure replays.
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("LedgerIndex", () => {
  it("agrees with a Map on sets, re-sets, takes and what is left, across growth", () => {
    const next = random(17);
    // Few distinct keys relative to operations, so re-sets and repeated takes happen often; some
    // keys are empty, latin-1 above ASCII, or wider than one byte per character.
    const alphabet = ["A", "b", "0", "9", "_", "-", "|", "*", "é", "ÿ", "订", "单", "😀"];
    const pool = Array.from({ length: 3_000 }, (_, i) => {
      const length = i === 0 ? 0 : 1 + Math.floor(next() * 20);
      let key = "";
      for (let c = 0; c < length; c++) key += alphabet[Math.floor(next() * alphabet.length)];
      return key;
    });
    const index = new LedgerIndex();
    const model = new MapModel();
    for (let op = 0; op < 6_000; op++) {
      const key = pool[Math.floor(next() * pool.length)] as string;
      const amountFen = Math.floor(next() * 1e10);
      const state = Math.floor(next() * 8);
      const note = next() < 0.5 ? `P${op}` : undefined;
      index.set(key, amountFen, state, note);
      model.set(key, amountFen, state, note);
    }
    expect(index.size).toBe(model.entries.size);
    for (let op = 0; op < 4_000; op++) {
      const key = pool[Math.floor(next() * pool.length)] as string;
      const want = model.take(key);
      const id = index.take(key);
      if (want === undefined) {
        expect(id, key).toBe(-1);
      } else {
        expect(id, key).toBeGreaterThanOrEqual(0);
        expect([index.amountOf(id), index.stateOf(id), index.noteOfEntry(id)]).toEqual([
          want.amountFen,
          want.state,
          want.note,
        ]);
      }
    }
    const left: [string, number, number, string][] = [];
    index.forEachLeft((key, id) =>
      left.push([key, index.amountOf(id), index.stateOf(id), index.noteOfEntry(id)]),
    );
    expect(left).toEqual([...model.entries].map(([k, e]) => [k, e.amountFen, e.state, e.note]));
    expect(left.length).toBeGreaterThan(100);
  });

  it("tells apart keys that differ only past latin-1, and the empty key from a wide one", () => {
    const index = new LedgerIndex();
    index.set("单", 1, 3);
    index.set("", 2, 3);
    index.set("\u0155", 3, 3); // U+0155 truncated to one byte would be U+0055 "U"
    index.set("U", 4, 3);
    expect(index.size).toBe(4);
    expect(index.amountOf(index.take("U"))).toBe(4);
    expect(index.amountOf(index.take(""))).toBe(2);
    expect(index.take("")).toBe(-1);
    expect(index.take("x")).toBe(-1);
    const left: string[] = [];
    index.forEachLeft((key) => left.push(key));
    expect(left).toEqual(["单", "\u0155"]);
  });

  it("keeps amounts beyond 32 bits exact once one arrives after smaller ones", () => {
    const index = new LedgerIndex();
    for (let i = 0; i < 5_000; i++) index.set(`S${i}`, i * 431, 1);
    // 21,474,836.48 yuan: one fen more than an Int32 holds.
    index.set("BIG", 2_147_483_648, 1);
    index.set("HUGE", 900_719_925_474_099, 2);
    index.set("S7", -3, 3);
    expect(index.amountOf(index.take("BIG"))).toBe(2_147_483_648);
    expect(index.amountOf(index.take("HUGE"))).toBe(900_719_925_474_099);
    expect(index.amountOf(index.take("S7"))).toBe(-3);
    for (let i = 0; i < 5_000; i += 499)
      if (i !== 7) expect(index.amountOf(index.take(`S${i}`))).toBe(i * 431);
  });
});
