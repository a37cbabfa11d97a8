import type { AddressInfo } from "node:net";
import { AlipayProvider } from "@paybridge/alipay";
import {
  createPayBridgeContainer,
  EventDispatcher,
  NotificationIntake,
  type PayBridgeEvent,
  type PaymentGateway,
  RefundService,
  registerMerchant,
  registerProvider,
  resolveGateway,
} from "@paybridge/core";
import { fastifyNotifications } from "@paybridge/core/fastify";
import {
  PostgresNotificationInbox,
  PostgresPaymentLedger,
  PostgresRefundLedger,
  type SqlClient,
} from "@paybridge/postgres";
import type { AlipaySandbox, WechatSandbox } from "@paybridge/sandbox";
import { WechatPayProvider } from "@paybridge/wechatpay";
import {
  type JobReport,
  type RecoveryConfigInput,
  type RecoveryEngine,
  type RecoveryWorker,
  startRecoveryWorker,
} from "@paybridge/worker";
import Fastify, { type FastifyInstance } from "fastify";

/**
 * A backend as an app would run it: gateway with the WeChat and Alipay sandboxes, ledgers and
 * inbox on one database schema, the notification intake over HTTP, the refund engine, an event
 * handler that is idempotent by event id (it counts each id it sees), and the recovery worker.
 */
export interface RecoveryRig {
  readonly gateway: PaymentGateway;
  readonly payments: PostgresPaymentLedger;
  readonly refundLedger: PostgresRefundLedger;
  readonly refunds: RefundService;
  readonly worker: RecoveryWorker;
  readonly origin: string;
  /** Deliveries per event id: an idempotent handler records each id once; this counts them all. */
  readonly handled: Map<string, number>;
  readonly reports: JobReport[];
  close(): Promise<void>;
}

export async function startRecoveryRig(options: {
  readonly db: SqlClient;
  readonly schema: string;
  readonly wechat: WechatSandbox;
  readonly alipay: AlipaySandbox;
  readonly engine: RecoveryEngine;
  readonly config: RecoveryConfigInput;
  /**
   * The app server's clock (default: the system's), which may run ahead of the provider's: the
   * worker's, its event dispatcher's and the intake's, as one process has one clock.
   */
  readonly clock?: () => Date;
}): Promise<RecoveryRig> {
  const { db, schema } = options;
  const payments = new PostgresPaymentLedger(db, { schema });
  const refundLedger = new PostgresRefundLedger(db, { schema });
  const container = createPayBridgeContainer({ payments });
  registerProvider(container, WechatPayProvider);
  registerProvider(container, AlipayProvider);
  registerMerchant(container, {
    id: "wx-main",
    provider: "wechatpay",
    config: options.wechat.merchantConfig(),
  });
  registerMerchant(container, {
    id: "ali-main",
    provider: "alipay",
    config: { ...options.alipay.merchantConfig(), timeoutMs: 5000 },
  });
  const gateway = resolveGateway(container);
  const handled = new Map<string, number>();
  const handler = (event: PayBridgeEvent) => {
    handled.set(event.id, (handled.get(event.id) ?? 0) + 1);
  };
  const clock = options.clock ? { clock: options.clock } : {};
  const events = new EventDispatcher({ outbox: payments.outbox, handlers: { "*": handler }, ...clock });
  const inbox = new PostgresNotificationInbox(db, { schema });
  const intake = new NotificationIntake({ gateway, ledger: refundLedger, inbox, events, ...clock });
  const fastify: FastifyInstance = Fastify();
  await fastify.register(fastifyNotifications(intake), { prefix: "/notify" });
  await fastify.listen({ host: "127.0.0.1", port: 0 });
  const origin = `http://127.0.0.1:${(fastify.server.address() as AddressInfo).port}`;
  const refunds = new RefundService({
    gateway,
    ledger: refundLedger,
    notifyUrl: `${origin}/notify/wx-main`,
    rules: { byProvider: { wechatpay: { minIntervalMs: 0 } } },
  });
  const reports: JobReport[] = [];
  const worker = await startRecoveryWorker({
    gateway,
    payments,
    refunds,
    inbox,
    events,
    engine: options.engine,
    config: options.config,
    healthFrom: { db, schema },
    ...clock,
    onReport: (r) => reports.push(r),
  });
  return {
    gateway,
    payments,
    refundLedger,
    refunds,
    worker,
    origin,
    handled,
    reports,
    close: async () => {
      await worker.stop();
      await fastify.close();
    },
  };
}

/** Polls until `check` returns a value; the cap is a hang detector, not a budget. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  capMs = 90_000,
): Promise<T> {
  const deadline = Date.now() + capMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${capMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Resolves once `job` has completed `n` more runs than it had when called. */
export async function moreRuns(rig: RecoveryRig, job: JobReport["job"], n: number): Promise<void> {
  const start = rig.reports.filter((r) => r.job === job).length;
  await eventually(
    () => rig.reports.filter((r) => r.job === job).length >= start + n,
    `${n} more ${job} runs`,
  );
}
