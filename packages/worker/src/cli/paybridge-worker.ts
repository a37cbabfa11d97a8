#!/usr/bin/env node
import { startRecoveryWorker } from "../start-recovery-worker.js";
import { loadApp } from "./load-app.js";
import { parseWorkerArgs } from "./worker-args.js";

/**
 * paybridge-worker --app MODULE: runs the recovery jobs (docs/recovery.md) until SIGTERM/SIGINT,
 * printing one JSON health line on stdout every --health-every-ms. --health prints one and
 * exits; --once runs jobs once (in this process) and prints their reports. Exit 2 on bad input.
 */
async function main(): Promise<number> {
  const args = parseWorkerArgs(process.argv.slice(2));
  const app = await loadApp(args.app);
  const engineKind = args.engine ?? (app.connectionString ? "pg-boss" : "in-process");
  if (engineKind === "pg-boss" && !app.connectionString) {
    throw new Error("--engine pg-boss needs the app module's recovery() to return connectionString");
  }
  const oneShot = args.mode !== "run";
  // A configuration the worker refuses still closes the app's connections, or they keep it alive.
  const worker = await startRecoveryWorker({
    ...app,
    // --health and --once start no engine: every job disabled, run by hand below.
    config: oneShot ? disableAll(app.config) : (app.config ?? {}),
    engine:
      engineKind === "pg-boss" && !oneShot
        ? {
            kind: "pg-boss",
            connectionString: app.connectionString as string,
            ...(app.bossSchema ? { schema: app.bossSchema } : {}),
          }
        : { kind: "in-process" },
  }).catch(async (error: unknown) => {
    await app.close?.();
    throw error;
  });
  const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);
  try {
    if (args.mode === "health") {
      print(await worker.health());
      return 0;
    }
    if (args.mode === "once") {
      for (const job of args.jobs) print(await worker.runOnce(job));
      print(await worker.health());
      return 0;
    }
    // Listening before the first line: a supervisor may signal as soon as it reads it, and a
    // signal with no listener would kill the process without stopping the worker.
    const stopped = new Promise<void>((resolve) => {
      process.once("SIGTERM", resolve);
      process.once("SIGINT", resolve);
    });
    print({ started: worker.engine, ...(await worker.health()) });
    const timer = setInterval(() => {
      worker.health().then(print, () => {});
    }, args.healthEveryMs);
    await stopped;
    clearInterval(timer);
    return 0;
  } finally {
    await worker.stop();
    await app.close?.();
  }
}

function disableAll(config: Parameters<typeof startRecoveryWorker>[0]["config"]) {
  const off = { enabled: false };
  return {
    ...config,
    queryUnnotified: { ...config?.queryUnnotified, ...off },
    closeExpired: { ...config?.closeExpired, ...off },
    latePayments: { ...config?.latePayments, ...off },
    pollRefunds: { ...config?.pollRefunds, ...off },
    prune: { ...config?.prune, ...off },
    dispatchEvents: { ...config?.dispatchEvents, ...off },
  };
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`paybridge-worker: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
  },
);
