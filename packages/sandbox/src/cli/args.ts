import { parseArgs } from "node:util";
import type { WechatKeyMode } from "../wechat/v3/credentials.js";
import { WECHAT_SWITCH_RAMP, type WechatSwitchOptions } from "../wechat/v3/switch-schedule.js";
import { CliUsageError } from "./errors.js";
import { isLoopbackHost } from "./host.js";

/** Simulators the CLI can start, in the order they start and print; each has a --<id>[=PORT] flag. */
export const SIMULATOR_IDS = ["wechat", "alipay"] as const;
export type SimulatorId = (typeof SIMULATOR_IDS)[number];

const WECHAT_MODES = [
  "platform_certificate",
  "public_key",
  "switch",
] as const satisfies readonly WechatKeyMode[];
/** Alipay's 接口加签方式 (https://opendocs.alipay.com/common/02kdnc): public keys or public-key certificates. */
export const ALIPAY_MODES = ["public_key", "certificate"] as const;
export type AlipayKeyMode = (typeof ALIPAY_MODES)[number];

export interface CliOptions {
  readonly help: boolean;
  /** The simulators to start with their ports (0: a free port chosen by the system). */
  readonly simulators: readonly { readonly id: SimulatorId; readonly port: number }[];
  readonly host: string;
  readonly allowRemote: boolean;
  /** Absolute path; keys are read from it when present, else generated and written there. */
  readonly keysDir: string | undefined;
  readonly wechatMode: WechatKeyMode;
  /** With --wechat-mode switch: the notification ramp (WeChat's seven days unless told otherwise). */
  readonly wechatSwitch: WechatSwitchOptions | undefined;
  readonly alipayMode: AlipayKeyMode;
  /** With --alipay-mode certificate: issue a new Alipay public-key certificate every this many ms. */
  readonly alipayRotateEveryMs: number | undefined;
  readonly json: boolean;
  /** Accept http notify_url on loopback hosts (WeChat itself accepts https only). */
  readonly allowHttpNotify: boolean;
}

const OPTIONS = {
  wechat: { type: "string" },
  alipay: { type: "string" },
  host: { type: "string" },
  "allow-remote": { type: "boolean" },
  "keys-dir": { type: "string" },
  "wechat-mode": { type: "string" },
  "wechat-switch-ratio": { type: "string" },
  "wechat-switch-day-ms": { type: "string" },
  "alipay-mode": { type: "string" },
  "alipay-rotate-every-ms": { type: "string" },
  json: { type: "boolean" },
  "allow-http-notify": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/**
 * Parses `paybridge-sandbox [--wechat[=PORT]] [--alipay[=PORT]] [--host H] [--allow-remote]
 * [--keys-dir DIR] [--wechat-mode MODE] [--wechat-switch-ratio R | --wechat-switch-day-ms MS]
 * [--alipay-mode MODE] [--alipay-rotate-every-ms MS] [--json]`. Throws CliUsageError naming the flag for anything it cannot use.
 * `resolvePath` turns --keys-dir into an absolute path (the caller's cwd).
 */
export function parseCliArgs(argv: readonly string[], resolvePath: (p: string) => string): CliOptions {
  // --wechat alone means "start it on a free port": node:util parseArgs has no optional values,
  // so a bare simulator flag becomes --wechat= (an empty value) before parsing.
  const simulatorFlags = new Set<string>(SIMULATOR_IDS.map((id) => `--${id}`));
  const normalised = argv.map((a) => (simulatorFlags.has(a) ? `${a}=` : a));
  let values: ReturnType<typeof parseWith>["values"];
  try {
    ({ values } = parseWith(normalised));
  } catch (error) {
    throw usageErrorFrom(error, argv);
  }
  const help = values.help === true;

  const requested = SIMULATOR_IDS.filter((id) => values[id] !== undefined);
  const simulators = (requested.length > 0 ? requested : SIMULATOR_IDS).map((id) => ({
    id,
    port: parsePort(`--${id}`, values[id] ?? ""),
  }));

  const host = values.host ?? "127.0.0.1";
  if (host.trim() === "") throw new CliUsageError("--host", "needs a host name or address");
  const allowRemote = values["allow-remote"] === true;
  if (!allowRemote && !isLoopbackHost(host)) {
    throw new CliUsageError(
      "--host",
      `${host} is not a loopback address; the sandbox would be reachable from the network. ` +
        "Add --allow-remote if that is what you want.",
    );
  }

  const rawDir = values["keys-dir"];
  if (rawDir !== undefined && rawDir.trim() === "")
    throw new CliUsageError("--keys-dir", "needs a directory");

  const mode = values["wechat-mode"] ?? "platform_certificate";
  if (!(WECHAT_MODES as readonly string[]).includes(mode)) {
    throw new CliUsageError("--wechat-mode", `must be one of ${WECHAT_MODES.join(", ")}, not "${mode}"`);
  }

  const wechatSwitch = parseSwitch(mode, values["wechat-switch-ratio"], values["wechat-switch-day-ms"]);

  const alipayMode = values["alipay-mode"] ?? "public_key";
  if (!(ALIPAY_MODES as readonly string[]).includes(alipayMode)) {
    throw new CliUsageError(
      "--alipay-mode",
      `must be one of ${ALIPAY_MODES.join(", ")}, not "${alipayMode}"`,
    );
  }

  const rotateRaw = values["alipay-rotate-every-ms"];
  let alipayRotateEveryMs: number | undefined;
  if (rotateRaw !== undefined) {
    if (alipayMode !== "certificate")
      throw new CliUsageError("--alipay-rotate-every-ms", "needs --alipay-mode certificate");
    // At least a second: each rotation generates an RSA key and signs a certificate.
    if (!/^\d{1,12}$/.test(rotateRaw) || Number(rotateRaw) < 1000)
      throw new CliUsageError(
        "--alipay-rotate-every-ms",
        `must be a whole number of ms, at least 1000, not "${rotateRaw}"`,
      );
    alipayRotateEveryMs = Number(rotateRaw);
  }

  return {
    help,
    simulators,
    host,
    allowRemote,
    keysDir: rawDir === undefined ? undefined : resolvePath(rawDir),
    wechatMode: mode as WechatKeyMode,
    wechatSwitch,
    alipayMode: alipayMode as AlipayKeyMode,
    alipayRotateEveryMs,
    json: values.json === true,
    allowHttpNotify: values["allow-http-notify"] === true,
  };
}

/**
 * --wechat-switch-ratio R: a fixed share (0..1) of notifications signed with the public key;
 * --wechat-switch-day-ms MS: WeChat's seven-step ramp with each "day" MS long on the sandbox clock
 * (1000: the whole switch in seven seconds). Only with --wechat-mode switch.
 */
function parseSwitch(
  mode: string,
  ratio: string | undefined,
  dayMs: string | undefined,
): WechatSwitchOptions | undefined {
  for (const [flag, value] of [
    ["--wechat-switch-ratio", ratio],
    ["--wechat-switch-day-ms", dayMs],
  ] as const) {
    if (value !== undefined && mode !== "switch") throw new CliUsageError(flag, "needs --wechat-mode switch");
  }
  if (ratio !== undefined && dayMs !== undefined) {
    throw new CliUsageError(
      "--wechat-switch-ratio",
      "give either a fixed ratio or --wechat-switch-day-ms, not both",
    );
  }
  if (ratio !== undefined) {
    const r = Number(ratio);
    if (ratio.trim() === "" || !Number.isFinite(r) || r < 0 || r > 1)
      throw new CliUsageError("--wechat-switch-ratio", `must be a number from 0 to 1, not "${ratio}"`);
    return { ratio: r };
  }
  if (dayMs !== undefined) {
    if (!/^\d{1,12}$/.test(dayMs) || Number(dayMs) === 0)
      throw new CliUsageError(
        "--wechat-switch-day-ms",
        `must be a positive whole number of ms, not "${dayMs}"`,
      );
    const day = Number(dayMs);
    return { schedule: WECHAT_SWITCH_RAMP.map((step, i) => ({ afterMs: i * day, ratio: step.ratio })) };
  }
  return undefined;
}

function parseWith(args: string[]) {
  return parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false });
}

function parsePort(flag: string, raw: string): number {
  if (raw === "") return 0;
  if (!/^\d{1,5}$/.test(raw) || Number(raw) > 65_535) {
    throw new CliUsageError(flag, `port must be an integer from 0 to 65535 (0: any free port), not "${raw}"`);
  }
  return Number(raw);
}

/** Turns node:util's parse errors into messages that name the flag, as the rest of the CLI does. */
function usageErrorFrom(error: unknown, argv: readonly string[]): CliUsageError {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    const flag = /'([^']+)'/.exec(message)?.[1] ?? "option";
    return new CliUsageError(flag, "unknown option (see --help)");
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    const flag = /'(--[a-z-]+)/.exec(message)?.[1] ?? "option";
    const name = flag.slice(2);
    const takesValue = name in OPTIONS && OPTIONS[name as keyof typeof OPTIONS].type === "string";
    return new CliUsageError(flag, takesValue ? "needs a value" : "takes no value");
  }
  if (code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") {
    const arg = /'([^']*)'/.exec(message)?.[1] ?? "";
    const index = argv.indexOf(arg);
    const before = index > 0 ? argv[index - 1] : undefined;
    // `--wechat 8080` reads naturally but the port is optional, so it must be attached.
    if (before !== undefined && SIMULATOR_IDS.some((id) => before === `--${id}`)) {
      return new CliUsageError(before, `write the port as ${before}=${arg}`);
    }
    return new CliUsageError(arg, "unexpected argument (this command takes only options)");
  }
  return new CliUsageError("arguments", message);
}
