/**
 * Checks of CloudPay call parameters, answered as WeChat answers them: result_code FAIL with
 * err_code PARAM_ERROR and a description naming the field.
 */
export class CloudPayParamError extends Error {
  override readonly name = "CloudPayParamError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

export type Params = Readonly<Record<string, unknown>>;

export function asParams(value: unknown): Params {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new CloudPayParamError("(params)", "must be an object");
  }
  return value as Params;
}

export function str(p: Params, field: string, max: number, pattern?: RegExp): string {
  const v = p[field];
  if (typeof v !== "string" || v.length === 0) throw new CloudPayParamError(field, "is required");
  if (v.length > max) throw new CloudPayParamError(field, `must be at most ${max} characters`);
  if (pattern && !pattern.test(v)) throw new CloudPayParamError(field, `must match ${pattern}`);
  return v;
}

export function optStr(p: Params, field: string, max: number, pattern?: RegExp): string | undefined {
  return p[field] === undefined ? undefined : str(p, field, max, pattern);
}

export function fen(p: Params, field: string): number {
  const v = p[field];
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 1) {
    throw new CloudPayParamError(field, "must be a positive integer number of fen");
  }
  return v;
}

export function optInt(p: Params, field: string): number | undefined {
  const v = p[field];
  if (v === undefined) return undefined;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
    throw new CloudPayParamError(field, "must be a non-negative integer");
  }
  return v;
}

export function oneOf<T extends string>(p: Params, field: string, values: readonly T[]): T | undefined {
  const v = p[field];
  if (v === undefined) return undefined;
  if (typeof v !== "string" || !(values as readonly string[]).includes(v)) {
    throw new CloudPayParamError(field, `must be one of ${values.join(", ")}`);
  }
  return v as T;
}

/** Order numbers: "要求32个字符内，只能是数字、大小写字母_-|*@" (queryOrder / closeOrder pages). */
export const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*@]{1,32}$/;
/** Refund numbers: CloudPay.refund "只能是数字、大小写字母_-", v3 also "|*@". */
export const OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/;
