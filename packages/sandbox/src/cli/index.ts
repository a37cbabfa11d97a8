export { ALIPAY_KEY_FILES } from "./alipay/key-files.js";
export {
  ALIPAY_MODES,
  type AlipayKeyMode,
  type CliOptions,
  parseCliArgs,
  SIMULATOR_IDS,
  type SimulatorId,
} from "./args.js";
export { CliStartError, CliUsageError } from "./errors.js";
export { type CliIo, processIo } from "./io.js";
export { EXIT_OK, EXIT_START_FAILED, EXIT_USAGE, runSandboxCli } from "./run.js";
export type { ControlRoute, SimulatorModule, StartedSimulator } from "./simulator.js";
export { WECHAT_KEY_FILES } from "./wechat/key-files.js";
