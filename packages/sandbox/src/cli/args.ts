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
  /**
   * --wechat-sub-mchid: the WeChat merchant is a service provider (服务商) with these sub-merchants
   * (特约商户), served on the partner APIs; empty: an ordinary merchant.
   */
  readonly wechatSubMerchants: readonly WechatSubMerchantOption[];
  /**
   * --alipay-app-auth-token: the Alipay app is a third-party (ISV) app that these merchants
   * authorised; empty: the app is the merchant's own.
   */
  readonly alipayAuthorizations: readonly AlipayAuthorizationOption[];
}

export interface WechatSubMerchantOption {
  readonly mchid: string;
  /** The sub-merchant's own appid (sub_appid), when it has one. */
  readonly appids: readonly string[];
}

export interface AlipayAuthorizationOption {
  readonly appAuthToken: string;
  /** The authorising merchant's app id (notifications name it in auth_app_id). */
  readonly authAppId: string;
  /** Its seller id (PID). */
  readonly sellerId: string;
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
  "wechat-sub-mchid": { type: "string", multiple: true },
  "alipay-app-auth-token": { type: "string", multiple: true },
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

  const started = new Set(simulators.map((s) => s.id));
  const wechatSubMerchants = parseSubMerchants(values["wechat-sub-mchid"] ?? [], started.has("wechat"));
  const alipayAuthorizations = parseAuthorizations(
    values["alipay-app-auth-token"] ?? [],
    started.has("alipay"),
  );
  if (alipayAuthorizations.length > 0 && alipayRotateEveryMs !== undefined) {
    throw new CliUsageError(
      "--alipay-rotate-every-ms",
      "rotates one merchant's certificate; it does not combine with --alipay-app-auth-token",
    );
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
    wechatSubMerchants,
    alipayAuthorizations,
  };
}

/** --wechat-sub-mchid MCHID[:SUB_APPID], once per sub-merchant; merchant numbers are digits. */
function parseSubMerchants(raw: readonly string[], wechatStarted: boolean): WechatSubMerchantOption[] {
  if (raw.length > 0 && !wechatStarted)
    throw new CliUsageError("--wechat-sub-mchid", "needs the WeChat simulator (--wechat)");
  const seen = new Set<string>();
  return raw.map((value) => {
    const [mchid = "", appid, extra] = value.split(":");
    if (!/^\d{1,32}$/.test(mchid) || extra !== undefined)
      throw new CliUsageError(
        "--wechat-sub-mchid",
        `must be MCHID[:SUB_APPID] with a numeric MCHID, not "${value}"`,
      );
    if (appid !== undefined && !/^[A-Za-z0-9_]{1,32}$/.test(appid))
      throw new CliUsageError(
        "--wechat-sub-mchid",
        `SUB_APPID must be 1-32 letters or digits, not "${appid}"`,
      );
    if (seen.has(mchid)) throw new CliUsageError("--wechat-sub-mchid", `${mchid} is given twice`);
    seen.add(mchid);
    return { mchid, appids: appid === undefined ? [] : [appid] };
  });
}

/**
 * --alipay-app-auth-token TOKEN[:AUTH_APP_ID[:SELLER_ID]], once per authorising merchant; the app id
 * (16 digits) and seller id (PID, 2088 and 12 digits) are made up from the position when omitted.
 */
function parseAuthorizations(raw: readonly string[], alipayStarted: boolean): AlipayAuthorizationOption[] {
  const flag = "--alipay-app-auth-token";
  if (raw.length > 0 && !alipayStarted)
    throw new CliUsageError(flag, "needs the Alipay simulator (--alipay)");
  const seen = new Set<string>();
  return raw.map((value, i) => {
    const [token = "", appId, sellerId, extra] = value.split(":");
    if (!/^[A-Za-z0-9._-]{1,128}$/.test(token) || extra !== undefined)
      throw new CliUsageError(flag, `must be TOKEN[:AUTH_APP_ID[:SELLER_ID]], not "${value}"`);
    if (appId !== undefined && !/^\d{16}$/.test(appId))
      throw new CliUsageError(flag, `AUTH_APP_ID must be 16 digits, not "${appId}"`);
    if (sellerId !== undefined && !/^2088\d{12}$/.test(sellerId))
      throw new CliUsageError(flag, `SELLER_ID must be 2088 and 12 digits, not "${sellerId}"`);
    if (seen.has(token)) throw new CliUsageError(flag, `${token} is given twice`);
    seen.add(token);
    const n = String(i + 1).padStart(3, "0");
    return {
      appAuthToken: token,
      authAppId: appId ?? `2021000149620${n}`,
      sellerId: sellerId ?? `2088100000620${n}`,
    };
  });
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
