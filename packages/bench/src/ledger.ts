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
  openPglite,
  PostgresRefundLedger,
  type SqlClient,
} from "@paybridge/postgres";
import { AcceptingProvider, PayoutBook } from "./accepting-provider.js";
import type { LedgerRow } from "./report.js";
import type { BenchScale } from "./scale.js";

const MERCHANT = "bench-ledger";
const REFUND_FEN = 100;

export interface LedgerStore {
  readonly name: string;
  /** Connects (or starts the embedded database); each benchmark then migrates a scratch schema on it. */
  open(): Promise<SqlClient>;
}

/** PostgreSQL through a pg pool. */
export function postgresStore(databaseUrl: string, poolSize = 32): LedgerStore {
  return { name: "PostgreSQL", open: async () => connectPostgres(databaseUrl, { max: poolSize }) };
}

/** Embedded PGlite in memory: the same SQL, one connection. */
export function pgliteStore(): LedgerStore {
  return { name: "PGlite", open: () => openPglite() };
}

/**
 * Refunds per second through the refund engine (RefundService.refund: validate, reserve in the
 * ledger under the order's lock, begin the attempt, call the provider, record the result) on a
 * PostgresRefundLedger, with `concurrency` refunders pulling from one queue.
 * - one order: every request targets one order whose total fits half of them, so the sum rule
 *   refuses the other half while refunders race on the order's row;
 * - many orders: each request refunds its own order (no contention).
 * The provider pays out whatever reaches it, so an over-refund would show in its book.
 */
export async function benchLedger(
  store: { readonly name: string; readonly client: SqlClient },
  layout: LedgerRow["layout"],
  concurrency: number,
  attempts: number,
): Promise<LedgerRow> {
  const { client } = store;
  const { schema, drop } = await createScratchSchema(client, "pb_bench");
  try {
    const book = new PayoutBook();
    const container = createPayBridgeContainer();
    registerProvider(container, AcceptingProvider);
    registerMerchant(container, { id: MERCHANT, provider: AcceptingProvider.id, config: { book } });
    const service = new RefundService({
      gateway: resolveGateway(container),
      ledger: new PostgresRefundLedger(client, { schema }),
    });
    const stamp = `${Date.now().toString(36)}${concurrency}`;
    const totals = new Map<string, number>();
    const requests: { outTradeNo: string; outRefundNo: string }[] = [];
    const paidAt = new Date();
    if (layout === "one order") {
      const outTradeNo = `LO${stamp}`;
      const total = Math.floor(attempts / 2) * REFUND_FEN;
      totals.set(outTradeNo, total);
      await service.recordOrder({
        outTradeNo,
        merchantId: MERCHANT,
        total: { fen: total, currency: "CNY" },
        paidAt,
      });
      for (let i = 0; i < attempts; i++) requests.push({ outTradeNo, outRefundNo: `${outTradeNo}R${i}` });
    } else {
      for (let i = 0; i < attempts; i++) {
        const outTradeNo = `LM${stamp}N${i}`;
        totals.set(outTradeNo, REFUND_FEN);
        await service.recordOrder({
          outTradeNo,
          merchantId: MERCHANT,
          total: { fen: REFUND_FEN, currency: "CNY" },
          paidAt,
        });
        requests.push({ outTradeNo, outRefundNo: `${outTradeNo}R` });
      }
    }
    let next = 0;
    let succeeded = 0;
    let refused = 0;
    const start = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let r = requests[next++]; r !== undefined; r = requests[next++]) {
          try {
            const done = await service.refund({ ...r, amount: { fen: REFUND_FEN, currency: "CNY" } });
            if (done.state === 4) succeeded += 1;
          } catch (error) {
            // The only expected refusal: the sum rule on the contended order.
            if (error instanceof RefundRuleError && error.rule === "sum") refused += 1;
            else throw error;
          }
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (succeeded + refused !== attempts)
      throw new Error(`${attempts - succeeded - refused} refunds were lost`);
    return {
      store: store.name,
      layout,
      concurrency,
      attempted: attempts,
      succeeded,
      refundsPerSecond: attempts / seconds,
      overRefunds: book.overRefunds(totals) + Math.max(0, book.payouts - succeeded),
    };
  } finally {
    await drop();
  }
}

export async function benchLedgers(stores: readonly LedgerStore[], scale: BenchScale): Promise<LedgerRow[]> {
  const rows: LedgerRow[] = [];
  for (const store of stores) {
    const client = await store.open();
    try {
      for (const layout of ["one order", "many orders"] as const) {
        for (const concurrency of scale.ledgerConcurrency) {
          rows.push(
            await benchLedger({ name: store.name, client }, layout, concurrency, scale.ledgerRefunds),
          );
        }
      }
    } finally {
      await client.close();
    }
  }
  return rows;
}
