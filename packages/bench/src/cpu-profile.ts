import { readFileSync } from "node:fs";

/** The parts of a V8 `.cpuprofile` (written by `node --cpu-prof`) this summary reads. */
interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string };
    readonly children?: readonly number[];
  }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileShare {
  readonly name: string;
  /** Share of the busy (non-idle) samples, 0..1. */
  readonly share: number;
}

export interface ProfileSummary {
  /** Sampled wall time, ms. */
  readonly sampledMs: number;
  /** Share of the samples in which the thread was busy (not idle). */
  readonly busy: number;
  /** Named costs, inclusive (a sample counts for the innermost matching frame's category). */
  readonly categories: readonly ProfileShare[];
  /** Functions with the most self time, of the busy samples. */
  readonly topSelf: readonly ProfileShare[];
}

/** Categories looked for on the stack, innermost first; the first one found takes the sample. */
const CATEGORIES: readonly { name: string; match: (fn: string, url: string) => boolean }[] = [
  { name: "RSA key generation", match: (fn) => fn === "generateKeyPairSync" || fn === "generateKeyPair" },
  {
    name: "RSA signing (node:crypto sign)",
    match: (fn, url) => url.includes("internal/crypto/sig") && fn.startsWith("sign"),
  },
  {
    name: "RSA verify (node:crypto verify)",
    match: (fn, url) => url.includes("internal/crypto/sig") && fn.startsWith("verify"),
  },
  {
    name: "key parsing (createPrivateKey / createPublicKey)",
    match: (fn) => /^create(Private|Public)Key$/.test(fn),
  },
  { name: "PGlite", match: (_fn, url) => url.includes("pglite") },
  { name: "garbage collection", match: (fn) => fn === "(garbage collector)" },
];

/** Reads a `.cpuprofile` and says where the busy time went. */
export function summarizeCpuProfile(path: string): ProfileSummary {
  const profile = JSON.parse(readFileSync(path, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const categoryOf = new Map<number, string | undefined>();
  const categorize = (id: number): string | undefined => {
    if (categoryOf.has(id)) return categoryOf.get(id);
    const node = byId.get(id);
    const { functionName, url } = node?.callFrame ?? { functionName: "", url: "" };
    const own = CATEGORIES.find((c) => c.match(functionName, url))?.name;
    const up = parent.get(id);
    const found = own ?? (up === undefined ? undefined : categorize(up));
    categoryOf.set(id, found);
    return found;
  };

  let total = 0;
  let idle = 0;
  const categoryTime = new Map<string, number>();
  const selfTime = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    total += dt;
    const frame = byId.get(id)?.callFrame;
    if (!frame || frame.functionName === "(idle)") {
      idle += dt;
      return;
    }
    const file = frame.url.split("/").slice(-2).join("/");
    const key = `${frame.functionName || "(anonymous)"} ${file}`.trim();
    selfTime.set(key, (selfTime.get(key) ?? 0) + dt);
    const category = categorize(id);
    if (category) categoryTime.set(category, (categoryTime.get(category) ?? 0) + dt);
  });
  const busyTime = Math.max(1, total - idle);
  const shares = (m: Map<string, number>, limit: number): ProfileShare[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit)
      .map(([name, t]) => ({ name, share: t / busyTime }));
  return {
    sampledMs: total / 1000,
    busy: total === 0 ? 0 : busyTime / total,
    categories: shares(categoryTime, CATEGORIES.length),
    topSelf: shares(selfTime, 12),
  };
}
