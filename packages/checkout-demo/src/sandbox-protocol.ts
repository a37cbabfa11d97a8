import type { SimulatorEndpoints } from "./simulators.js";

/** What the shop asks of the sandbox child process over the IPC channel (child_process.fork). */
export type SandboxRequest =
  | {
      readonly id: number;
      readonly op: "pay";
      readonly wallet: "wechat" | "alipay";
      readonly outTradeNo: string;
    }
  | { readonly id: number; readonly op: "failWechat"; readonly outTradeNo: string; readonly reason: string };

/** What the sandbox child process sends back: once `ready`, then one `reply` per request. */
export type SandboxMessage =
  | { readonly type: "ready"; readonly endpoints: SimulatorEndpoints }
  | { readonly type: "reply"; readonly id: number; readonly error?: string };
