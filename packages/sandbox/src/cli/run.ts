import { isAbsolute, join, resolve } from "node:path";
import { alipaySimulator } from "./alipay/simulator.js";
import { type CliOptions, parseCliArgs, type SimulatorId } from "./args.js";
import { CliStartError, CliUsageError } from "./errors.js";
import type { CliIo } from "./io.js";
import { renderJson, renderText } from "./render.js";
import type { SimulatorModule, StartedSimulator } from "./simulator.js";
import { USAGE } from "./usage.js";
import { wechatSimulator } from "./wechat/simulator.js";

/** Every simulator the CLI can run, by flag; a new simulator is one module and one line here. */
const MODULES: Record<SimulatorId, SimulatorModule> = {
  wechat: wechatSimulator,
  alipay: alipaySimulator,
};

export const EXIT_OK = 0;
export const EXIT_START_FAILED = 1;
export const EXIT_USAGE = 2;

/**
 * The paybridge-sandbox command: parses `argv` (without node and the script), starts the chosen
 * simulators, prints where they are, and resolves with the exit status once a signal stopped them
 * (or at once for --help, bad flags and start failures).
 */
export async function runSandboxCli(argv: readonly string[], io: CliIo): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCliArgs(argv, (p) => (isAbsolute(p) ? p : resolve(io.cwd, p)));
  } catch (error) {
    if (!(error instanceof CliUsageError)) throw error;
    io.stderr(`paybridge-sandbox: ${error.message}\nRun paybridge-sandbox --help for the options.\n`);
    return EXIT_USAGE;
  }
  if (options.help) {
    io.stdout(USAGE);
    return EXIT_OK;
  }

  // Listen before starting, so a signal that arrives while servers start still stops them all.
  let stopSignal: ((signal: string) => void) | undefined;
  const stopped = new Promise<string>((done) => {
    stopSignal = done;
  });
  const unsubscribe = io.onSignal((signal) => stopSignal?.(signal));

  const started: StartedSimulator[] = [];
  try {
    for (const { id, port } of options.simulators) {
      started.push(
        await MODULES[id].start({
          host: options.host,
          port,
          keysDir: options.keysDir === undefined ? undefined : join(options.keysDir, id),
          options,
        }),
      );
    }
  } catch (error) {
    unsubscribe();
    await closeAll(started);
    io.stderr(`paybridge-sandbox: could not start: ${startFailure(error, options)}\n`);
    return EXIT_START_FAILED;
  }

  io.stdout(options.json ? renderJson(started) : renderText(started));
  const signal = await stopped;
  unsubscribe();
  await closeAll(started);
  if (!options.json) io.stdout(`Received ${signal}; simulators stopped.\n`);
  return EXIT_OK;
}

async function closeAll(started: readonly StartedSimulator[]): Promise<void> {
  await Promise.all(started.map((s) => s.close()));
}

function startFailure(error: unknown, options: CliOptions): string {
  if (error instanceof CliStartError) return error.message;
  const code = (error as { code?: string }).code;
  const port = (error as { port?: number }).port;
  if (code === "EADDRINUSE") return `port ${port ?? "?"} is already in use; pick another or use 0`;
  if (code === "EADDRNOTAVAIL") return `${options.host} is not an address of this machine`;
  if (code === "EACCES") return `not allowed to bind ${options.host}:${port ?? "?"}`;
  return error instanceof Error ? error.message : String(error);
}
