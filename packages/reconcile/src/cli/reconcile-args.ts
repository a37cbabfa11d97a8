import { parseArgs } from "node:util";
import { beijingDayRange, ValidationError } from "@paybridge/core/provider-kit";

interface CommonArgs {
  readonly merchant: string;
  readonly date: string;
  readonly format: "table" | "json" | "csv";
}

/** Reconcile a bill file already downloaded, against the ledger at DATABASE_URL. */
export interface FileReconcileArgs extends CommonArgs {
  readonly mode: "file";
  readonly provider: "wechatpay" | "alipay" | "cloudpay";
  /** The downloaded bill: WeChat/CloudPay text (".gz" when gzipped), Alipay ".zip". */
  readonly bill: string;
  /** The ledger's schema (default paybridge, the ledgers' own default). */
  readonly schema: string;
  /** WeChat hash_value from the apply call, checked over the decompressed bill. */
  readonly sha1: string | undefined;
}

/** Download the day's bill from the merchant's provider, as the app module configures it. */
export interface DownloadReconcileArgs extends CommonArgs {
  readonly mode: "download";
  /** The app module: exports reconcile() (or recovery()) returning the gateway and ledgers. */
  readonly app: string;
}

export type ReconcileArgs = FileReconcileArgs | DownloadReconcileArgs;

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
      download: { type: "boolean", default: false },
      app: { type: "string" },
      format: { type: "string", default: "table" },
      schema: { type: "string" },
      sha1: { type: "string" },
    },
    strict: true,
  });
  const need = (k: "merchant" | "date" | "provider" | "bill" | "app", why = "is required") => {
    const v = values[k];
    if (v === undefined || v === "") throw new ValidationError(k, `--${k} ${why}`);
    return v;
  };
  const merchant = need("merchant");
  const date = need("date");
  try {
    beijingDayRange(date);
  } catch {
    throw new ValidationError("date", `--date must be a day yyyy-MM-dd, got ${JSON.stringify(date)}`);
  }
  const format = values.format ?? "table";
  if (!(FORMATS as readonly string[]).includes(format))
    throw new ValidationError("format", `--format must be one of ${FORMATS.join(", ")}`);
  const common = { merchant, date, format: format as CommonArgs["format"] };
  if (values.download || values.bill === undefined) {
    if (values.bill !== undefined)
      throw new ValidationError("download", "--download and --bill exclude each other");
    for (const k of ["provider", "schema", "sha1"] as const) {
      if (values[k] !== undefined)
        throw new ValidationError(k, `--${k} is for --bill; a download takes it from the app`);
    }
    return {
      ...common,
      mode: "download",
      app: need("app", "is required to download the bill (or give --bill FILE)"),
    };
  }
  if (values.app !== undefined) throw new ValidationError("app", "--app is for downloads; drop --bill");
  const provider = need("provider");
  if (!(PROVIDERS as readonly string[]).includes(provider))
    throw new ValidationError("provider", `--provider must be one of ${PROVIDERS.join(", ")}`);
  if (values.sha1 !== undefined && !/^[0-9a-f]{40}$/i.test(values.sha1))
    throw new ValidationError("sha1", "--sha1 must be 40 hex digits");
  const schema = values.schema ?? "paybridge";
  if (!/^[a-z_][a-z0-9_]*$/.test(schema))
    throw new ValidationError("schema", "--schema must be a plain lower-case identifier");
  return {
    ...common,
    mode: "file",
    provider: provider as FileReconcileArgs["provider"],
    bill: need("bill"),
    schema,
    sha1: values.sha1,
  };
}
