import { getHeapStatistics } from "node:v8";
import { describe, expect, it } from "vitest";
import { minorGc } from "./minor-gc.js";

describe("minorGc", () => {
  it("empties the young generation: garbage just allocated no longer counts in the heap", () => {
    const collect = minorGc();
    collect();
    const before = getHeapStatistics().used_heap_size;
    // ~400 KiB of young objects, held until just before the collection (less than a nursery, so
    // no scavenge of V8's own runs first), then dropped.
    let garbage: number[][] | undefined = Array.from({ length: 10_000 }, (_, i) => [i, i, i, i, i, i]);
    const grown = getHeapStatistics().used_heap_size;
    const held = garbage.length;
    garbage = undefined;
    collect();
    const after = getHeapStatistics().used_heap_size;
    expect(held).toBe(10_000);
    expect(grown - before).toBeGreaterThan(300_000);
    expect(grown - after).toBeGreaterThan((grown - before) / 2);
  });
});
