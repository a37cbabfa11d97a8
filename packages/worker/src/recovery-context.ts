import type {
  Clock,
  EventDispatcher,
  Logger,
  NotificationInbox,
  Outbox,
  PaymentGateway,
  PaymentLedger,
  RefundService,
} from "@paybridge/core";
import type { ReconcileReportStore } from "@paybridge/reconcile";
import type { JobName, RecoveryConfig } from "./recovery-config.js";

/** What one effect of a job was; reported to `onEffect` after its ledger transaction committed. */
export interface JobEffect {
  readonly job: JobName;
  /** "paid", "closed", "failed", "refunded", "late_refund", "refund_resumed", "pruned", "delivered". */
  readonly kind: string;
  readonly outTradeNo?: string | undefined;
  readonly outRefundNo?: string | undefined;
  readonly count?: number | undefined;
  /** reconcileBills: the merchant and Beijing bill day reconciled. */
  readonly merchantId?: string | undefined;
  readonly date?: string | undefined;
}

/** What the recovery jobs work on: the app's own gateway, ledgers and refund engine. */
export interface RecoveryDeps {
  readonly gateway: PaymentGateway;
  /** Default: the gateway's payment ledger. */
  readonly payments?: PaymentLedger | undefined;
  readonly refunds: RefundService;
  /** Default: the payment ledger's outbox. */
  readonly outbox?: Outbox | undefined;
  /** The notification inbox to prune (PostgresNotificationInbox shares it across instances). */
  readonly inbox?: NotificationInbox | undefined;
  /** Delivers events (dispatchEvents job); none: events stay in the outbox for another dispatcher. */
  readonly events?: EventDispatcher | undefined;
  readonly clock?: Clock | undefined;
  readonly logger?: Logger | undefined;
  /** Observability: called after each committed effect (a metric, a log line, a test's counter). */
  readonly onEffect?: ((effect: JobEffect) => void) | undefined;
  /** Where reconcileBills stores each merchant's reconciled day (PostgresReconcileReports). */
  readonly reconcileReports?: ReconcileReportStore | undefined;
}

export interface RecoveryContext {
  readonly gateway: PaymentGateway;
  readonly payments: PaymentLedger;
  readonly refunds: RefundService;
  readonly outbox: Outbox | undefined;
  readonly inbox: NotificationInbox | undefined;
  readonly events: EventDispatcher | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly config: RecoveryConfig;
  readonly effect: (effect: JobEffect) => void;
  readonly reconcileReports: ReconcileReportStore | undefined;
}

/** What one run of a job did. */
export interface JobReport {
  readonly job: JobName;
  /** Items looked at (payments, refunds, events). */
  readonly examined: number;
  /** Effects committed (ledger changes, refunds, rows pruned, events delivered). */
  readonly changed: number;
  /** Items that failed and are left for the next run. */
  readonly errors: number;
}
