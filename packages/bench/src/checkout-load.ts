/**
 * `pnpm --filter @paybridge/bench run checkout-load`: starts the demo server (shop + both
 * simulators, as `pnpm demo:serve`) in a child process and drives rounds of concurrent checkouts
 * through the shop over HTTP (see checkout-load-run.ts). Prints each round's failures and p50 / p99
 * against the providers' timeouts. LOAD_CONCURRENCY (200), LOAD_ROUNDS (5); LOAD_PROFILE=1 runs
 * the server under `node --cpu-prof` and prints where its CPU went.
 */
import { mkdtempSync, readdirSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { checkoutRound, providerTimeouts, type RoundResult } from "./checkout-load-run.js";
import { summarizeCpuProfile } from "./cpu-profile.js";
import { startDemoServer } from "./demo-server.js";
import { median } from "./ratio.js";

const concurrency = Number(process.env.LOAD_CONCURRENCY ?? 200);
const rounds = Number(process.env.LOAD_ROUNDS ?? 5);
const profileDir =
  process.env.LOAD_PROFILE === "1" ? mkdtempSync(join(tmpdir(), "checkout-load-")) : undefined;
const ms = (v: number) => `${Math.round(v).toLocaleString("en-US")} ms`;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

const server = await startDemoServer(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []);
const timeouts = providerTimeouts();
const budget = Math.min(timeouts.wechatMs, timeouts.alipayMs);
process.stdout.write(
  `checkout load: ${rounds} rounds x ${concurrency} concurrent checkouts against ${server.origin}\n` +
    `provider timeouts: WeChat Pay ${ms(timeouts.wechatMs)}, Alipay ${ms(timeouts.alipayMs)}\n`,
);
const results: RoundResult[] = [];
try {
  for (let round = 1; round <= rounds; round++) {
    const r = await checkoutRound(server.origin, { concurrency });
    results.push(r);
    process.stdout.write(
      `round ${round}: failures ${r.failures}/${r.checkouts}, checkout p50 ${ms(r.p50Ms)} p99 ${ms(r.p99Ms)}, ` +
        `slowest shop requests p99 ${ms(r.requestP99Ms)} max ${ms(r.requestMaxMs)}, round ${ms(r.wallMs)} ` +
        `(load ${load()})\n`,
    );
    for (const e of r.errors) process.stdout.write(`  ${e}\n`);
  }
} finally {
  await server.stop();
}
const failures = results.reduce((n, r) => n + r.failures, 0);
const p99 = median(results.map((r) => r.p99Ms));
const requestMax = Math.max(...results.map((r) => r.requestMaxMs));
process.stdout.write(
  `total: failures ${failures}/${rounds * concurrency}; median of round p50 ${ms(median(results.map((r) => r.p50Ms)))}, ` +
    `median of round p99 ${ms(p99)}; slowest shop request ${ms(requestMax)} against the smaller provider timeout ` +
    `${ms(budget)}: ${failures === 0 && requestMax < budget ? "met" : "missed"}\n`,
);
if (profileDir) {
  const file = readdirSync(profileDir).find((f) => f.endsWith(".cpuprofile"));
  if (file) {
    const s = summarizeCpuProfile(join(profileDir, file));
    process.stdout.write(
      `\ndemo server CPU profile ${join(profileDir, file)}: ${ms(s.sampledMs)} sampled, busy ${(s.busy * 100).toFixed(1)}%\n`,
    );
    for (const c of s.categories) process.stdout.write(`  ${(c.share * 100).toFixed(1)}%  ${c.name}\n`);
    process.stdout.write("  top self time:\n");
    for (const c of s.topSelf) process.stdout.write(`  ${(c.share * 100).toFixed(1)}%  ${c.name}\n`);
  }
}
