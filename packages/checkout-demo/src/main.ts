import type { AddressInfo } from "node:net";
import { buildApp } from "./app.js";
import { formatReport } from "./report.js";
import { runScenario } from "./scenario.js";
import { type DemoLedger, startWorld } from "./world.js";

/**
 * `pnpm demo`: starts the WeChat Pay and Alipay simulators and the shop on loopback, runs the
 * scripted scenario, prints the unified states and exits. `--serve` keeps everything running for
 * the cashier page. `--ledger=pglite` books on PostgresRefundLedger over embedded PGlite instead of
 * core's in-memory ledger.
 */
async function main(argv: readonly string[]): Promise<number> {
  const serve = argv.includes("--serve");
  const portArg = argv.find((a) => a.startsWith("--port="));
  const port = portArg ? Number(portArg.slice("--port=".length)) : 0;
  const ledgerArg = argv.find((a) => a.startsWith("--ledger="))?.slice("--ledger=".length) ?? "memory";
  if (ledgerArg !== "memory" && ledgerArg !== "pglite") {
    throw new Error(`--ledger must be memory or pglite, not ${JSON.stringify(ledgerArg)}`);
  }
  const ledger: DemoLedger = ledgerArg;
  // The shop listens first, so the simulators know where to send notifications.
  const listening = await import("node:http").then(({ createServer }) => {
    const probe = createServer();
    return new Promise<number>((resolve) =>
      probe.listen(port, "127.0.0.1", () => {
        const p = (probe.address() as AddressInfo).port;
        probe.close(() => resolve(p));
      }),
    );
  });
  const origin = `http://127.0.0.1:${listening}`;
  const world = await startWorld({ notifyOrigin: origin, ledger });
  const app = await buildApp(world);
  await app.listen({ host: "127.0.0.1", port: listening });
  console.log(`PayBridge checkout demo on ${origin}`);
  console.log(`  WeChat Pay v3 sandbox ${world.wechat.origin}   Alipay sandbox ${world.alipay.gatewayUrl}`);

  if (serve) {
    console.log(`\n  Buyer: shop and cashier (收银台)   ${origin}/`);
    console.log(`  Merchant console (商户后台)        ${origin}/console?token=${world.consoleToken}`);
    console.log("\nThe console link holds this run's token; it changes at every start. Ctrl-C stops.");
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
  } else {
    const rows = await runScenario(world, origin, { step: (text) => console.log(`• ${text}`) });
    console.log(`\n${formatReport(rows)}\n`);
  }
  await app.close();
  await world.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
