// Chinese first, English on request; the choice is kept in localStorage. Strings only: views
// put them in with textContent.
const STRINGS = {
  zh: {
    switchTo: "English",
    shopTitle: "PayBridge 示例商店",
    product: "商品",
    description: "订单描述",
    amountYuan: "金额（元）",
    checkout: "去结算",
    cashierTitle: "收银台",
    payAmount: "需支付",
    orderNo: "订单号",
    remaining: "剩余支付时间",
    expired: "已超过支付时间",
    scanWechat: "请使用微信扫一扫",
    scanAlipay: "请使用支付宝扫一扫",
    wechatpay: "微信支付",
    alipay: "支付宝",
    payWithin: "在微信内支付",
    payInAlipay: "在支付宝内支付",
    openApp: "打开 App 付款",
    payNow: "立即支付",
    sandboxPay: "沙箱：模拟付款",
    sandboxFail: "沙箱：模拟支付失败",
    sandboxNote: "沙箱模式：付款由本机模拟器完成，不会扣真实款项。",
    cancel: "取消订单",
    paid: "支付成功",
    failed: "支付失败",
    closed: "订单已关闭",
    paidText: "感谢您的购买，商家已收到付款。",
    failedText: "这次付款没有成功，款项未被扣除。请返回商店重新下单。",
    closedText: "订单已取消或超时未支付，不会扣款。",
    backToShop: "返回商店",
    consoleTitle: "商户后台 · 订单与退款",
    orders: "订单",
    noOrders: "还没有订单。在商店下单后，这里会实时显示。",
    live: "实时更新",
    offline: "连接中断，正在重连…",
    refundable: "可退",
    refundAmount: "退款金额（元）",
    requestRefund: "申请退款",
    approve: "同意",
    reject: "拒绝",
    submitAgain: "重新提交",
    dismiss: "关闭",
    lastError: "上次提交未成功，可重新提交：",
    refunds: "退款",
    unauthorized: "请使用启动时终端里打印的控制台链接打开商户后台。",
  },
  en: {
    switchTo: "中文",
    shopTitle: "PayBridge demo shop",
    product: "Product",
    description: "Order description",
    amountYuan: "Amount (yuan)",
    checkout: "Checkout",
    cashierTitle: "Cashier",
    payAmount: "Amount to pay",
    orderNo: "Order no.",
    remaining: "Time left to pay",
    expired: "The time to pay has run out",
    scanWechat: "Scan with WeChat",
    scanAlipay: "Scan with Alipay",
    wechatpay: "WeChat Pay",
    alipay: "Alipay",
    payWithin: "Pay inside WeChat",
    payInAlipay: "Pay inside Alipay",
    openApp: "Open the app to pay",
    payNow: "Pay now",
    sandboxPay: "Sandbox: pay",
    sandboxFail: "Sandbox: make it fail",
    sandboxNote: "Sandbox mode: local simulators take the payment; no real money moves.",
    cancel: "Cancel order",
    paid: "Payment successful",
    failed: "Payment failed",
    closed: "Order closed",
    paidText: "Thank you. The shop has received your payment.",
    failedText: "This payment did not go through and nothing was charged. Please order again.",
    closedText: "The order was cancelled or not paid in time. Nothing was charged.",
    backToShop: "Back to the shop",
    consoleTitle: "Merchant console · orders and refunds",
    orders: "Orders",
    noOrders: "No orders yet. Orders placed in the shop appear here as they happen.",
    live: "Live",
    offline: "Connection lost, reconnecting…",
    refundable: "Refundable",
    refundAmount: "Refund amount (yuan)",
    requestRefund: "Request refund",
    approve: "Approve",
    reject: "Reject",
    submitAgain: "Submit again",
    dismiss: "Dismiss",
    lastError: "The last submission failed; you can submit again:",
    refunds: "Refunds",
    unauthorized: "Open the merchant console with the link printed in the terminal at start-up.",
  },
};

const listeners = [];
let lang = localStorage.getItem("paybridge-lang") === "en" ? "en" : "zh";

export const currentLang = () => lang;
export const t = (key) => STRINGS[lang][key] ?? key;

/** Fills every [data-i18n] element of the page, and calls the views back to redraw their words. */
export function applyLang() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const fn of listeners) fn(lang);
}

export function onLangChange(fn) {
  listeners.push(fn);
}

/** Wires the top bar's language button. */
export function langToggle(button) {
  button.addEventListener("click", () => {
    lang = lang === "zh" ? "en" : "zh";
    localStorage.setItem("paybridge-lang", lang);
    applyLang();
  });
}
