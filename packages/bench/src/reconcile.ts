import { Readable } from "node:stream";
import { TradeState } from "@paybridge/core";
import {
  type LedgerEntry,
  parseWechatTradeBill,
  type ReconcileLedgerPort,
  reconcileDay,
} from "@paybridge/reconcile";
import { parse } from "csv-parse";
import { peakRssBytes, resetPeakRss } from "./peak-rss.js";
import { median } from "./ratio.js";
import type { BenchScale } from "./scale.js";

/**
 * Reconciliation at a large merchant's scale: a WeChat trade bill of `reconcileRows` payments (the
 * format of https://pay.weixin.qq.com/docs/merchant/products/bill-download/format-trade.html),
 * streamed from a generator, reconciled against a ledger port of the same size. The floor is a
 * plain csv-parse pass over the same bytes with the same parser options, so the ratio is what
 * typing, checking and matching cost on top of reading the CSV at all. Rounds alternate floor and
 * candidate in this process; the memory figure is the peak RSS growth over the candidate runs: the
 * kernel's VmHWM over each candidate pass (peak-rss.ts) less the RSS before it, where /proc exists.
 */
export interface ReconcileBenchResult {
  readonly rows: number;
  readonly rounds: number;
  readonly candidateRowsPerSec: number;
  readonly floorRowsPerSec: number;
  /** Median over rounds of candidate throughput / floor throughput (target >= 0.5). */
  readonly medianThroughputRatio: number;
  readonly ratios: readonly number[];
  /**
   * The same ratio over this process's CPU time (process.cpuUsage, every thread: parsing and GC)
   * instead of wall time: on a shared machine another job's load stretches wall time, CPU time far less.
   */
  readonly medianCpuRatio: number;
  readonly cpuRatios: readonly number[];
  readonly peakRssGrowthBytes: number;
  /** Every row matched: a run that matched less did not reconcile what it timed. */
  readonly matched: number;
}

const DAY = "2026-03-01";
const HEADER =
  "交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注";
const SUMMARY =
  "总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额";

const amountOf = (i: number) => 100 + (i % 9_000);
const feeOf = (fen: number) => Math.round((fen * 60) / 10_000);
const orderNo = (i: number) => `BENCH${String(i).padStart(10, "0")}`;
const yuan = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, "0")}`;

/**
 * About what one read of a file stream hands over (fs.createReadStream's highWaterMark is 64 KiB).
 * Chunks of 2,000 lines (about 400 KiB) each went to V8's large-object space and stayed there until
 * a full collection: a cost of this generator, not of reading a bill from disk or a gunzip stream.
 */
const CHUNK_CHARS = 64 * 1024;

const two = (n: number) => (n < 10 ? `0${n}` : String(n));

/**
 * The bill's text in chunks of lines, computed as it is read: the whole file never exists at once.
 * Each line is one template literal over its 27 backticked cells: building it from an array of
 * cells mapped and joined made about 2.5 KB of garbage per row (node --trace-gc-nvp: 747 MiB
 * allocated for 300,000 rows, 42 MiB of peak RSS growth on the generator alone), garbage that the
 * floor and the candidate both paid for and that a file stream, the real source, never makes.
 */
export function* billChunks(rows: number): Generator<string> {
  yield `${HEADER}\r\n`;
  let total = 0;
  let fees = 0;
  let chunk = "";
  for (let i = 0; i < rows; i++) {
    const fen = amountOf(i);
    const fee = feeOf(fen);
    total += fen;
    fees += fee;
    const second = i % 86_400;
    const time = `${DAY} ${two(Math.floor(second / 3600))}:${two(Math.floor((second % 3600) / 60))}:${two(second % 60)}`;
    const amount = yuan(fen);
    // 交易时间 … 费率备注 in the header's order; a blank cell is a lone "`", as WeChat prints it.
    chunk += `\`${time},\`wx0000000000000001,\`1900000001,\`,\`,\`4200${String(i).padStart(24, "0")},\`${orderNo(i)},\`oUser,\`NATIVE,\`SUCCESS,\`OTHERS,\`CNY,\`${amount},\`0.00,\`0,\`,\`0.00,\`0.00,\`,\`,\`goods,\`,\`${yuan(fee)},\`0.60%,\`${amount},\`0.00,\`\r\n`;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = "";
    }
  }
  if (chunk.length > 0) yield chunk;
  yield `${SUMMARY}\r\n`;
  yield `${[String(rows), yuan(total), "0.00", "0.00", yuan(fees), yuan(total), "0.00"].map((c) => `\`${c}`).join(",")}\r\n`;
}

/**
 * A driver's copy of an order number: pg (and PGlite) decode each text column from the wire bytes
 * into one flat string. The template literal in `orderNo` makes a V8 cons string (a 32-byte node
 * over two parts) once it is 13 characters or longer, and a ledger of a million such keys held
 * about 45 MiB more than a million keys read from PostgreSQL: a cost of this generator, not of
 * reconciling (measured: peak RSS growth 129 MiB with cons keys, 84 MiB with decoded ones).
 */
const asDecoded = (text: string) => Buffer.from(text, "latin1").toString("utf8");

export function ledgerOf(rows: number): ReconcileLedgerPort {
  return {
    async *entries(): AsyncIterable<LedgerEntry> {
      for (let i = 0; i < rows; i++) {
        yield {
          kind: "payment",
          outTradeNo: asDecoded(orderNo(i)),
          amountFen: amountOf(i),
          state: TradeState.PAID,
        };
      }
    },
  };
}

export async function floorPass(rows: number): Promise<number> {
  // The options of @paybridge/reconcile's bill parsers (BILL_CSV_OPTIONS in numbered-csv.ts); they
  // read each record's line from the parser's live statistics, not from csv-parse's `info` snapshots.
  const parser = Readable.from(billChunks(rows)).pipe(
    parse({ bom: true, relax_column_count: true, skip_empty_lines: true, relax_quotes: true }),
  );
  let records = 0;
  for await (const _ of parser) records += 1;
  return records;
}

export async function candidatePass(rows: number, sampleRss: () => void): Promise<number> {
  const sampler = setInterval(sampleRss, 20);
  try {
    const result = await reconcileDay({
      provider: "wechatpay",
      merchantId: "bench",
      date: DAY,
      bill: parseWechatTradeBill(Readable.from(billChunks(rows))),
      ledger: ledgerOf(rows),
    });
    if (result.differences.length > 0) {
      throw new Error(`reconcile bench: ${result.differences.length} differences on a bill that matches`);
    }
    return result.matched;
  } finally {
    clearInterval(sampler);
    sampleRss();
  }
}

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000;

const settle = () => (globalThis as { gc?: () => void }).gc?.();

export async function benchReconcile(scale: BenchScale): Promise<ReconcileBenchResult> {
  const rows = scale.reconcileRows;
  await floorPass(Math.min(rows, 20_000));
  await candidatePass(Math.min(rows, 20_000), () => {});
  const ratios: number[] = [];
  const cpuRatios: number[] = [];
  const floorRates: number[] = [];
  const candidateRates: number[] = [];
  let peak = 0;
  let matched = 0;
  for (let round = 0; round < scale.reconcileRounds; round++) {
    settle();
    let start = process.hrtime.bigint();
    let cpu = process.cpuUsage();
    const records = await floorPass(rows);
    const floorMs = Number(process.hrtime.bigint() - start) / 1e6;
    const floorCpu = cpuMs(process.cpuUsage(cpu));
    if (records !== rows + 3) throw new Error(`reconcile bench floor read ${records} records`);
    settle();
    const before = process.memoryUsage.rss();
    const exact = resetPeakRss();
    let high = before;
    start = process.hrtime.bigint();
    cpu = process.cpuUsage();
    matched = await candidatePass(rows, () => {
      high = Math.max(high, process.memoryUsage.rss());
    });
    const candidateMs = Number(process.hrtime.bigint() - start) / 1e6;
    // Without /proc only the samples remain, which miss a peak between timer turns.
    if (exact) high = Math.max(high, peakRssBytes() ?? high);
    cpuRatios.push(floorCpu / cpuMs(process.cpuUsage(cpu)));
    peak = Math.max(peak, high - before);
    floorRates.push(rows / (floorMs / 1000));
    candidateRates.push(rows / (candidateMs / 1000));
    ratios.push(floorMs / candidateMs);
  }
  return {
    rows,
    rounds: scale.reconcileRounds,
    candidateRowsPerSec: median(candidateRates),
    floorRowsPerSec: median(floorRates),
    medianThroughputRatio: median(ratios),
    ratios,
    medianCpuRatio: median(cpuRatios),
    cpuRatios,
    peakRssGrowthBytes: peak,
    matched,
  };
}
