import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
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
}

export const IMPORT_PAIRS: readonly ImportPair[] = [
  { name: "@paybridge/wechatpay / wechatpay-node-v3", pkg: "wechatpay", raw: ["wechatpay-node-v3"] },
  { name: "@paybridge/alipay / alipay-sdk", pkg: "alipay", raw: ["alipay-sdk"] },
  {
    name: "@paybridge/core / reflect-metadata + zod + tsyringe",
    pkg: "core",
    raw: ["reflect-metadata", "zod", "tsyringe"],
  },
  { name: "@paybridge/postgres / pg", pkg: "postgres", raw: ["pg"] },
  { name: "@paybridge/redis / ioredis", pkg: "redis", raw: ["ioredis"] },
];

export interface ImportResult {
  readonly name: string;
  readonly rounds: number;
  readonly paybridgeMs: number;
  readonly rawMs: number;
  /** Median of the per-round PayBridge / raw import times. */
  readonly medianRatio: number;
  readonly ratios: readonly number[];
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

/** Milliseconds `import()` of `specifiers` takes in a fresh process whose cwd is `cwd`. */
function importMs(cwd: string, specifiers: readonly string[]): number {
  const script =
    `const t = performance.now();` +
    specifiers.map((s) => `await import(${JSON.stringify(s)});`).join("") +
    `process.stdout.write(String(performance.now() - t));`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd,
    encoding: "utf8",
  });
  return Number(out.trim());
}

export function benchImport(pair: ImportPair, rounds: number): ImportResult {
  const cwd = dirname(fileURLToPath(entryUrl(pair.pkg)));
  const paybridge = [entryUrl(pair.pkg)];
  const pbTimes: number[] = [];
  const rawTimes: number[] = [];
  const ratios: number[] = [];
  // One untimed pass each, so the file system cache holds both sides before the first round.
  importMs(cwd, pair.raw);
  importMs(cwd, paybridge);
  for (let round = 0; round < rounds; round++) {
    let pb: number;
    let raw: number;
    if (round % 2 === 0) {
      raw = importMs(cwd, pair.raw);
      pb = importMs(cwd, paybridge);
    } else {
      pb = importMs(cwd, paybridge);
      raw = importMs(cwd, pair.raw);
    }
    pbTimes.push(pb);
    rawTimes.push(raw);
    ratios.push(pb / raw);
  }
  return {
    name: pair.name,
    rounds,
    paybridgeMs: median(pbTimes),
    rawMs: median(rawTimes),
    medianRatio: median(ratios),
    ratios,
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
