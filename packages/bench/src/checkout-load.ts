/**
 * `pnpm --filter @paybridge/bench run checkout-load`: starts the demo server (shop + both
 * simulators, as `pnpm demo:serve`) in a child process and drives rounds of concurrent checkouts
 * through the shop over HTTP (see checkout-load-run.ts). Prints each round's failures and p50 / p99
 * against the providers' timeouts, with the machine's load average (the bench machine is shared,
 * and a figure means little without it). LOAD_CONCURRENCY (200), LOAD_ROUNDS (5), LOAD_POLL_MS
 * (the cashier page's 1000), LOAD_LEDGER (the demo's --ledger, memory or pglite), LOAD_SANDBOX
 * (the demo's --sandbox: process, its default with --serve, or in-process). LOAD_PROFILE=1
 * runs the server under `node --cpu-prof` and prints where its CPU went. LOAD_BASELINE_DEMO=
 * path/to/main.js also runs a demo server from another build (an older checkout's
 * packages/checkout-demo/dist/main.js) and alternates rounds between the two, so both meet the same
 * neighbours on a shared machine; LOAD_BASELINE_ARGS (space-separated) are its demo arguments, so
 * LOAD_BASELINE_DEMO=packages/checkout-demo/dist/main.js LOAD_BASELINE_ARGS=--sandbox=in-process
 * compares this build's two placements of the simulators.
 */
import { mkdtempSync, readdirSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { CASHIER_POLL_MS, checkoutRound, providerTimeouts, type RoundResult } from "./checkout-load-run.js";
import { summarizeCpuProfile } from "./cpu-profile.js";
import { type DemoServer, startDemoServer } from "./demo-server.js";
import { median } from "./ratio.js";

const concurrency = Number(process.env.LOAD_CONCURRENCY ?? 200);
const rounds = Number(process.env.LOAD_ROUNDS ?? 5);
const pollMs = Number(process.env.LOAD_POLL_MS ?? CASHIER_POLL_MS);
const ledger = process.env.LOAD_LEDGER ?? "memory";
const sandbox = process.env.LOAD_SANDBOX;
const baselineMain = process.env.LOAD_BASELINE_DEMO;
const baselineArgs = (process.env.LOAD_BASELINE_ARGS ?? "").split(" ").filter(Boolean);
const profileDir =
  process.env.LOAD_PROFILE === "1" ? mkdtempSync(join(tmpdir(), "checkout-load-")) : undefined;
const ms = (v: number) => `${Math.round(v).toLocaleString("en-US")} ms`;
const load = () =>
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")} on ${availableParallelism()} cores`;
const startLoad = load();

const timeouts = providerTimeouts();
const budget = Math.min(timeouts.wechatMs, timeouts.alipayMs);

/** A demo server under test: this build, or (LOAD_BASELINE_DEMO) another build's main.js, rounds interleaved. */
interface Target {
  readonly name: string;
  readonly server: DemoServer;
  readonly results: RoundResult[];
  /** Server CPU per round, ms: every thread of every process, the shop's main thread, the sandbox child process. */
  readonly cpu: { process: number; main: number; children: number }[];
}
/** CPU per checkout: what a round costs the server whatever the neighbours do to its latency. */
const perCheckout = (cpuMs: number, r: RoundResult) => `${(cpuMs / r.checkouts).toFixed(1)} ms/checkout`;
const targets: Target[] = [
  {
    name: "this build",
    server: await startDemoServer(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : [], [
      `--ledger=${ledger}`,
      ...(sandbox ? [`--sandbox=${sandbox}`] : []),
    ]),
    results: [],
    cpu: [],
  },
];
if (baselineMain) {
  targets.push({
    name: `baseline ${baselineMain}${baselineArgs.length > 0 ? ` ${baselineArgs.join(" ")}` : ""}`,
    server: await startDemoServer([], baselineArgs, baselineMain),
    results: [],
    cpu: [],
  });
}
process.stdout.write(
  `checkout load: ${rounds} rounds x ${concurrency} concurrent checkouts, status polled every ${ms(pollMs)}, ` +
    `${ledger} ledger${sandbox ? `, simulators ${sandbox}` : ""}\n` +
    `provider timeouts: WeChat Pay ${ms(timeouts.wechatMs)}, Alipay ${ms(timeouts.alipayMs)}\n` +
    `machine before the run: ${startLoad}\n` +
    (baselineMain ? "rounds alternate between this build and the baseline, which goes first in turn\n" : ""),
);
try {
  for (let round = 1; round <= rounds; round++) {
    const order = round % 2 === 1 ? targets : [...targets].reverse();
    for (const t of order) {
      const before = t.server.cpu();
      const r = await checkoutRound(t.server.origin, { concurrency, pollMs });
      const after = t.server.cpu();
      const cpu =
        before && after
          ? {
              process: after.processMs - before.processMs,
              main: after.mainThreadMs - before.mainThreadMs,
              children: after.childrenMs - before.childrenMs,
            }
          : undefined;
      t.results.push(r);
      if (cpu) t.cpu.push(cpu);
      process.stdout.write(
        `round ${round}${targets.length > 1 ? ` ${t.name}` : ""}: failures ${r.failures}/${r.checkouts}, ` +
          `checkout p50 ${ms(r.p50Ms)} p99 ${ms(r.p99Ms)}, ` +
          `shop requests ${r.requests} p99 ${ms(r.requestP99Ms)} max ${ms(r.requestMaxMs)} ` +
          `(open ${ms(r.phaseMaxMs.open)}, pay ${ms(r.phaseMaxMs.pay)}, poll ${ms(r.phaseMaxMs.poll)}), ` +
          `round ${ms(r.wallMs)}${cpu ? `, server CPU ${perCheckout(cpu.process, r)} (main thread ${perCheckout(cpu.main, r)}${cpu.children > 0 ? `, sandbox process ${perCheckout(cpu.children, r)}` : ""})` : ""} ` +
          `(${load()})\n`,
      );
      for (const e of r.errors) process.stdout.write(`  ${e}\n`);
    }
  }
} finally {
  await Promise.all(targets.map((t) => t.server.stop()));
}
for (const { name, results, cpu } of targets) {
  const failures = results.reduce((n, r) => n + r.failures, 0);
  const requestMax = Math.max(...results.map((r) => r.requestMaxMs));
  process.stdout.write(
    `total${targets.length > 1 ? ` ${name}` : ""}: failures ${failures}/${rounds * concurrency}; ` +
      `median of round p50 ${ms(median(results.map((r) => r.p50Ms)))}, median of round p99 ${ms(median(results.map((r) => r.p99Ms)))}; ` +
      `shop request p99 median ${ms(median(results.map((r) => r.requestP99Ms)))}, slowest ${ms(requestMax)} ` +
      `against the smaller provider timeout ${ms(budget)}: ${failures === 0 && requestMax < budget ? "met" : "missed"}` +
      (cpu.length > 0
        ? `; server CPU per checkout median ${(median(cpu.map((c) => c.process)) / concurrency).toFixed(1)} ms ` +
          `(rounds ${cpu.map((c) => (c.process / concurrency).toFixed(1)).join(" ")}), main thread ` +
          `${(median(cpu.map((c) => c.main)) / concurrency).toFixed(1)} ms (rounds ${cpu.map((c) => (c.main / concurrency).toFixed(1)).join(" ")})` +
          (cpu.some((c) => c.children > 0)
            ? `, sandbox process ${(median(cpu.map((c) => c.children)) / concurrency).toFixed(1)} ms`
            : "")
        : "") +
      "\n",
  );
}
process.stdout.write(`machine after the run: ${load()}\n`);
if (profileDir) {
  // node --cpu-prof writes one profile per thread: CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile,
  // thread 0 a process's main thread, the others its signing workers. The demo server's own pid is
  // the shop (with the simulators' HTTP when they run in process); a child process (it inherits
  // --cpu-prof) is the sandbox's.
  const shopPid = targets[0]?.server.pid;
  const files = readdirSync(profileDir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .map((f) => ({ f, pid: Number(f.split(".").at(-4)), thread: Number(f.split(".").at(-3)) }))
    .sort(
      (a, b) => Number(b.pid === shopPid) - Number(a.pid === shopPid) || a.pid - b.pid || a.thread - b.thread,
    );
  for (const { f, pid, thread } of files) {
    const s = summarizeCpuProfile(join(profileDir, f));
    const where = pid === shopPid ? "demo server" : `sandbox process ${pid}`;
    process.stdout.write(
      `\n${where} ${thread === 0 ? "main thread" : `worker thread ${thread}`} CPU profile ${join(profileDir, f)}: ` +
        `${ms(s.sampledMs)} sampled, busy ${(s.busy * 100).toFixed(1)}%\n`,
    );
    if (thread !== 0) continue;
    for (const c of s.categories) process.stdout.write(`  ${(c.share * 100).toFixed(1)}%  ${c.name}\n`);
    process.stdout.write("  top self time:\n");
    for (const c of s.topSelf) process.stdout.write(`  ${(c.share * 100).toFixed(1)}%  ${c.name}\n`);
  }
}
