import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The demo server (shop + WeChat Pay and Alipay simulators) running in a child process. */
export interface DemoServer {
  /** The shop's origin, e.g. http://127.0.0.1:40123. */
  readonly origin: string;
  /** Stops it (SIGTERM: the demo closes the shop, the simulators and PGlite, then exits). */
  stop(): Promise<void>;
}

const DEMO_MAIN = fileURLToPath(new URL("../../checkout-demo/dist/main.js", import.meta.url));

/**
 * Starts `pnpm demo:serve`'s process (packages/checkout-demo/dist/main.js --serve) on a free
 * loopback port, with extra node flags (for example `--cpu-prof`), and waits for its first line.
 */
export async function startDemoServer(nodeFlags: readonly string[] = []): Promise<DemoServer> {
  const child: ChildProcess = spawn(process.execPath, [...nodeFlags, DEMO_MAIN, "--serve"], {
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
  return {
    origin,
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}
