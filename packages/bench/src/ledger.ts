import { PGlite } from "@electric-sql/pglite";
import {
  createPayBridgeContainer,
  RefundRuleError,
  RefundService,
  registerMerchant,
  registerProvider,
  resolveGateway,
} from "@paybridge/core";
import {
  connectPostgres,
  createScratchSchema,
  DEFAULT_POOL_SIZE,
  PostgresRefundLedger,
  pgliteClient,
  type SqlClient,
} from "@paybridge/postgres";
import pg from "pg";
import { AcceptingProvider, PayoutBook } from "./accepting-provider.js";
import { type FloorDb, FloorLedger, pgFloorDb, pgliteFloorDb } from "./ledger-floor.js";
import { runRatio } from "./ratio.js";
import type { LedgerRow } from "./report.js";
import type { BenchScale } from "./scale.js";

const MERCHANT = "bench-ledger";
const REFUND_FEN = 100;

/** One database, opened for PayBridge (through @paybridge/postgres) and for the floor (the bare driver). */
export interface OpenLedgerStore {
  readonly client: SqlClient;
  readonly floor: FloorDb;
  close(): Promise<void>;
}

export interface LedgerStore {
  readonly name: string;
  /** Connects (or starts the embedded database); each benchmark then makes scratch schemas on it. */
  open(): Promise<OpenLedgerStore>;
}

/**
 * PostgreSQL: PayBridge through connectPostgres, the floor through a bare `pg` pool, both with
 * `poolSize` connections (default: @paybridge/postgres's own default, the size this machine gets
 * when nobody sets one).
 */
export function postgresStore(databaseUrl: string, poolSize = DEFAULT_POOL_SIZE): LedgerStore {
  return {
    name: `PostgreSQL (pool ${poolSize})`,
    open: async () => {
      const client = connectPostgres(databaseUrl, { max: poolSize });
      const floor = pgFloorDb(new pg.Pool({ connectionString: databaseUrl, max: poolSize }));
      return {
        client,
        floor,
        close: async () => {
          await client.close();
          await floor.close();
        },
      };
    },
  };
}

/** Embedded PGlite in memory, one instance: PayBridge through pgliteClient, the floor on PGlite directly. */
export function pgliteStore(): LedgerStore {
  return {
    name: "PGlite",
    open: async () => {
      const db = new PGlite();
      await db.waitReady;
      return { client: pgliteClient(db), floor: pgliteFloorDb(db), close: () => db.close() };
    },
  };
}

interface Request {
  readonly outTradeNo: string;
  readonly outRefundNo: string;
}

/** One batch's requests: one contended order whose total fits half of them, or one order each. */
function batchOf(layout: LedgerRow["layout"], prefix: string, attempts: number) {
  const totals = new Map<string, number>();
  const requests: Request[] = [];
  if (layout === "one order") {
    const outTradeNo = `${prefix}O`;
    totals.set(outTradeNo, Math.floor(attempts / 2) * REFUND_FEN);
    for (let i = 0; i < attempts; i++) requests.push({ outTradeNo, outRefundNo: `${outTradeNo}R${i}` });
  } else {
    for (let i = 0; i < attempts; i++) {
      const outTradeNo = `${prefix}N${i}`;
      totals.set(outTradeNo, REFUND_FEN);
      requests.push({ outTradeNo, outRefundNo: `${outTradeNo}R` });
    }
  }
  return { totals, requests };
}

/** `concurrency` refunders pulling from one queue; resolves to how many were paid out. */
async function drain(
  requests: readonly Request[],
  concurrency: number,
  refund: (r: Request) => Promise<boolean>,
): Promise<number> {
  let next = 0;
  let paid = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let r = requests[next++]; r !== undefined; r = requests[next++]) if (await refund(r)) paid += 1;
    }),
  );
  return paid;
}

/** Both sides of one ledger configuration, ready to run batch by batch (the bench and the profile use it). */
export interface LedgerRig {
  /** Records the orders of batches `from` .. `from + count - 1` for one side (untimed). */
  prepare(side: "baseline" | "candidate", from: number, count: number): Promise<void>;
  /** Batch `i` through RefundService.refund on a PostgresRefundLedger. */
  candidate(i: number): Promise<void>;
  /** Batch `i` through the floor (ledger-floor.ts). */
  baseline(i: number): Promise<void>;
  /** Requests paid out per batch so far (both sides), and the over-refund count (must be 0). */
  paidOut(): readonly number[];
  overRefunds(): number;
  close(): Promise<void>;
}

/**
 * One configuration on an open store: a scratch schema for PayBridge's tables and one for the
 * floor's, a RefundService on an AcceptingProvider, the floor on its own payout book. A batch is
 * `attempts` requests and `concurrency` refunders:
 * - one order: every request targets one order whose total fits half of them, so the sum rule
 *   refuses the other half while refunders race on the order's row;
 * - many orders: each request refunds its own order (no contention).
 * Both providers pay out whatever reaches them, so an over-refund would show in their books.
 */
export async function openLedgerRig(
  open: OpenLedgerStore,
  layout: LedgerRow["layout"],
  concurrency: number,
  attempts: number,
): Promise<LedgerRig> {
  const { client, floor: floorDb } = open;
  const { schema, drop } = await createScratchSchema(client, "pb_bench");
  const floor = new FloorLedger(floorDb, `${schema}_floor`);
  await floor.migrate();
  const book = new PayoutBook();
  const floorBook = new PayoutBook();
  const container = createPayBridgeContainer();
  registerProvider(container, AcceptingProvider);
  registerMerchant(container, { id: MERCHANT, provider: AcceptingProvider.id, config: { book } });
  const service = new RefundService({
    gateway: resolveGateway(container),
    ledger: new PostgresRefundLedger(client, { schema }),
  });
  const stamp = `${Date.now().toString(36)}${concurrency}${layout === "one order" ? "o" : "m"}`;
  const batches = new Map<number, ReturnType<typeof batchOf>>();
  const totals = new Map<string, number>();
  const paidAt = new Date();
  const paidOut: number[] = [];
  const batch = (i: number) => {
    const b = batches.get(i);
    if (!b) throw new Error(`ledger batch ${i} was not prepared`);
    return b;
  };
  const check = (paid: number, i: number) => {
    const expected = layout === "one order" ? Math.floor(attempts / 2) : attempts;
    if (paid !== expected)
      throw new Error(`batch ${i} paid out ${paid} of ${attempts}, expected ${expected}`);
    paidOut.push(paid);
  };
  return {
    prepare: async (side, from, count) => {
      for (let i = from; i < from + count; i++) {
        const b = batchOf(layout, `L${stamp}B${i}`, attempts);
        batches.set(i, b);
        for (const [outTradeNo, fen] of b.totals) {
          totals.set(outTradeNo, fen);
          if (side === "candidate") {
            await service.recordOrder({
              outTradeNo,
              merchantId: MERCHANT,
              total: { fen, currency: "CNY" },
              paidAt,
            });
          } else {
            await floor.recordOrder(outTradeNo, fen);
          }
        }
      }
    },
    candidate: async (i) => {
      const paid = await drain(batch(i).requests, concurrency, async (r) => {
        try {
          const done = await service.refund({ ...r, amount: { fen: REFUND_FEN, currency: "CNY" } });
          return done.state === 4;
        } catch (error) {
          // The only expected refusal: the sum rule on the contended order.
          if (error instanceof RefundRuleError && error.rule === "sum") return false;
          throw error;
        }
      });
      check(paid, i);
    },
    baseline: async (i) => {
      const paid = await drain(batch(i).requests, concurrency, (r) =>
        floor.refund(r.outTradeNo, r.outRefundNo, REFUND_FEN, async () =>
          floorBook.record(r.outTradeNo, r.outRefundNo, REFUND_FEN),
        ),
      );
      check(paid, i);
    },
    paidOut: () => paidOut,
    overRefunds: () =>
      book.overRefunds(totals) +
      floorBook.overRefunds(totals) +
      Math.max(0, book.payouts + floorBook.payouts - paidOut.reduce((a, b) => a + b, 0)),
    close: async () => {
      await floor.drop();
      await drop();
    },
  };
}

/**
 * Refund requests decided per second through the refund engine (RefundService.refund: validate,
 * reserve in the ledger under the order's lock with the first attempt counted, call the provider,
 * record the answer) on a PostgresRefundLedger, against the floor (ledger-floor.ts) on the same
 * database, interleaved batch by batch (runRatio: each round runs one batch per side, the side
 * going first alternating); see openLedgerRig for the two layouts.
 */
export async function benchLedger(
  store: { readonly name: string; readonly open: OpenLedgerStore },
  layout: LedgerRow["layout"],
  concurrency: number,
  scale: Pick<BenchScale, "ledgerRefunds" | "ledgerRounds">,
): Promise<LedgerRow> {
  const attempts = scale.ledgerRefunds;
  const rig = await openLedgerRig(store.open, layout, concurrency, attempts);
  try {
    const ratio = await runRatio({
      name: `${store.name}, ${layout}, ${concurrency} refunders`,
      rounds: scale.ledgerRounds,
      opsPerRound: 1,
      warmup: 1,
      prepare: rig.prepare,
      candidate: rig.candidate,
      baseline: rig.baseline,
    });
    return {
      store: store.name,
      layout,
      concurrency,
      attempted: attempts,
      succeeded: rig.paidOut()[0] ?? 0,
      refundsPerSecond: ratio.candidateOpsPerSec * attempts,
      floorRefundsPerSecond: ratio.baselineOpsPerSec * attempts,
      ratio,
      overRefunds: rig.overRefunds(),
    };
  } finally {
    await rig.close();
  }
}

export async function benchLedgers(stores: readonly LedgerStore[], scale: BenchScale): Promise<LedgerRow[]> {
  const rows: LedgerRow[] = [];
  for (const store of stores) {
    const open = await store.open();
    try {
      for (const layout of ["one order", "many orders"] as const) {
        for (const concurrency of scale.ledgerConcurrency) {
          rows.push(await benchLedger({ name: store.name, open }, layout, concurrency, scale));
        }
      }
    } finally {
      await open.close();
    }
  }
  return rows;
}
