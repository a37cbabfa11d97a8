import { WechatEngineError } from "../engine/errors.js";
import type { CreateRefundInput, RefundFromInput, RefundGoodsInput } from "../engine/types.js";

/** Reads request bodies the way WeChat validates them: PARAM_ERROR naming the field. */
export type Json = Record<string, unknown>;

export function parseJsonBody(raw: string): Json {
  if (raw.length === 0) return {};
  try {
    const value: unknown = JSON.parse(raw);
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Json;
  } catch {
    // fall through
  }
  throw new WechatEngineError("PARAM_ERROR", "请求体不是合法的 JSON 对象");
}

export function str(obj: Json, field: string, path = field): string {
  const value = obj[field];
  if (typeof value !== "string" || value.length === 0) {
    throw new WechatEngineError(
      "PARAM_ERROR",
      `输入源“/body/${path}”映射到字段“${path}”必填性规则校验失败,此字段为必填项`,
    );
  }
  return value;
}

export function optStr(obj: Json, field: string, path = field): string | undefined {
  return obj[field] === undefined ? undefined : str(obj, field, path);
}

export function int(obj: Json, field: string, path = field): number {
  const value = obj[field];
  if (typeof value !== "number" || !Number.isSafeInteger(value)) {
    throw new WechatEngineError("PARAM_ERROR", `字段“${path}”必须是整数`);
  }
  return value;
}

export function obj(parent: Json, field: string, path = field): Json {
  const value = parent[field];
  if (!value || typeof value !== "object" || Array.isArray(value)) {
    throw new WechatEngineError("PARAM_ERROR", `字段“${path}”必须是对象`);
  }
  return value as Json;
}

export function optObj(parent: Json, field: string, path = field): Json | undefined {
  return parent[field] === undefined ? undefined : obj(parent, field, path);
}

function arr(parent: Json, field: string, path: string): Json[] | undefined {
  const value = parent[field];
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new WechatEngineError("PARAM_ERROR", `字段“${path}”必须是数组`);
  return value.map((item, i) => {
    if (!item || typeof item !== "object")
      throw new WechatEngineError("PARAM_ERROR", `字段“${path}[${i}]”必须是对象`);
    return item as Json;
  });
}

/** Body of POST /v3/refund/domestic/refunds, every field of https://pay.weixin.qq.com/doc/v3/merchant/4012556457. */
export function readRefundBody(body: Json): CreateRefundInput {
  const amount = obj(body, "amount");
  const from = arr(amount, "from", "amount.from")?.map((f, i): RefundFromInput => {
    const account = str(f, "account", `amount.from[${i}].account`);
    if (account !== "AVAILABLE" && account !== "UNAVAILABLE") {
      throw new WechatEngineError("PARAM_ERROR", `amount.from[${i}].account 只能是 AVAILABLE 或 UNAVAILABLE`);
    }
    return { account, amountFen: int(f, "amount", `amount.from[${i}].amount`) };
  });
  const goods = arr(body, "goods_detail", "goods_detail")?.map(
    (g, i): RefundGoodsInput => ({
      merchantGoodsId: str(g, "merchant_goods_id", `goods_detail[${i}].merchant_goods_id`),
      wechatpayGoodsId: optStr(g, "wechatpay_goods_id", `goods_detail[${i}].wechatpay_goods_id`),
      goodsName: optStr(g, "goods_name", `goods_detail[${i}].goods_name`),
      unitPriceFen: int(g, "unit_price", `goods_detail[${i}].unit_price`),
      refundAmountFen: int(g, "refund_amount", `goods_detail[${i}].refund_amount`),
      refundQuantity: int(g, "refund_quantity", `goods_detail[${i}].refund_quantity`),
    }),
  );
  const outRefundNo = str(body, "out_refund_no");
  if (!/^[0-9A-Za-z_\-|@]{1,64}$/.test(outRefundNo)) {
    throw new WechatEngineError("PARAM_ERROR", "out_refund_no 只能是数字、大小写字母_-|@,最长 64 位");
  }
  const fundsAccount = optStr(body, "funds_account");
  if (fundsAccount !== undefined && fundsAccount !== "AVAILABLE" && fundsAccount !== "UNSETTLED") {
    throw new WechatEngineError("PARAM_ERROR", "funds_account 只能是 AVAILABLE 或 UNSETTLED");
  }
  const reason = optStr(body, "reason");
  if (reason !== undefined && [...reason].length > 80) {
    throw new WechatEngineError("PARAM_ERROR", "reason 最长 80 个字符");
  }
  return {
    transactionId: optStr(body, "transaction_id"),
    outTradeNo: optStr(body, "out_trade_no"),
    outRefundNo,
    refundFen: int(amount, "refund", "amount.refund"),
    totalFen: int(amount, "total", "amount.total"),
    currency: str(amount, "currency", "amount.currency"),
    reason,
    notifyUrl: optStr(body, "notify_url"),
    fundsAccount,
    from,
    goodsDetail: goods,
  };
}
