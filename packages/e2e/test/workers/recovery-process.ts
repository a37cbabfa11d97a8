// One backend instance running the recovery worker on pg-boss, for recovery-crash.test.ts. It
// prints "EFFECT <job> <kind> <outTradeNo>" after each committed effect and "RUN <job>" after
// each completed run, and runs until killed.
import {
  createPayBridgeContainer,
  MemoryLogger,
  RefundService,
  registerMerchant,
  registerProvider,
  resolveGateway,
} from "@paybridge/core";
import { connectPostgres, PostgresPaymentLedger, PostgresRefundLedger } from "@paybridge/postgres";
import { WechatPayProvider, type WechatPayV3ConfigInput } from "@paybridge/wechatpay";
import { startRecoveryWorker } from "@paybridge/worker";
import { workerInput } from "./worker-io.js";

interface Input {
  readonly databaseUrl: string;
  readonly schema: string;
  readonly bossSchema: string;
  readonly wechatConfig: WechatPayV3ConfigInput;
}

const input = workerInput<Input>();
const db = connectPostgres(input.databaseUrl, { max: 4 });
const payments = new PostgresPaymentLedger(db, { schema: input.schema });
const ledger = new PostgresRefundLedger(db, { schema: input.schema });
const container = createPayBridgeContainer({ payments });
registerProvider(container, WechatPayProvider);
registerMerchant(container, { id: "wx-main", provider: "wechatpay", config: input.wechatConfig });
const gateway = resolveGateway(container);
const refunds = new RefundService({ gateway, ledger, notifyUrl: "http://127.0.0.1:9/notify/wx-main" });
await startRecoveryWorker({
  gateway,
  refunds,
  logger: new MemoryLogger(),
  engine: {
    kind: "pg-boss",
    connectionString: input.databaseUrl,
    schema: input.bossSchema,
    pollingIntervalSeconds: 0.5,
    maintenanceIntervalSeconds: 1,
    // A killed run blocks its queue this long, then maintenance fails it and the next slot runs.
    expireInSeconds: 15,
  },
  config: {
    queryUnnotified: { intervalMs: 1000, notNotifiedAfterMs: 1, batch: 10_000 },
    closeExpired: { enabled: false },
    latePayments: { enabled: false },
    pollRefunds: { enabled: false },
    prune: { enabled: false },
    dispatchEvents: { enabled: false },
  },
  onEffect: (e) => process.stdout.write(`EFFECT ${e.job} ${e.kind} ${e.outTradeNo ?? "-"}\n`),
  onReport: (r) => process.stdout.write(`RUN ${r.job} ${r.examined} ${r.changed} ${r.errors}\n`),
});
process.stdout.write("READY\n");
