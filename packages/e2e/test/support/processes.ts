import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
/** tsx's loader (its "." export): registered with --import, so the worker is this very process. */
const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;

export interface Worker<Result> {
  readonly child: ChildProcess;
  /** Resolves when the worker printed READY (its setup is done). */
  readonly ready: Promise<void>;
  /** Resolves with the worker's RESULT line, rejects if it exits without one or runs past the limit. */
  readonly result: Promise<Result>;
  go(): void;
}

/**
 * Spawns a TypeScript worker in its own Node process, with tsx's loader and the root tsconfig's
 * paths so it runs the workspace sources; its input is JSON in PB_WORKER_INPUT. Node itself is
 * spawned with `--import tsx`, not the `tsx` command: that command runs the script in a child of
 * its own, so a SIGKILL sent to it would leave the real worker running.
 */
function spawnWorker(script: string, input: unknown): ChildProcess {
  return spawn(
    process.execPath,
    ["--import", tsxLoader, fileURLToPath(new URL(`../workers/${script}`, import.meta.url))],
    {
      cwd: root,
      env: {
        ...process.env,
        TSX_TSCONFIG_PATH: `${root}tsconfig.json`,
        PB_WORKER_INPUT: JSON.stringify(input),
      },
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
}

/**
 * Starts a worker that prints READY after setup, waits for GO on stdin, and prints one
 * RESULT <json> line. Every worker is killed after `limitMs`.
 */
export function startWorker<Result>(script: string, input: unknown, limitMs = 120_000): Worker<Result> {
  const child = spawnWorker(script, input);
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  let markReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  const result = new Promise<Result>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`worker ${script} ran past ${limitMs} ms\n${stderr}`));
    }, limitMs);
    let value: Result | undefined;
    const lines = createInterface({ input: child.stdout ?? process.stdin });
    lines.on("line", (line) => {
      if (line === "READY") markReady();
      else if (line.startsWith("RESULT ")) value = JSON.parse(line.slice(7)) as Result;
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (value !== undefined) resolve(value);
      else reject(new Error(`worker ${script} exited (${code ?? signal}) without a result\n${stderr}`));
    });
  });
  // A worker that dies during setup fails `ready` too, instead of leaving the test waiting.
  const readyOrDead = Promise.race([ready, result.then(() => undefined)]);
  result.catch(() => {});
  return { child, ready: readyOrDead, result, go: () => child.stdin?.end("GO\n") };
}

export interface KillableWorker {
  readonly child: ChildProcess;
  /** Every line the worker printed on stdout so far. */
  readonly lines: readonly string[];
  /**
   * The first line (already printed or still to come) that matches; rejects after `timeoutMs`,
   * or when the worker exits without printing one, with the worker's output in the message.
   */
  waitForLine(match: (line: string) => boolean, timeoutMs: number, what: string): Promise<string>;
  /** Writes one line to the worker's stdin. */
  send(line: string): void;
  /** Sends SIGKILL (no clean-up runs in the worker) and resolves with how the process ended. */
  kill(): Promise<string>;
  /** Resolves with "SIGKILL", another signal, or "exit <code>" once the process is gone. */
  readonly exited: Promise<string>;
}

/**
 * Starts a worker meant to be killed: the test follows its stdout line by line and kills it with
 * SIGKILL at a point it chose. A worker still alive after `limitMs` is killed anyway.
 */
export function startKillableWorker(script: string, input: unknown, limitMs = 60_000): KillableWorker {
  const child = spawnWorker(script, input);
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: child.stdout ?? process.stdin }).on("line", (line) => {
    lines.push(line);
    for (const wake of waiters) wake();
  });
  const limit = setTimeout(() => child.kill("SIGKILL"), limitMs);
  const exited = new Promise<string>((resolve) => {
    child.on("exit", (code, signal) => {
      clearTimeout(limit);
      for (const wake of waiters) wake();
      resolve(signal ?? `exit ${code}`);
    });
  });
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const describe = () => `stdout:\n${lines.slice(-20).join("\n")}\nstderr:\n${stderr.slice(-4000)}`;

  return {
    child,
    lines,
    exited,
    send: (line) => child.stdin?.write(`${line}\n`),
    waitForLine(match, timeoutMs, what) {
      return new Promise<string>((resolve, reject) => {
        const check = () => {
          const hit = lines.find(match);
          if (hit !== undefined) finish(() => resolve(hit));
          else if (gone)
            finish(() => reject(new Error(`worker ${script} exited before ${what}\n${describe()}`)));
        };
        const timer = setTimeout(
          () =>
            finish(() =>
              reject(new Error(`worker ${script}: no ${what} within ${timeoutMs} ms\n${describe()}`)),
            ),
          timeoutMs,
        );
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        waiters.add(check);
        // The exit event may have fired before this wait began.
        void exited.then(check);
        check();
      });
    },
    kill() {
      child.kill("SIGKILL");
      return exited;
    },
  };
}
