import "reflect-metadata";
import { createInterface } from "node:readline";

/** The JSON input the parent test passed in PB_WORKER_INPUT. */
export function workerInput<T>(): T {
  const raw = process.env.PB_WORKER_INPUT;
  if (!raw) throw new Error("PB_WORKER_INPUT is not set: this file is started by a test, not by hand");
  return JSON.parse(raw) as T;
}

/** Prints READY and waits for the parent's GO, so every worker starts its work at the same moment. */
export async function readyAndWaitForGo(): Promise<void> {
  process.stdout.write("READY\n");
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) if (line.trim() === "GO") break;
  lines.close();
}

export function reportResult(value: unknown): void {
  process.stdout.write(`RESULT ${JSON.stringify(value)}\n`);
}
