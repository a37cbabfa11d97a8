import { runRefundLedgerContract } from "../testkit/ledger-contract.js";
import { MemoryRefundLedger } from "./memory-ledger.js";

runRefundLedgerContract({
  name: "MemoryRefundLedger",
  setup: async () => ({ ledger: new MemoryRefundLedger(), close: async () => {} }),
});
