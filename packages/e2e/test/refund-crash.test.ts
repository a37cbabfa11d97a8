import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LedgerRefund, RefundRuleError, RefundService, RefundState } from "@paybridge/core";
import { connectPostgres, migrate, openPglite, PostgresRefundLedger, quoteSchema } from "@paybridge/postgres";
import { startWechatSandbox, type WechatFault, type WechatSandbox } from "@paybridge/sandbox";
import type { WechatEngineEvent } from "@paybridge/sandbox/wechat";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LedgerStore, openLedgerStore } from "./support/ledger-store.js";
import { startKillableWorker } from "./support/processes.js";
import { paidWechatOrder, wechatConfig, wechatGateway } from "./support/wechat.js";
import type { CrashPoint, CrashTrace, CrashWorkerInput } from "./workers/crash-worker.js";

// A real crash: a worker process refunds through PostgresRefundLedger and WechatPayProvider against
// the simulator running here, and is killed with SIGKILL at a chosen point. A fresh RefundService
// on the same database then runs resumePending(), and the ledger must agree with the simulator.
// Without DATABASE_URL the ledger is a PGlite data directory on disk: PGlite recovers a directory
// whose process was killed (its WAL replays on open), so the same test runs there.
const databaseUrl = process.env.DATABASE_URL;
console.log(
  databaseUrl
    ? "refund crash test: ledgers on the PostgreSQL server (DATABASE_URL)"
    : "DATABASE_URL is not set: 'refunds survive SIGKILL' runs on PGlite data directories instead of PostgreSQL",
);

/**
 * A hang detector, not a start-up budget: every wait in this file (a worker's READY, a crash point)
 * lasts as long as a busy machine needs, and only a worker stuck for ten minutes fails the test,
 * with a message saying it hung. Seven workers start at once (node --import tsx, PGlite or pg):
 * with both cores busy their start-up took more than 30 s here, which the old fixed budget missed.
 */
const HANG_MS = 10 * 60_000;
const hung = (what: string) =>
  `${what} (hang detector: nothing for ${HANG_MS / 60_000} minutes, the worker is stuck, not slow)`;

interface Scenario {
  readonly point: CrashPoint;
  /** Faults queued at the simulator for this scenario's merchant just before the crash phase. */
  readonly faults: readonly {
    kind: WechatFault["kind"];
    operation: WechatFault["operation"];
    times: number;
  }[];
  readonly totalFen: number;
  readonly before: readonly number[];
  readonly crash: readonly number[];
  /** What the ledger holds for the crashing refund once the worker is dead (before any resume). */
  readonly left?: { readonly state: RefundState; readonly attempts: number; readonly atSimulator: boolean };
}

const SCENARIOS: readonly Scenario[] = [
  {
    point: "stored",
    faults: [],
    totalFen: 1000,
    before: [300],
    crash: [500],
    left: { state: RefundState.CONFIRMED, attempts: 0, atSimulator: false },
  },
  {
    point: "counted",
    faults: [],
    totalFen: 1000,
    before: [300],
    crash: [500],
    left: { state: RefundState.CONFIRMED, attempts: 1, atSimulator: false },
  },
  {
    point: "timeout",
    faults: [{ kind: "TIMEOUT", operation: "refund", times: 1 }],
    totalFen: 1000,
    before: [300],
    crash: [500],
    left: { state: RefundState.CONFIRMED, attempts: 1, atSimulator: false },
  },
  {
    point: "lost",
    faults: [{ kind: "RESPONSE_LOST", operation: "refund", times: 1 }],
    totalFen: 1000,
    before: [300],
    crash: [500],
    left: { state: RefundState.NOT_SUBMITTED, attempts: 1, atSimulator: true },
  },
  {
    point: "accepted",
    faults: [],
    totalFen: 1000,
    before: [300],
    crash: [500],
    left: { state: RefundState.CONFIRMED, attempts: 1, atSimulator: true },
  },
  {
    point: "submitted",
    faults: [],
    totalFen: 1000,
    before: [300],
    crash: [500],
    left: { state: RefundState.SUBMITTED, attempts: 1, atSimulator: true },
  },
  {
    // 20 refunds of 150 on an order of 2000: 13 fit. Killed at the simulator's 5th acceptance, with
    // lost answers, refused calls, a held call and a failing query on the way.
    point: "burst",
    faults: [
      { kind: "RESPONSE_LOST", operation: "refund", times: 2 },
      { kind: "SYSTEM_ERROR", operation: "refund", times: 2 },
      { kind: "TIMEOUT", operation: "refund", times: 1 },
      { kind: "SYSTEM_ERROR", operation: "query_refund", times: 1 },
    ],
    totalFen: 2000,
    before: [],
    crash: Array.from({ length: 20 }, () => 150),
  },
];
const BURST_KILL_AT = 5;

interface Run {
  readonly scenario: Scenario;
  readonly mchid: string;
  readonly store: LedgerStore;
  readonly outTradeNo: string;
  readonly config: ReturnType<typeof wechatConfig>;
  /** The refund the worker was busy with when it died. */
  crashedRefundNo: string;
  ended: string;
}

describe("refunds survive SIGKILL of the backend process (PostgresRefundLedger + WeChat simulator)", () => {
  let sandbox: WechatSandbox;
  const events: WechatEngineEvent[] = [];
  const cleanups: (() => Promise<void> | void)[] = [];
  const stamp = `${Date.now().toString(36)}${process.pid}`;
  /** Without a server: one migrated PGlite directory, copied for each scenario (initdb takes seconds). */
  let template = "";

  beforeAll(async () => {
    if (!databaseUrl) {
      template = mkdtempSync(join(tmpdir(), "pb_e2e_crash_template-"));
      cleanups.push(() => rmSync(template, { recursive: true, force: true }));
      const db = await openPglite(template);
      await migrate(db);
      await db.close();
    }
    sandbox = await startWechatSandbox({
      allowLoopbackHttpNotify: true,
      merchants: SCENARIOS.map(() => ({ keyMode: "public_key" as const })),
      refundIntervalMs: 0,
      // Refunds stay PROCESSING until the test moves the clock, so what the worker saw is fixed.
      refundDelayMs: 3_600_000,
    });
    sandbox.engine.onEvent((e) => events.push(e));
    // initdb of the PGlite template takes seconds idle and much longer on a busy machine.
  }, HANG_MS);
  afterAll(async () => {
    for (const clean of cleanups.reverse()) await clean();
    await sandbox?.close();
  });

  it(
    "after a restart every refund is finished once, the ledger matches the simulator, and nothing exceeds what was paid",
    async () => {
      const runs = SCENARIOS.map((scenario, i): Run => {
        const mchid = sandbox.merchants[i]?.mchid ?? "";
        return {
          scenario,
          mchid,
          store: newStore(`pb_e2e_crash_${scenario.point}_${stamp}`.toLowerCase()),
          outTradeNo: `CRASH${scenario.point.toUpperCase()}${stamp}`,
          // A long client timeout: the held call must still be in flight when the worker dies.
          config: { ...wechatConfig(sandbox.merchant(mchid), sandbox.origin), timeoutMs: 60_000 },
          crashedRefundNo: "",
          ended: "",
        };
      });

      // Phase 1: every worker runs, up to its crash point, at the same time; each is killed there.
      await Promise.all(runs.map((run) => crashOne(run)));
      // Faults the burst did not reach stay queued for the restart, except a held call (TIMEOUT),
      // which would only make the resumed engine wait for its client timeout.
      const unused = sandbox.engine.faults.pending;
      sandbox.engine.faults.clear();
      for (const f of unused) if (f.kind !== "TIMEOUT") sandbox.engine.injectFault(f);

      // Phase 2, one scenario at a time (a PGlite directory has one process on it): what the crash
      // left, then a fresh engine on the same database resumes it.
      for (const run of runs) await resumeAndCheck(run);

      const leftovers = runs.map((r) => `${r.scenario.point}: ${r.crashedRefundNo} (${r.ended})`);
      console.log(`refund crash test: killed and resumed ${leftovers.join("; ")}`);
      // Vitest's own limit is the hang detector too: two sequential phases of waits, plus margin.
    },
    3 * HANG_MS,
  );

  function newStore(name: string): LedgerStore {
    if (databaseUrl) {
      cleanups.push(async () => {
        const db = connectPostgres(databaseUrl, { max: 1 });
        await db.query(`DROP SCHEMA IF EXISTS ${quoteSchema(name)} CASCADE`);
        await db.close();
      });
      return { kind: "postgres", url: databaseUrl, schema: name };
    }
    const dataDir = mkdtempSync(join(tmpdir(), `${name}-`));
    cpSync(template, dataDir, { recursive: true });
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    return { kind: "pglite", dataDir };
  }

  async function crashOne(run: Run): Promise<void> {
    const { scenario, mchid, outTradeNo } = run;
    const paid = paidWechatOrder(sandbox, outTradeNo, scenario.totalFen, mchid);
    const refundNo = (prefix: string, i: number) => `${outTradeNo}${prefix}${i}`;
    const worker = startKillableWorker(
      "crash-worker.ts",
      {
        store: run.store,
        config: run.config,
        outTradeNo,
        totalFen: scenario.totalFen,
        paidAt: (paid.successTime ?? new Date()).toISOString(),
        before: scenario.before.map((fen, i) => ({ outRefundNo: refundNo("B", i), fen })),
        crash: scenario.crash.map((fen, i) => ({ outRefundNo: refundNo("C", i), fen })),
        point: scenario.point,
      } satisfies CrashWorkerInput,
      // A worker is killed by the test at its crash point; this only stops one that hung.
      2 * HANG_MS,
    );
    try {
      await worker.waitForLine((l) => l === "READY", HANG_MS, hung("READY"));
      for (const f of scenario.faults)
        sandbox.engine.injectFault({ kind: f.kind, operation: f.operation, mchid }, f.times);
      run.crashedRefundNo = refundNo("C", 0);

      if (scenario.point === "burst") {
        // Killed from inside the simulator's acceptance of the 5th refund, before its answer is written.
        let accepted = 0;
        const stop = sandbox.engine.onEvent((e) => {
          if (e.kind !== "refund" || e.from !== undefined || e.mchid !== mchid) return;
          accepted += 1;
          if (accepted === BURST_KILL_AT) {
            run.crashedRefundNo = e.refund.outRefundNo;
            worker.child.kill("SIGKILL");
          }
        });
        worker.send("GO");
        run.ended = await Promise.race([
          worker.exited,
          worker.waitForLine((l) => l.startsWith("HALT"), HANG_MS, hung("the 5th acceptance")),
        ]);
        stop();
        expect(run.ended, "the burst must be killed mid-way, not after it finished").toBe("SIGKILL");
        return;
      }

      worker.send("GO");
      if (scenario.point === "timeout") {
        // The simulator took the TIMEOUT fault: the request reached it and is being held open.
        await until(
          () => !sandbox.engine.faults.pending.some((f) => f.mchid === mchid),
          "the held refund call",
        );
      } else if (scenario.point === "lost") {
        // The refund exists at the simulator and the worker recorded the lost answer (2), then backs off.
        await worker.waitForLine(
          (l) =>
            traceOf(l)?.outRefundNo === run.crashedRefundNo &&
            traceOf(l)?.state === RefundState.NOT_SUBMITTED,
          HANG_MS,
          hung("the lost answer recorded at 2"),
        );
      } else {
        await worker.waitForLine(
          (l) => l === `HALT ${scenario.point}`,
          HANG_MS,
          hung(`HALT ${scenario.point}`),
        );
      }
      run.ended = await worker.kill();
      expect(run.ended).toBe("SIGKILL");
    } finally {
      worker.child.kill("SIGKILL");
      await worker.exited;
    }
  }

  async function resumeAndCheck(run: Run): Promise<void> {
    const { scenario, mchid, outTradeNo } = run;
    const { client, schema } = await openLedgerStore(run.store);
    try {
      const ledger = new PostgresRefundLedger(client, { schema });
      const what = `${scenario.point}: ${run.crashedRefundNo}`;

      // What the crash left, read from the database after the process died.
      const left = await ledger.getRefund(run.crashedRefundNo);
      const atSimulator = remoteRefunds(run).some((r) => r.outRefundNo === run.crashedRefundNo);
      if (scenario.left) {
        expect({ state: left?.state, attempts: left?.attempts, atSimulator }, what).toEqual(scenario.left);
      } else {
        // The burst: the refund whose acceptance killed the worker is at the simulator but not accepted
        // in the ledger, so resuming has real work to do.
        expect(atSimulator, what).toBe(true);
        expect(left?.state, what).toBeLessThan(RefundState.SUBMITTED);
      }

      const service = new RefundService({
        gateway: wechatGateway(run.config),
        ledger,
        rules: { byProvider: { wechatpay: { minIntervalMs: 0 } } },
        retry: { baseDelayMs: 20, maxDelayMs: 200 },
      });
      const report = await service.resumePending();
      expect(report.failed, what).toEqual([]);
      expect(unfinished(await ledger.listRefunds(outTradeNo), [1, 2]), what).toEqual([]);

      // Let the simulator settle everything, then learn the outcomes.
      sandbox.control.advance(2 * 3_600_000);
      for (const r of await ledger.listRefunds(outTradeNo))
        if (r.state === RefundState.SUBMITTED) await service.sync(r.outRefundNo);

      const local = await ledger.listRefunds(outTradeNo);
      const remote = remoteRefunds(run);
      // Nothing is left half-done.
      expect(unfinished(local, [0, 1, 2, 3, 5]), what).toEqual([]);
      // The ledger and the simulator agree refund by refund: same numbers, amounts and outcomes.
      const localView = local.map((r) => [
        r.outRefundNo,
        r.amountFen,
        r.state === RefundState.SUCCESS ? "SUCCESS" : "CLOSED",
      ]);
      const remoteView = remote.map((r) => [r.outRefundNo, r.refundFen, r.status]);
      expect(localView.sort(), what).toEqual(remoteView.sort());
      // Each refund number was refunded at most once: one record and one acceptance per number.
      const acceptedNumbers = events
        .filter(
          (e) =>
            e.kind === "refund" &&
            e.from === undefined &&
            e.mchid === mchid &&
            e.order.outTradeNo === outTradeNo,
        )
        .map((e) => (e.kind === "refund" ? e.refund.outRefundNo : ""));
      expect(acceptedNumbers.length, what).toBe(new Set(acceptedNumbers).size);
      expect(new Set(remote.map((r) => r.outRefundNo)).size, what).toBe(remote.length);
      // Never more than was paid, at the simulator and in the ledger.
      const remoteSum = remote.filter((r) => r.status !== "CLOSED").reduce((s, r) => s + r.refundFen, 0);
      const localSum = local
        .filter((r) => r.state !== RefundState.CLOSED)
        .reduce((s, r) => s + r.amountFen, 0);
      expect(remoteSum, what).toBeLessThanOrEqual(scenario.totalFen);
      expect(localSum, what).toBe(remoteSum);
      // The crashed refund itself was finished, once.
      expect(
        remote.filter((r) => r.outRefundNo === run.crashedRefundNo).map((r) => r.status),
        what,
      ).toEqual(["SUCCESS"]);

      // Asking again for the crashed refund returns it; it is not sent again.
      const callsBefore = sandbox.engine.refundsOf(outTradeNo, mchid).length;
      const crashedFen = left?.amountFen ?? 0;
      const again = await service.refund({
        outTradeNo,
        outRefundNo: run.crashedRefundNo,
        amount: { fen: crashedFen, currency: "CNY" },
      });
      expect(again.state, what).toBe(RefundState.SUCCESS);
      expect(sandbox.engine.refundsOf(outTradeNo, mchid).length, what).toBe(callsBefore);
      // A refund one fen past what is left is refused before any call.
      const over = service.refund({
        outTradeNo,
        outRefundNo: `${outTradeNo}X`,
        amount: { fen: scenario.totalFen - localSum + 1, currency: "CNY" },
      });
      await expect(over, what).rejects.toBeInstanceOf(RefundRuleError);
      await expect(over, what).rejects.toMatchObject({ rule: "sum" });
    } finally {
      await client.close();
    }
  }

  function remoteRefunds(run: Run) {
    return sandbox.engine.refundsOf(run.outTradeNo, run.mchid);
  }
});

function unfinished(refunds: readonly LedgerRefund[], states: readonly number[]) {
  return refunds.filter((r) => states.includes(r.state)).map((r) => `${r.outRefundNo}@${r.state}`);
}

function traceOf(line: string): CrashTrace | undefined {
  return line.startsWith("TRACE ") ? (JSON.parse(line.slice(6)) as CrashTrace) : undefined;
}

/** Polls a condition in this process; only the hang detector ends it. */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + HANG_MS;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`no ${hung(what)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
