import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const tsx = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url));

export interface Worker<Result> {
  readonly child: ChildProcess;
  /** Resolves when the worker printed READY (its setup is done). */
  readonly ready: Promise<void>;
  /** Resolves with the worker's RESULT line, rejects if it exits without one or runs past the limit. */
  readonly result: Promise<Result>;
  go(): void;
}

/**
 * Starts a TypeScript worker in its own Node process (tsx, with the root tsconfig's paths so it
 * runs the workspace sources). The worker prints READY after setup, waits for GO on stdin, and
 * prints one RESULT <json> line. Every worker is killed after `limitMs`.
 */
export function startWorker<Result>(script: string, input: unknown, limitMs = 120_000): Worker<Result> {
  const child = spawn(
    tsx,
    ["--tsconfig", `${root}tsconfig.json`, fileURLToPath(new URL(`../workers/${script}`, import.meta.url))],
    {
      cwd: root,
      env: { ...process.env, PB_WORKER_INPUT: JSON.stringify(input) },
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
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
