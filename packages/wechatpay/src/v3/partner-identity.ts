import { SignatureError } from "@paybridge/core/provider-kit";
import { WECHAT_V3_PROVIDER } from "./errors.js";
import type { V3PartnerRefundNotice, V3PartnerTransaction } from "./partner-wire-types.js";

/** The sub-merchant a partner notification was routed to, and its service provider. */
export interface V3PartnerIdentity {
  readonly spMchid: string;
  readonly spAppid: string;
  readonly subMchid: string;
  /** Undefined when the sub-merchant's orders carry no sub_appid: a notification then names none. */
  readonly subAppid: string | undefined;
}

/**
 * A partner notification verifies and decrypts with the service provider's keys, whichever of its
 * sub-merchants it is about: the decrypted resource names the sub-merchant (sp_mchid, sub_mchid,
 * sp_appid, sub_appid: https://pay.weixin.qq.com/docs/partner/apis/partner-h5-payment/payment-notice.html),
 * and it must be the one the notification was routed to. A notification for sub-merchant B
 * delivered to A's route is refused (SignatureError: not ours to act on, answered failure), so it
 * never books B's payment against A.
 */
export function assertPartnerTransactionIdentity(t: V3PartnerTransaction, identity: V3PartnerIdentity): void {
  expect("payment", "sp_mchid", t.sp_mchid, identity.spMchid);
  expect("payment", "sub_mchid", t.sub_mchid, identity.subMchid);
  expect("payment", "sp_appid", t.sp_appid, identity.spAppid);
  expect("payment", "sub_appid", t.sub_appid, identity.subAppid);
}

export function assertPartnerRefundIdentity(r: V3PartnerRefundNotice, identity: V3PartnerIdentity): void {
  expect("refund", "sp_mchid", r.sp_mchid, identity.spMchid);
  expect("refund", "sub_mchid", r.sub_mchid, identity.subMchid);
}

function expect(kind: string, field: string, got: string | undefined, want: string | undefined): void {
  if (got !== want) {
    throw new SignatureError(
      `wechatpay partner ${kind} notification is for ${field} ${got ?? "(none)"}, not ${want ?? "(none)"}`,
      { provider: WECHAT_V3_PROVIDER },
    );
  }
}
