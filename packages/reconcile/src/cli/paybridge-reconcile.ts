#!/usr/bin/env node
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { ConfigurationError } from "@paybridge/core/provider-kit";
import { connectPostgres, PostgresPaymentLedger, PostgresRefundLedger } from "@paybridge/postgres";
import { openAlipayBillCsv } from "../alipay/bill-zip.js";
import { parseAlipayTradeBill } from "../alipay/trade-bill.js";
import type { BillRecord } from "../bill-record.js";
import { coreLedgerPort } from "../core-ledger-port.js";
import { providerTradeBill } from "../download/provider-bill.js";
import { reconcileDay } from "../reconcile.js";
import type { ReconcileResult } from "../reconcile-result.js";
import { reconcileToCsv, reconcileToJson, reconcileToTable } from "../report/render-report.js";
import { verifiedBillStream } from "../wechat/bill-digest.js";
import { parseWechatTradeBill } from "../wechat/trade-bill.js";
import { loadReconcileApp, refundLedgerOf } from "./load-reconcile-app.js";
import { type DownloadReconcileArgs, type FileReconcileArgs, parseReconcileArgs } from "./reconcile-args.js";

/**
 * paybridge-reconcile --merchant M --date D --app APP_MODULE
 *   downloads the day's trade bill from the merchant's provider as the app configures it, and
 *   reconciles it against the app's ledgers;
 * paybridge-reconcile --merchant M --date D --provider wechatpay|alipay|cloudpay --bill FILE
 *   reconciles a downloaded bill against the PostgreSQL ledger at DATABASE_URL.
 * Prints the result; exit code 0 when every line matched, 1 when there are differences, 2 on bad
 * input, a bad bill or a provider refusing the download.
 */
async function main(): Promise<number> {
  const args = parseReconcileArgs(process.argv.slice(2));
  const result = args.mode === "download" ? await fromProvider(args) : await fromFile(args);
  const render = { table: reconcileToTable, json: reconcileToJson, csv: reconcileToCsv }[args.format];
  process.stdout.write(render(result));
  return result.differences.length === 0 ? 0 : 1;
}

async function fromProvider(args: DownloadReconcileArgs): Promise<ReconcileResult> {
  const app = await loadReconcileApp(args.app);
  try {
    const payments = app.payments ?? app.gateway.payments;
    if (!payments) throw new ConfigurationError(`${args.app}: reconcile() gave no payment ledger`);
    const provider = app.gateway.forMerchant(args.merchant);
    return await reconcileDay({
      provider: provider.id,
      merchantId: args.merchant,
      date: args.date,
      bill: await providerTradeBill(provider, args.date),
      ledger: coreLedgerPort({ payments, refunds: refundLedgerOf(app.refunds) }),
    });
  } finally {
    await app.close?.();
  }
}

async function fromFile(args: FileReconcileArgs): Promise<ReconcileResult> {
  const url = process.env.DATABASE_URL;
  if (url === undefined || url === "")
    throw new Error("DATABASE_URL must name the PayBridge ledger database");
  const db = connectPostgres(url, { max: 2 });
  try {
    const ledger = coreLedgerPort({
      payments: new PostgresPaymentLedger(db, { schema: args.schema }),
      refunds: new PostgresRefundLedger(db, { schema: args.schema }),
    });
    return await reconcileDay({
      provider: args.provider,
      merchantId: args.merchant,
      date: args.date,
      bill: await openBill(args),
      ledger,
    });
  } finally {
    await db.close();
  }
}

async function openBill(args: FileReconcileArgs): Promise<AsyncIterable<BillRecord>> {
  if (args.provider === "alipay") return parseAlipayTradeBill(await openAlipayBillCsv(args.bill, "trade"));
  const file = createReadStream(args.bill);
  const gzip = args.bill.endsWith(".gz");
  const body: Readable =
    args.sha1 !== undefined
      ? verifiedBillStream(file, { hashType: "SHA1", hashValue: args.sha1, gzip })
      : gzip
        ? file.pipe(createGunzip())
        : file;
  return parseWechatTradeBill(body, { provider: args.provider });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`paybridge-reconcile: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
