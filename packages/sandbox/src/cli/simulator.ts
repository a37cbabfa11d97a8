import type { CliOptions, SimulatorId } from "./args.js";

/** What a simulator module gets to start with. */
export interface SimulatorStartContext {
  readonly host: string;
  readonly port: number;
  /** This simulator's own folder under --keys-dir (e.g. DIR/wechat), or undefined: keys in memory. */
  readonly keysDir: string | undefined;
  readonly options: CliOptions;
}

/** One control-API route, printed with a ready-to-run curl command. */
export interface ControlRoute {
  /** What it does, in words ("pay an order as the buyer"). */
  readonly purpose: string;
  readonly method: "GET" | "POST";
  readonly url: string;
  /** Example JSON body for POST routes. */
  readonly body?: Readonly<Record<string, unknown>>;
  readonly curl: string;
}

/** A running simulator as the CLI prints it. */
export interface StartedSimulator {
  readonly id: SimulatorId;
  readonly title: string;
  /** The JSON printed under this simulator's id with --json. */
  readonly description: Readonly<Record<string, unknown>>;
  /** Label / value rows for the human-readable output. */
  readonly rows: readonly (readonly [label: string, value: string])[];
  /** Free-text notes printed after the rows (where keys are, how to configure a client). */
  readonly notes: readonly string[];
  readonly control: readonly ControlRoute[];
  close(): Promise<void>;
}

/** One simulator the CLI can run (WeChat Pay v3, Alipay); a further simulator is one more module. */
export interface SimulatorModule {
  readonly id: SimulatorId;
  start(context: SimulatorStartContext): Promise<StartedSimulator>;
}

/** A ControlRoute with its curl command; `body` examples are sent as JSON. */
export function controlRoute(
  purpose: string,
  method: "GET" | "POST",
  url: string,
  body?: Readonly<Record<string, unknown>>,
): ControlRoute {
  const curl =
    method === "GET"
      ? `curl -s '${url}'`
      : body === undefined
        ? `curl -s -X POST '${url}'`
        : `curl -s -X POST '${url}' -H 'Content-Type: application/json' -d '${JSON.stringify(body)}'`;
  return body === undefined ? { purpose, method, url, curl } : { purpose, method, url, body, curl };
}
