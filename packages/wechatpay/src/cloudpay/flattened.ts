import type { CloudPayData } from "./envelope.js";

/**
 * v2 / CloudPay answers flatten lists into numbered keys: `refund_status_$n` for the n-th refund
 * and `coupon_refund_fee_$n_$m` for the m-th coupon of the n-th refund, both counted from 0
 * (CloudPay.queryRefund, https://developers.weixin.qq.com/miniprogram/dev/wxcloud/reference-sdk-api/open/pay/CloudPay.queryRefund.html:
 * "$n为下标，$m为下标，从0开始编号"). This turns them back into arrays.
 */
export interface FlatSpec {
  /** Names that take one index: `<name>_$n`. */
  readonly item: readonly string[];
  /** Names that take two indexes: `<name>_$n_$m` (coupons of one refund). */
  readonly nested: readonly string[];
}

export interface Unflattened {
  /** Item n holds its `<name>` fields, plus `nested`: its coupons in order. */
  readonly items: Record<string, unknown>[];
  /** Keys without an index. */
  readonly rest: Record<string, unknown>;
  /** Indexed keys whose name the spec does not list (kept for diagnostics, never guessed at). */
  readonly unknown: readonly string[];
}

// The name holds no digits, so the lazy match stops at the first `_<digits>`.
const INDEXED = /^([a-z_]+?)_(\d+)(?:_(\d+))?$/;

export class FlattenedFieldError extends Error {
  override readonly name = "FlattenedFieldError";
}

function dense<T>(sparse: Map<number, T>, what: string): T[] {
  const out: T[] = [];
  for (let i = 0; i < sparse.size; i += 1) {
    const item = sparse.get(i);
    if (item === undefined) {
      throw new FlattenedFieldError(
        `${what}: indexes ${[...sparse.keys()].sort((a, b) => a - b).join(", ")} are not 0..${sparse.size - 1}`,
      );
    }
    out.push(item);
  }
  return out;
}

export function unflatten(data: CloudPayData, spec: FlatSpec): Unflattened {
  const items = new Map<
    number,
    { fields: Record<string, unknown>; nested: Map<number, Record<string, unknown>> }
  >();
  const rest: Record<string, unknown> = {};
  const unknown: string[] = [];
  const slot = (n: number) => {
    let item = items.get(n);
    if (!item) {
      item = { fields: {}, nested: new Map() };
      items.set(n, item);
    }
    return item;
  };
  for (const [key, value] of Object.entries(data)) {
    const m = INDEXED.exec(key);
    if (!m) {
      rest[key] = value;
      continue;
    }
    const [, name = "", nText = "", mText] = m;
    const n = Number(nText);
    if (mText === undefined && spec.item.includes(name)) {
      slot(n).fields[name] = value;
    } else if (mText !== undefined && spec.nested.includes(name)) {
      const nested = slot(n).nested;
      const index = Number(mText);
      const coupon = nested.get(index) ?? {};
      coupon[name] = value;
      nested.set(index, coupon);
    } else {
      unknown.push(key);
    }
  }
  return {
    items: dense(items, "flattened items").map((item, n) => ({
      ...item.fields,
      nested: dense(item.nested, `coupons of item ${n}`),
    })),
    rest,
    unknown,
  };
}
