import { parseArgs } from "node:util";
import { ValidationError } from "@paybridge/core";
import { beijingDay } from "../beijing-time.js";

export interface ReconcileArgs {
  readonly merchant: string;
  readonly date: string;
  readonly provider: "wechatpay" | "alipay" | "cloudpay";
  /** The downloaded bill: WeChat/CloudPay text (".gz" when gzipped), Alipay ".zip". */
  readonly bill: string;
  readonly format: "table" | "json" | "csv";
  readonly schema: string;
  /** WeChat hash_value from the apply call, checked over the decompressed bill. */
  readonly sha1: string | undefined;
}

const PROVIDERS = ["wechatpay", "alipay", "cloudpay"] as const;
const FORMATS = ["table", "json", "csv"] as const;

/** Command-line arguments of paybridge-reconcile, refused with the flag and the rule before anything runs. */
export function parseReconcileArgs(argv: readonly string[]): ReconcileArgs {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      merchant: { type: "string" },
      date: { type: "string" },
      provider: { type: "string" },
      bill: { type: "string" },
      format: { type: "string", default: "table" },
      schema: { type: "string", default: "public" },
      sha1: { type: "string" },
    },
    strict: true,
  });
  const need = (k: "merchant" | "date" | "provider" | "bill") => {
    const v = values[k];
    if (v === undefined || v === "") throw new ValidationError(k, `--${k} is required`);
    return v;
  };
  const date = need("date");
  try {
    beijingDay(date);
  } catch {
    throw new ValidationError("date", `--date must be a day yyyy-MM-dd, got ${JSON.stringify(date)}`);
  }
  const provider = need("provider");
  if (!(PROVIDERS as readonly string[]).includes(provider))
    throw new ValidationError("provider", `--provider must be one of ${PROVIDERS.join(", ")}`);
  const format = values.format ?? "table";
  if (!(FORMATS as readonly string[]).includes(format))
    throw new ValidationError("format", `--format must be one of ${FORMATS.join(", ")}`);
  if (values.sha1 !== undefined && !/^[0-9a-f]{40}$/i.test(values.sha1))
    throw new ValidationError("sha1", "--sha1 must be 40 hex digits");
  if (!/^[a-z_][a-z0-9_]*$/.test(values.schema ?? "public"))
    throw new ValidationError("schema", "--schema must be a plain lower-case identifier");
  return {
    merchant: need("merchant"),
    date,
    provider: provider as ReconcileArgs["provider"],
    bill: need("bill"),
    format: format as ReconcileArgs["format"],
    schema: values.schema ?? "public",
    sha1: values.sha1,
  };
}
