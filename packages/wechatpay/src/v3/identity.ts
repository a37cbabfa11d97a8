import { SignatureError } from "@paybridge/core/provider-kit";
import { WECHAT_V3_PROVIDER } from "./errors.js";
import type { V3RefundNotice, V3Transaction } from "./wire-types.js";

/** The merchant a notification was routed to, as WeChat names it: 商户号 and the bound appid. */
export interface V3Identity {
  readonly mchid: string;
  readonly appid: string;
}

/**
 * A notification that verifies and decrypts is genuine, but the key that decrypts it (the APIv3
 * key) and the key that signs it (WeChat's) do not say which merchant it is about: a merchant
 * group reusing one APIv3 key, or a service provider, receives resources for several mchids. The
 * decrypted resource names them (payment notification: appid, mchid,
 * https://pay.weixin.qq.com/doc/v3/merchant/4012791861; refund notification: mchid,
 * https://pay.weixin.qq.com/doc/v3/merchant/4012791865), and they must be the merchant's the
 * notification was routed to. Refused as SignatureError: not ours to act on, answered failure.
 */
export function assertTransactionIdentity(t: V3Transaction, identity: V3Identity): void {
  assertMchid(t.mchid, identity, "payment");
  if (t.appid !== identity.appid) {
    throw new SignatureError(
      `wechatpay payment notification is for appid ${t.appid ?? "(none)"}, not ${identity.appid}`,
      { provider: WECHAT_V3_PROVIDER },
    );
  }
}

export function assertRefundIdentity(r: V3RefundNotice, identity: V3Identity): void {
  assertMchid(r.mchid, identity, "refund");
}

function assertMchid(mchid: string | undefined, identity: V3Identity, kind: string): void {
  if (mchid !== identity.mchid) {
    throw new SignatureError(
      `wechatpay ${kind} notification is for mchid ${mchid ?? "(none)"}, not ${identity.mchid}`,
      { provider: WECHAT_V3_PROVIDER },
    );
  }
}
