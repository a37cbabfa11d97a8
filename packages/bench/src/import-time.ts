import { execFileSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { benchClockFromEnv, CPU_CLOCK } from "./clock.js";
import { median } from "./ratio.js";

/**
 * Cold import (issue 15, item 5): how long `import()` of each PayBridge package takes in a fresh
 * Node process, against the raw SDK or libraries it wraps imported alone in another fresh process.
 * Rounds alternate which side goes first, so a busy moment of the machine lands on both.
 */
export interface ImportPair {
  readonly name: string;
  /** The PayBridge package (its directory under packages/): the raw side resolves from there. */
  readonly pkg: string;
  /** What a user of the raw SDK would import instead, in this order. */
  readonly raw: readonly string[];
  /**
   * A second figure: import and construct one client, both sides timed to the end of their
   * constructor, so work a package moved from its import to its first constructor still counts.
   * Each is a script run after the imports, with `m0`, `m1`, ... the imported namespaces (in
   * order) and `keys` the test keys the parent generated (`ConstructKeys`).
   */
  readonly construct?: { readonly paybridge: string; readonly raw: string };
}

/** Key material a construct script gets, generated once per run in the parent (not in the timing). */
export interface ConstructKeys {
  /** PKCS#8 PEM of a 2048-bit RSA merchant key. */
  readonly privateKey: string;
  /** Its SPKI PEM, which stands in for the WeChat Pay public key too. */
  readonly publicKey: string;
  /** A 32-character APIv3 key. */
  readonly apiV3Key: string;
}

/**
 * One WechatPayProvider in public-key mode (the mode of new merchants,
 * https://pay.weixin.qq.com/doc/v3/merchant/4013038816), the config a merchant writes, against
 * `new Pay({...})` of wechatpay-node-v3 with the same ids and keys, as its README constructs it.
 * The ids are WeChat's documentation examples.
 */
const WECHAT_CONSTRUCT = {
  paybridge:
    `new m0.WechatPayProvider({ mchid: "1900000109", appid: "wxd678efh567hg6787", ` +
    `merchantSerialNo: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1", privateKey: keys.privateKey, ` +
    `apiV3Key: keys.apiV3Key, keyMode: { type: "public_key", publicKeyId: "PUB_KEY_ID_0114", ` +
    `publicKey: keys.publicKey } }, { merchantId: "bench", clock: () => new Date(), logger: ` +
    `{ debug() {}, info() {}, warn() {}, error() {}, child() { return this; } } });`,
  raw:
    `new m0.default({ appid: "wxd678efh567hg6787", mchid: "1900000109", ` +
    `serial_no: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1", publicKey: Buffer.from(keys.publicKey), ` +
    `privateKey: Buffer.from(keys.privateKey), key: keys.apiV3Key });`,
};

export const IMPORT_PAIRS: readonly ImportPair[] = [
  {
    name: "@paybridge/wechatpay / wechatpay-node-v3",
    pkg: "wechatpay",
    raw: ["wechatpay-node-v3"],
    construct: WECHAT_CONSTRUCT,
  },
  { name: "@paybridge/alipay / alipay-sdk", pkg: "alipay", raw: ["alipay-sdk"] },
  {
    name: "@paybridge/core / reflect-metadata + zod + tsyringe",
    pkg: "core",
    raw: ["reflect-metadata", "zod", "tsyringe"],
  },
  { name: "@paybridge/postgres / pg", pkg: "postgres", raw: ["pg"] },
  { name: "@paybridge/redis / ioredis", pkg: "redis", raw: ["ioredis"] },
];

export interface TimedPair {
  readonly paybridgeMs: number;
  readonly rawMs: number;
  /** Median of the per-round PayBridge / raw times. */
  readonly medianRatio: number;
  readonly ratios: readonly number[];
}

export interface ImportResult extends TimedPair {
  readonly name: string;
  readonly rounds: number;
  /** Import and construct one client (the pair's `construct`), in rounds of its own. */
  readonly construct?: TimedPair;
}

export const IMPORT_TARGET = 1.5;

const PACKAGES = fileURLToPath(new URL("../../", import.meta.url));

/** The URL of a workspace package's ESM entry, as `import "@paybridge/x"` would load it. */
function entryUrl(pkg: string): string {
  const dir = join(PACKAGES, pkg);
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
    exports: { ".": { import: { default: string } } };
  };
  return pathToFileURL(join(dir, manifest.exports["."].import.default)).href;
}

/**
 * `BENCH_CLOCK=cpu` (clock.ts): each child reports the CPU time (user + system, all its threads)
 * of its imports instead of their wall time, which on a shared machine also counts the time the
 * child waited for a core.
 */
const cpu = benchClockFromEnv() === CPU_CLOCK;

/**
 * Milliseconds `import()` of `specifiers` (then `construct`, if given) takes in a fresh process
 * whose cwd is `cwd`. The keys reach the child in its environment, parsed before the clock starts.
 */
function importMs(
  cwd: string,
  specifiers: readonly string[],
  construct?: string,
  keys?: ConstructKeys,
): number {
  const script =
    `const keys = JSON.parse(process.env.PAYBRIDGE_BENCH_KEYS ?? "null");` +
    (cpu ? `const c = process.cpuUsage();` : `const t = performance.now();`) +
    specifiers.map((s, i) => `const m${i} = await import(${JSON.stringify(s)});`).join("") +
    (construct ?? "") +
    (cpu
      ? `const u = process.cpuUsage(c); process.stdout.write(String((u.user + u.system) / 1000));`
      : `process.stdout.write(String(performance.now() - t));`);
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, PAYBRIDGE_BENCH_KEYS: JSON.stringify(keys ?? null) },
  });
  const ms = Number(out.trim());
  if (!Number.isFinite(ms)) throw new Error(`import-time child printed ${JSON.stringify(out)}`);
  return ms;
}

export function constructKeys(): ConstructKeys {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  return { privateKey, publicKey, apiV3Key: randomBytes(16).toString("hex") };
}

/** `rounds` interleaved fresh-process pairs of `pb()` and `raw()`, the side going first alternating. */
function interleaved(rounds: number, pb: () => number, raw: () => number): TimedPair {
  const pbTimes: number[] = [];
  const rawTimes: number[] = [];
  const ratios: number[] = [];
  // One untimed pass each, so the file system cache holds both sides before the first round.
  raw();
  pb();
  for (let round = 0; round < rounds; round++) {
    let p: number;
    let r: number;
    if (round % 2 === 0) {
      r = raw();
      p = pb();
    } else {
      p = pb();
      r = raw();
    }
    pbTimes.push(p);
    rawTimes.push(r);
    ratios.push(p / r);
  }
  return { paybridgeMs: median(pbTimes), rawMs: median(rawTimes), medianRatio: median(ratios), ratios };
}

export function benchImport(pair: ImportPair, rounds: number): ImportResult {
  const cwd = dirname(fileURLToPath(entryUrl(pair.pkg)));
  const paybridge = [entryUrl(pair.pkg)];
  const imported = interleaved(
    rounds,
    () => importMs(cwd, paybridge),
    () => importMs(cwd, pair.raw),
  );
  const construct = pair.construct;
  if (!construct) return { name: pair.name, rounds, ...imported };
  const keys = constructKeys();
  return {
    name: pair.name,
    rounds,
    ...imported,
    construct: interleaved(
      rounds,
      () => importMs(cwd, paybridge, construct.paybridge, keys),
      () => importMs(cwd, pair.raw, construct.raw, keys),
    ),
  };
}

export function benchImports(rounds: number, pairs: readonly ImportPair[] = IMPORT_PAIRS): ImportResult[] {
  return pairs.map((p) => benchImport(p, rounds));
}

/** Quartiles and extremes of per-round ratios: how far a median can be trusted on a busy machine. */
export function spread(values: readonly number[]): { min: number; q1: number; q3: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => {
    if (sorted.length === 0) return Number.NaN;
    const pos = (sorted.length - 1) * q;
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
  };
  return { min: at(0), q1: at(0.25), q3: at(0.75), max: at(1) };
}
