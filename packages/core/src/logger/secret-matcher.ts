/** Every registered secret is at least this long; it is also the width of the window the matcher hashes. */
export const MIN_SECRET_LENGTH = 8;

const BASE = 31;
// BASE ** (MIN_SECRET_LENGTH - 1) in 32-bit arithmetic: what the window's first character weighs.
const TOP = (() => {
  let p = 1;
  for (let i = 1; i < MIN_SECRET_LENGTH; i++) p = Math.imul(p, BASE);
  return p;
})();

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
 * scrubs a log line as fast as one with a single merchant.
 */
export class SecretMatcher {
  /** Secrets by the hash of their head, longest first so the longest secret at a position wins. */
  private readonly byHead = new Map<number, string[]>();
  private count = 0;

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
  }

  /** `text` with every occurrence of every secret replaced by `mask`; the same string when none occurs. */
  replaceAll(text: string, mask: string): string {
    const n = text.length;
    if (this.count === 0 || n < MIN_SECRET_LENGTH) return text;
    let out = "";
    let copied = 0;
    let i = 0;
    let h = headHash(text, 0);
    while (i + MIN_SECRET_LENGTH <= n) {
      const candidates = this.byHead.get(h);
      const found = candidates?.find((s) => text.startsWith(s, i));
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
}
