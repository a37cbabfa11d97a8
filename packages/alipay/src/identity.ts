import { SignatureError } from "@paybridge/core/provider-kit";
import { ALIPAY_PROVIDER } from "./errors.js";

/** Who this merchant is on Alipay: the app that signs, and the sellers (PIDs) it sells for. */
export interface AlipayIdentity {
  readonly appId: string;
  readonly sellerIds: readonly string[];
  /**
   * ISV: the authorising merchant's app id. A third-party app's notifications name the merchant it
   * acted for in auth_app_id (异步通知 auth_app_id, https://opendocs.alipay.com/open/203/105286), and
   * one routed to another merchant's account is refused.
   */
  readonly authAppId?: string | undefined;
}

/**
 * A notification that verifies is genuine, but may be about someone else: the notification page
 * (https://opendocs.alipay.com/open/203/105286, 异步通知 商户需要验证的项) requires checking that
 * app_id is this merchant's app and seller_id the seller of the order (one app can serve several
 * sellers). out_trade_no and total_amount are checked against the merchant's own order by the
 * notification intake. Refused as SignatureError: like a bad signature, it is not ours to act on,
 * and the intake answers failure.
 */
export function assertNotificationIdentity(
  fields: { readonly app_id?: string; readonly auth_app_id?: string; readonly seller_id?: string },
  identity: AlipayIdentity,
): void {
  if (fields.app_id !== identity.appId) {
    throw new SignatureError(
      `alipay notification is for app ${fields.app_id ?? "(none)"}, not ${identity.appId}`,
      { provider: ALIPAY_PROVIDER },
    );
  }
  if (identity.authAppId !== undefined && fields.auth_app_id !== identity.authAppId) {
    throw new SignatureError(
      `alipay notification is for authorising app ${fields.auth_app_id ?? "(none)"}, not ${identity.authAppId}`,
      { provider: ALIPAY_PROVIDER },
    );
  }
  if (!fields.seller_id || !identity.sellerIds.includes(fields.seller_id)) {
    throw new SignatureError(
      `alipay notification is for seller ${fields.seller_id ?? "(none)"}, not ${identity.sellerIds.join(" / ")}`,
      { provider: ALIPAY_PROVIDER },
    );
  }
}
