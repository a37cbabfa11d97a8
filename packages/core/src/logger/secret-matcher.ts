/** Every registered secret is at least this long; it is also the width of the window the matcher hashes. */
export const MIN_SECRET_LENGTH = 8;

const BASE = 31;
// BASE ** (MIN_SECRET_LENGTH - 1) in 32-bit arithmetic: what the window's first character weighs.
const TOP = (() => {
  let p = 1;
  for (let i = 1; i < MIN_SECRET_LENGTH; i++) p = Math.imul(p, BASE);
  return p;
})();

// Bits of the head-hash filter per secret (at least MIN_FILTER_BITS): about one text window in 32
// passes the filter by chance and pays for a Map lookup, whatever the number of secrets.
const FILTER_BITS_PER_SECRET = 32;
const MIN_FILTER_BITS = 1 << 12;

/** Where a head hash falls in a filter of `mask + 1` bits (high bits folded in: the low bits of a base-31 hash are weak). */
function filterSlot(h: number, mask: number): number {
  return (h ^ (h >>> 15)) & mask;
}

function headHash(text: string, at: number): number {
  let h = 0;
  for (let i = at; i < at + MIN_SECRET_LENGTH; i++) h = (Math.imul(h, BASE) + text.charCodeAt(i)) | 0;
  return h;
}

/**
 * Finds every one of many secret strings in a text in one left-to-right pass (Rabin-Karp on the
 * secrets' first MIN_SECRET_LENGTH characters): a rolling hash of the text's window is looked up
 * among the secrets' head hashes, and only a hit is compared in full. The cost follows the text's
 * length, not the number of secrets, so a gateway with 1,000 merchants (thousands of secrets)
 * scrubs a log line as fast as one with a single merchant. Before the Map, each window's hash is
 * checked against a bit filter of the heads (a few KiB, sized to the number of secrets): a Map
 * lookup that misses costs tens of nanoseconds and more as the Map outgrows the CPU cache, while
 * almost every window of a log line matches no secret, so nearly all windows stop at one bit test.
 */
export class SecretMatcher {
  /** Secrets by the hash of their head, longest first so the longest secret at a position wins. */
  private readonly byHead = new Map<number, string[]>();
  private count = 0;
  private filter = new Uint32Array(MIN_FILTER_BITS / 32);
  private filterMask = MIN_FILTER_BITS - 1;

  get size(): number {
    return this.count;
  }

  add(secret: string): void {
    if (secret.length < MIN_SECRET_LENGTH) throw new Error("a secret is at least 8 characters");
    const h = headHash(secret, 0);
    const list = this.byHead.get(h) ?? [];
    if (list.includes(secret)) return;
    list.push(secret);
    list.sort((a, b) => b.length - a.length);
    this.byHead.set(h, list);
    this.count += 1;
    if (this.count * FILTER_BITS_PER_SECRET > this.filterMask + 1) this.rebuildFilter();
    else this.mark(h);
  }

  private mark(h: number): void {
    const slot = filterSlot(h, this.filterMask);
    this.filter[slot >>> 5] = (this.filter[slot >>> 5] as number) | (1 << (slot & 31));
  }

  /** A filter twice as large as needed now, so that adding secrets one by one rebuilds it rarely. */
  private rebuildFilter(): void {
    let bits = MIN_FILTER_BITS;
    while (bits < 2 * this.count * FILTER_BITS_PER_SECRET) bits *= 2;
    this.filter = new Uint32Array(bits / 32);
    this.filterMask = bits - 1;
    for (const h of this.byHead.keys()) this.mark(h);
  }

  /** `text` with every occurrence of every secret replaced by `mask`; the same string when none occurs. */
  replaceAll(text: string, mask: string): string {
    const n = text.length;
    if (this.count === 0 || n < MIN_SECRET_LENGTH) return text;
    let out = "";
    let copied = 0;
    let i = 0;
    let h = headHash(text, 0);
    const filter = this.filter;
    const slots = this.filterMask;
    while (i + MIN_SECRET_LENGTH <= n) {
      const slot = filterSlot(h, slots);
      const found =
        ((filter[slot >>> 5] as number) & (1 << (slot & 31))) !== 0 ? this.secretAt(text, i, h) : undefined;
      if (found) {
        out += text.slice(copied, i) + mask;
        i += found.length;
        copied = i;
        if (i + MIN_SECRET_LENGTH <= n) h = headHash(text, i);
        continue;
      }
      if (i + MIN_SECRET_LENGTH < n) {
        h =
          (Math.imul(h - Math.imul(text.charCodeAt(i), TOP), BASE) + text.charCodeAt(i + MIN_SECRET_LENGTH)) |
          0;
      }
      i += 1;
    }
    return copied === 0 ? text : out + text.slice(copied);
  }

  /** The longest secret whose head hashes to `h` that starts at `at` in `text`, if any. */
  private secretAt(text: string, at: number, h: number): string | undefined {
    const candidates = this.byHead.get(h);
    if (candidates === undefined) return undefined;
    for (const s of candidates) if (text.startsWith(s, at)) return s;
    return undefined;
  }
}
