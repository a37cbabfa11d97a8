/**
 * The core example: prints the unified state tables.
 * Runs with no network; the full multi-channel demo builds on the same gateway.
 */
import { REFUND_STATE_INFO, REFUND_TRANSITIONS, TRADE_STATE_INFO, TRADE_TRANSITIONS } from "@paybridge/core";

function printTable(
  title: string,
  info: Record<number, { name: string; label: string }>,
  next: Record<number, readonly number[]>,
) {
  console.log(`\n${title}`);
  console.log("  no  name             label     may move to");
  for (const [no, { name, label }] of Object.entries(info)) {
    const to = next[Number(no)] ?? [];
    console.log(
      `  ${no.padEnd(3)} ${name.padEnd(16)} ${label.padEnd(4, "　")}  ${to.length ? to.join(", ") : "(final)"}`,
    );
  }
}

printTable("Trade states", TRADE_STATE_INFO, TRADE_TRANSITIONS);
printTable("Refund states", REFUND_STATE_INFO, REFUND_TRANSITIONS);
