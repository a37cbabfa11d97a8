// Kept apart from schemas/payment.ts (zod) so a payment ledger can name the methods without loading zod.
/**
 * How the buyer pays. jsapi: inside WeChat (official-account page); mini_program: WeChat or
 * Alipay mini-program; native: a QR code the buyer scans (WeChat Native, Alipay precreate);
 * h5: a mobile browser outside the wallet app (WeChat H5, Alipay wap); app: a native app SDK;
 * page: a desktop web page (Alipay page pay); barcode: in person, the cashier scans the code the
 * buyer shows (WeChat 付款码支付, Alipay 当面付 bar_code) and the payment happens in the call.
 */
export const PAYMENT_METHODS = ["jsapi", "mini_program", "native", "h5", "app", "page", "barcode"] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
