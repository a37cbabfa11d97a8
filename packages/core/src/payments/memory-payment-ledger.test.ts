import { runPaymentLedgerContract } from "../testkit/payment-ledger-contract.js";
import { MemoryPaymentLedger } from "./memory-payment-ledger.js";

runPaymentLedgerContract({
  name: "MemoryPaymentLedger",
  setup: async () => ({ ledger: new MemoryPaymentLedger(), close: async () => {} }),
});
