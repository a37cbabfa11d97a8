import { fork } from "node:child_process";
import type { SandboxMessage, SandboxRequest } from "./sandbox-protocol.js";
import type { SandboxBuyer, SimulatorEndpoints } from "./simulators.js";

/** The simulators running in a child process of their own (sandbox-process.ts). */
export interface SandboxChild {
  readonly endpoints: SimulatorEndpoints;
  readonly buyer: SandboxBuyer;
  close(): Promise<void>;
}

/** A request the sandbox child could not carry out; the message is the simulator's own. */
export class SandboxChildError extends Error {}

/**
 * Forks sandbox-process.js and waits until both simulators listen. The shop then talks to them
 * only over loopback HTTP (as to the providers) and this IPC channel (the buyer's hands), so the
 * simulators' HTTP servers, request checks and notifications run on another event loop than the
 * shop's: under 200 concurrent checkouts (checkout-load) that was most of the shop process's work.
 */
export async function startSandboxChild(): Promise<SandboxChild> {
  const child = fork(new URL("./sandbox-process.js", import.meta.url), [], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const pending = new Map<number, { resolve(): void; reject(error: Error): void }>();
  let nextId = 0;
  let exitError: Error | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once("exit", (code, signal) => {
      exitError = new SandboxChildError(`the sandbox process exited (${signal ?? `code ${code}`})`);
      for (const p of pending.values()) p.reject(exitError);
      pending.clear();
      resolve();
    }),
  );
  const endpoints = await new Promise<SimulatorEndpoints>((resolve, reject) => {
    child.once("exit", () => reject(exitError));
    child.on("message", (message: SandboxMessage) => {
      if (message.type === "ready") {
        resolve(message.endpoints);
        return;
      }
      const p = pending.get(message.id);
      pending.delete(message.id);
      if (message.error === undefined) p?.resolve();
      else p?.reject(new SandboxChildError(message.error));
    });
  });
  const ask = (request: (id: number) => SandboxRequest) =>
    new Promise<void>((resolve, reject) => {
      if (exitError) {
        reject(exitError);
        return;
      }
      const id = nextId++;
      pending.set(id, { resolve, reject });
      child.send(request(id));
    });
  return {
    endpoints,
    buyer: {
      pay: (wallet, outTradeNo) => ask((id) => ({ id, op: "pay", wallet, outTradeNo })),
      failWechat: (outTradeNo, reason) => ask((id) => ({ id, op: "failWechat", outTradeNo, reason })),
    },
    async close() {
      if (child.connected) child.disconnect();
      await exited;
    },
  };
}
