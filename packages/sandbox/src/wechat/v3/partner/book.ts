import { WechatEngineError } from "../../engine/errors.js";

/** A sub-merchant (特约商户) as the sandbox plays it: its number and the appids bound to it. */
export interface WechatSandboxSubMerchant {
  readonly mchid: string;
  readonly appids: readonly string[];
}

/** What a partner order carries besides the engine's record: the service provider's and the sub-merchant's app and buyer ids. */
export interface PartnerOrderIds {
  readonly spMchid: string;
  readonly spAppid: string;
  readonly subAppid: string | undefined;
  readonly spOpenid: string | undefined;
  readonly subOpenid: string | undefined;
}

/**
 * Which sub-merchants each service provider (服务商) may act for, and the partner ids of their
 * orders. The engine keeps each sub-merchant's orders under its own sub_mchid, so one
 * sub-merchant's orders are never found under another's number, exactly as WeChat answers a
 * query naming the wrong sub_mchid: ORDER_NOT_EXIST.
 */
export class PartnerBook {
  private readonly spOfSub = new Map<string, string>();
  private readonly subs = new Map<string, WechatSandboxSubMerchant>();
  private readonly orders = new Map<string, PartnerOrderIds>();
  private readonly providers = new Set<string>();

  addServiceProvider(spMchid: string, subMerchants: readonly WechatSandboxSubMerchant[]): void {
    this.providers.add(spMchid);
    for (const sub of subMerchants) {
      if (this.spOfSub.has(sub.mchid)) throw new Error(`sub-merchant ${sub.mchid} is added twice`);
      this.spOfSub.set(sub.mchid, spMchid);
      this.subs.set(sub.mchid, sub);
    }
  }

  isServiceProvider(mchid: string): boolean {
    return this.providers.has(mchid);
  }

  /** The service provider a sub-merchant belongs to, if it is one. */
  serviceProviderOf(subMchid: string): string | undefined {
    return this.spOfSub.get(subMchid);
  }

  subMerchantsOf(spMchid: string): readonly WechatSandboxSubMerchant[] {
    return [...this.subs.values()].filter((s) => this.spOfSub.get(s.mchid) === spMchid);
  }

  /**
   * The sub-merchant `subMchid` of service provider `spMchid`, or the refusal a call naming a
   * sub-merchant the service provider has no 受理关系 with gets.
   */
  requireSub(spMchid: string, subMchid: string | undefined | null): WechatSandboxSubMerchant {
    if (!subMchid) throw new WechatEngineError("PARAM_ERROR", "受理机构必须传入sub_mch_id");
    const sub = this.subs.get(subMchid);
    if (!sub || this.spOfSub.get(subMchid) !== spMchid) {
      throw new WechatEngineError("PARAM_ERROR", `服务商 ${spMchid} 与子商户 ${subMchid} 不存在受理关系`);
    }
    return sub;
  }

  recordOrder(subMchid: string, outTradeNo: string, ids: PartnerOrderIds): void {
    this.orders.set(key(subMchid, outTradeNo), ids);
  }

  orderIds(subMchid: string, outTradeNo: string): PartnerOrderIds | undefined {
    return this.orders.get(key(subMchid, outTradeNo));
  }
}

const key = (subMchid: string, outTradeNo: string) => `${subMchid}\u0000${outTradeNo}`;
