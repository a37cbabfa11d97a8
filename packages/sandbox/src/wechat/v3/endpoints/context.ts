import type { WechatBillDesk } from "../../bills/bill-desk.js";
import type { WechatMerchantEngine } from "../../engine/engine.js";
import { WechatEngineError } from "../../engine/errors.js";
import type { WechatOperation } from "../../engine/faults.js";
import type { WechatSandboxMerchant } from "../credentials.js";
import type { WechatKeyRing } from "../key-ring.js";
import type { PartnerBook } from "../partner/book.js";

/** What the server sends back for one call: a JSON body (signed unless `signed` is false) or a file. */
export type Reply = { status: number; body?: unknown; signed?: boolean; file?: Buffer };

/** What an endpoint handler sees: the authenticated merchant, the request and the sandbox's parts. */
export interface EndpointContext {
  readonly engine: WechatMerchantEngine;
  readonly bills: WechatBillDesk;
  readonly keys: WechatKeyRing;
  /** Plain-http notify_url on loopback hosts accepted (WechatSandboxOptions.allowLoopbackHttpNotify). */
  readonly allowLoopbackHttp: boolean;
  /** The merchant whose signature the request carries. */
  readonly merchant: WechatSandboxMerchant;
  /** The raw request body, as signed. */
  readonly raw: string;
  /** The query string's parameters. */
  readonly params: URLSearchParams;
  /** The path segment the endpoint's pattern captures (URL-decoded), e.g. the out_trade_no. */
  readonly captured: string;
  /** Service providers (服务商) and their sub-merchants; absent when the sandbox has none. */
  readonly partners?: PartnerBook;
}

/**
 * One APIv3 endpoint: the method and path it answers, the operation its faults and answer rewrites
 * are queued under (none for certificates and bills), and its handler.
 */
export interface Endpoint {
  readonly method: "GET" | "POST";
  /** The whole pathname; group 1, when present, is the `captured` segment. */
  readonly path: RegExp;
  readonly operation?: WechatOperation;
  /**
   * Who may call it: "only" a service provider (the partner APIs), "never" one (the direct order
   * and 付款码 APIs: a 服务商 is told "受理机构必须传入sub_mch_id"), or anyone when absent
   * (certificates, bills and the refund paths, which partner/refund.ts splits by caller).
   */
  readonly serviceProvider?: "only" | "never";
  handle(ctx: EndpointContext): Reply;
}

/** The mchid a body or query names must be the one that signed the request. */
export function assertMchid(given: string | null, m: WechatSandboxMerchant): void {
  if (given !== m.mchid) {
    throw new WechatEngineError(
      "PARAM_ERROR",
      `mchid ${given ?? "(缺失)"} 与 Authorization 中的商户号 ${m.mchid} 不一致`,
    );
  }
}
