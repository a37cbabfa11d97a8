import { ValidationError } from "@paybridge/core";
import { JOB_NAMES, type JobName } from "../recovery-config.js";

export interface WorkerArgs {
  /** The app's module: it exports `recovery()` returning the worker's parts (docs/recovery.md). */
  readonly app: string;
  readonly mode: "run" | "health" | "once";
  /** With --once: the jobs to run once, in this order. */
  readonly jobs: readonly JobName[];
  readonly engine: "pg-boss" | "in-process" | undefined;
  /** How often the running worker prints a health line. */
  readonly healthEveryMs: number;
}

export const USAGE = `usage: paybridge-worker --app MODULE [--health | --once JOB[,JOB...] | --once all]
                        [--engine pg-boss|in-process] [--health-every-ms N]
  MODULE exports recovery(): the gateway, ledgers and refund engine (docs/recovery.md).
  The default engine is pg-boss when MODULE names a connection string, else in-process.
  --health prints one JSON health line and exits; --once runs jobs once and prints their reports.`;

/** Parses the command line; a bad flag is a ValidationError naming it, before anything starts. */
export function parseWorkerArgs(argv: readonly string[]): WorkerArgs {
  let app: string | undefined;
  let mode: WorkerArgs["mode"] = "run";
  let jobs: JobName[] = [];
  let engine: WorkerArgs["engine"];
  let healthEveryMs = 60_000;
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = () => {
      const v = argv[i + 1];
      if (v === undefined || v.startsWith("--"))
        throw new ValidationError(flag ?? "", `${flag} needs a value`);
      i += 1;
      return v;
    };
    switch (flag) {
      case "--app":
        app = value();
        break;
      case "--health":
        mode = "health";
        break;
      case "--once": {
        mode = "once";
        const v = value();
        jobs = v === "all" ? [...JOB_NAMES] : v.split(",").map((j) => jobName(j));
        break;
      }
      case "--engine": {
        const v = value();
        if (v !== "pg-boss" && v !== "in-process")
          throw new ValidationError("--engine", `--engine must be pg-boss or in-process, not ${v}`);
        engine = v;
        break;
      }
      case "--health-every-ms": {
        const v = Number(value());
        if (!Number.isSafeInteger(v) || v < 1000)
          throw new ValidationError("--health-every-ms", "--health-every-ms must be an integer >= 1000");
        healthEveryMs = v;
        break;
      }
      default:
        throw new ValidationError(flag ?? "", `unknown flag ${flag}\n${USAGE}`);
    }
  }
  if (!app) throw new ValidationError("--app", `--app is required\n${USAGE}`);
  return { app, mode, jobs, engine, healthEveryMs };
}

function jobName(value: string): JobName {
  if ((JOB_NAMES as readonly string[]).includes(value)) return value as JobName;
  throw new ValidationError("--once", `--once: unknown job ${value} (jobs: ${JOB_NAMES.join(", ")}, or all)`);
}
