import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { buildApp } from "./app.js";
import { formatReport } from "./report.js";
import { runScenario } from "./scenario.js";
import {
  type DemoLedger,
  type SandboxPlacement,
  type ShopWorld,
  startShopWorld,
  startWorld,
} from "./world.js";

/**
 * `pnpm demo`: starts the WeChat Pay and Alipay simulators and the shop on loopback, runs the
 * scripted scenario, prints the unified states and exits. `--serve` keeps everything running for
 * the cashier page. `--ledger=pglite` books on PostgresRefundLedger over embedded PGlite instead of
 * core's in-memory ledger. `--sandbox=process|in-process` (with `--serve`) says where the
 * simulators run (see SandboxPlacement): a child process by default; the scripted run always runs
 * them in process, since it moves their clock and injects faults.
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
  const placementArg = argv.find((a) => a.startsWith("--sandbox="))?.slice("--sandbox=".length);
  if (placementArg !== undefined && placementArg !== "process" && placementArg !== "in-process") {
    throw new Error(`--sandbox must be process or in-process, not ${JSON.stringify(placementArg)}`);
  }
  if (placementArg !== undefined && !serve) {
    throw new Error("--sandbox goes with --serve: the scripted run needs the simulators in process");
  }
  const placement: SandboxPlacement = placementArg ?? "process";
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
  const listen = async (world: ShopWorld, where: string): Promise<FastifyInstance> => {
    const app = await buildApp(world);
    await app.listen({ host: "127.0.0.1", port: listening });
    console.log(`PayBridge checkout demo on ${origin}`);
    console.log(
      `  WeChat Pay v3 sandbox ${world.sandboxOrigins.wechat}   Alipay sandbox ${world.sandboxOrigins.alipay}   (simulators ${where})`,
    );
    return app;
  };

  if (serve) {
    const world = await startShopWorld({ notifyOrigin: origin, ledger, placement });
    const app = await listen(world, placement === "process" ? "in a child process" : "in process");
    console.log(`\n  Buyer: shop and cashier (收银台)   ${origin}/`);
    console.log(`  Merchant console (商户后台)        ${origin}/console?token=${world.consoleToken}`);
    console.log("\nThe console link holds this run's token; it changes at every start. Ctrl-C stops.");
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    await app.close();
    await world.close();
  } else {
    const world = await startWorld({ notifyOrigin: origin, ledger });
    const app = await listen(world, "in process");
    const rows = await runScenario(world, origin, { step: (text) => console.log(`• ${text}`) });
    console.log(`\n${formatReport(rows)}\n`);
    await app.close();
    await world.close();
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
