import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The demo server (shop + WeChat Pay and Alipay simulators) running in a child process. */
export interface DemoServer {
  /** The shop's origin, e.g. http://127.0.0.1:40123. */
  readonly origin: string;
  /** The server's process id (its child processes are the sandbox's, with `--sandbox=process`). */
  readonly pid: number;
  /** Stops it (SIGTERM: the demo closes the shop, the simulators and PGlite, then exits). */
  stop(): Promise<void>;
  /**
   * CPU the server has used so far, ms (user + system, from /proc): all its threads and those of
   * its child processes (the sandbox process of `demo:serve`, when the simulators run there), its
   * main thread alone (the shop's event loop; with the simulators in process they share it), and
   * the child processes alone. Undefined off Linux.
   */
  cpu(): { processMs: number; mainThreadMs: number; childrenMs: number } | undefined;
}

/** USER_HZ: /proc reports CPU times in these ticks, 100 a second on Linux (sysconf(_SC_CLK_TCK)). */
const TICKS_PER_SECOND = 100;

/** utime + stime of a /proc/.../stat line, ms (fields 14 and 15, counted after the parenthesised name). */
function statCpuMs(path: string): number | undefined {
  try {
    const stat = readFileSync(path, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** Process ids of the live children of `pid` (any of its threads may have forked them); none off Linux. */
export function childPids(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").split(" ").filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

/** CPU of a process's live descendants, ms (cutime in /proc counts only children already reaped). */
function descendantsCpuMs(pid: number): number {
  return childPids(pid).reduce(
    (sum, child) => sum + (statCpuMs(`/proc/${child}/stat`) ?? 0) + descendantsCpuMs(child),
    0,
  );
}

const DEMO_MAIN = fileURLToPath(new URL("../../checkout-demo/dist/main.js", import.meta.url));

/**
 * Starts `pnpm demo:serve`'s process (packages/checkout-demo/dist/main.js --serve) on a free
 * loopback port, with extra node flags (for example `--cpu-prof`) and demo arguments (for example
 * `--ledger=pglite`), and waits for its first line. `main` runs another build's demo instead.
 */
export async function startDemoServer(
  nodeFlags: readonly string[] = [],
  demoArgs: readonly string[] = [],
  main: string = DEMO_MAIN,
): Promise<DemoServer> {
  const child: ChildProcess = spawn(process.execPath, [...nodeFlags, main, "--serve", ...demoArgs], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const origin = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.once("exit", (code) => reject(new Error(`demo server exited with ${code} before listening`)));
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const m = /checkout demo on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
  });
  child.stdout?.resume();
  const pid = child.pid ?? 0;
  return {
    origin,
    pid,
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
    cpu() {
      const ownMs = statCpuMs(`/proc/${pid}/stat`);
      // The main thread's id is the process id.
      const mainThreadMs = statCpuMs(`/proc/${pid}/task/${pid}/stat`);
      if (ownMs === undefined || mainThreadMs === undefined) return undefined;
      const childrenMs = descendantsCpuMs(pid);
      return { processMs: ownMs + childrenMs, mainThreadMs, childrenMs };
    },
  };
}
