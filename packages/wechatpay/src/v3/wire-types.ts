/**
 * APIv3 wire shapes PayBridge reads. Transaction: https://pay.weixin.qq.com/doc/v3/merchant/4013070356;
 * refund: https://pay.weixin.qq.com/doc/v3/merchant/4012556457; notifications: https://pay.weixin.qq.com/doc/v3/merchant/4012791861 and
 * https://pay.weixin.qq.com/doc/v3/merchant/4012791865.
 */
export interface V3Transaction {
  appid?: string;
  mchid?: string;
  out_trade_no: string;
  transaction_id?: string;
  trade_type?: string;
  trade_state: string;
  trade_state_desc?: string;
  bank_type?: string;
  attach?: string;
  success_time?: string;
  payer?: { openid?: string };
  amount?: { total?: number; payer_total?: number; currency?: string; payer_currency?: string };
  /** Coupons and discounts (优惠功能), present only when the buyer used one. */
  promotion_detail?: {
    coupon_id?: string;
    type?: string;
    amount?: number;
    wechatpay_contribute?: number;
    merchant_contribute?: number;
    other_contribute?: number;
  }[];
}

export interface V3Refund {
  refund_id: string;
  out_refund_no: string;
  transaction_id?: string;
  out_trade_no: string;
  channel?: string;
  user_received_account?: string;
  success_time?: string;
  create_time?: string;
  status: string;
  funds_account?: string;
  amount: {
    total: number;
    refund: number;
    payer_total?: number;
    payer_refund?: number;
    settlement_refund?: number;
    settlement_total?: number;
    discount_refund?: number;
    currency?: string;
  };
}

/** The decrypted resource of REFUND.* notifications: the status is refund_status there. */
export interface V3RefundNotice {
  mchid?: string;
  out_trade_no: string;
  transaction_id?: string;
  out_refund_no: string;
  refund_id: string;
  refund_status: string;
  success_time?: string;
  user_received_account?: string;
  amount: { total: number; refund: number; payer_total?: number; payer_refund?: number };
}

export interface V3Notification {
  id: string;
  create_time?: string;
  event_type: string;
  resource_type?: string;
  summary?: string;
  resource: {
    algorithm: string;
    ciphertext: string;
    associated_data?: string;
    original_type?: string;
    nonce: string;
  };
}

export interface V3ErrorBody {
  code: string;
  message: string;
}

/**
 * 付款码支付 answer (https://pay.weixin.qq.com/docs/merchant/apis/code-payment-v3/direct/code-pay.html):
 * the transaction once paid; trade_state USERPAYING alone while the buyer enters a password.
 */
export type V3CodePayAnswer = V3Transaction | { trade_state: "USERPAYING" };

/** 撤销 answer (https://pay.weixin.qq.com/docs/merchant/apis/code-payment-v3/direct/reverse.html). */
export interface V3ReverseAnswer {
  appid?: string;
  mchid?: string;
  out_trade_no?: string;
}
