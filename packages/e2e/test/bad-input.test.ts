import { generateKeyPairSync } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { AlipayProvider } from "@paybridge/alipay";
import {
  addMoney,
  assertFen,
  cny,
  createPayBridgeContainer,
  fenToYuan,
  MemoryPaymentLedger,
  MemoryRefundLedger,
  money,
  NotificationIntake,
  type PaymentGateway,
  RefundService,
  RefundState,
  registerMerchant,
  registerProvider,
  resolveGateway,
  subtractMoney,
  ValidationError,
  yuanToFen,
} from "@paybridge/core";
import { expressNotifications } from "@paybridge/core/express";
import { fastifyNotifications } from "@paybridge/core/fastify";
import { CliUsageError, parseCliArgs } from "@paybridge/sandbox";
import { WechatCloudPayProvider, WechatPayProvider } from "@paybridge/wechatpay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * The bad-input table: every public entry point refuses bad input with an error that names the
 * field and the rule, before any call leaves the process (a counting server stands where WeChat
 * and Alipay would be, and a counting cloudPay object where CloudPay would be) and before any
 * ledger is written.
 */

const rsa = () =>
  generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
const merchantKeys = rsa();
const wechatPayKeys = rsa();
const alipayKeys = rsa();
const appKeys = rsa();

let requests = 0;
let cloudCalls = 0;
const counting = createServer((_req, res) => {
  requests += 1;
  res.writeHead(500).end();
});
let origin = "";

const cloudPay = Object.fromEntries(
  ["unifiedOrder", "queryOrder", "closeOrder", "refund", "queryRefund", "downloadBill"].map((m) => [
    m,
    async () => {
      cloudCalls += 1;
      throw new Error(`cloudPay.${m}:fail counting fake`);
    },
  ]),
);

const wechatConfig = () => ({
  mchid: "1900000001",
  appid: "wx8888888888888888",
  merchantSerialNo: "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C",
  privateKey: merchantKeys.privateKey,
  apiV3Key: "0123456789abcdef0123456789abcdef",
  keyMode: {
    type: "public_key",
    publicKeyId: "PUB_KEY_ID_0119000000012026",
    publicKey: wechatPayKeys.publicKey,
  },
  origin,
});
const alipayConfig = () => ({
  appId: "2021000149617001",
  sellerId: "2088721000218841",
  privateKey: appKeys.privateKey,
  keyMode: { type: "public_key", alipayPublicKey: alipayKeys.publicKey },
  gateway: `${origin}/gateway.do`,
  endpoint: origin,
});
const cloudConfig = () => ({ subMchId: "1900000109", envId: "env-1", functionName: "paycallback", cloudPay });

let gateway: PaymentGateway;
let payments: MemoryPaymentLedger;
let ledger: MemoryRefundLedger;
let service: RefundService;
let intake: NotificationIntake;
const RECORDED = "BADINPUT0001";

beforeAll(async () => {
  await new Promise<void>((resolve) => counting.listen(0, "127.0.0.1", () => resolve()));
  origin = `http://127.0.0.1:${(counting.address() as AddressInfo).port}`;
  payments = new MemoryPaymentLedger();
  ledger = new MemoryRefundLedger();
  const container = createPayBridgeContainer({ payments });
  for (const cls of [WechatPayProvider, AlipayProvider, WechatCloudPayProvider])
    registerProvider(container, cls);
  registerMerchant(container, { id: "wx", provider: "wechatpay", config: wechatConfig() });
  registerMerchant(container, { id: "ali", provider: "alipay", config: alipayConfig() });
  registerMerchant(container, { id: "cloud", provider: "wechatpay-cloud", config: cloudConfig() });
  gateway = resolveGateway(container);
  service = new RefundService({ gateway, ledger });
  intake = new NotificationIntake({ gateway, ledger });
  // One recorded, paid order per merchant, for the refund service cases.
  for (const merchantId of ["wx", "ali", "cloud"]) {
    await service.recordOrder({
      outTradeNo: `${RECORDED}${merchantId}`,
      merchantId,
      total: cny(1000),
      paidAt: new Date(),
    });
  }
});
afterAll(() => new Promise<void>((resolve) => counting.close(() => resolve())));

async function snapshot(): Promise<string> {
  const window = { from: new Date(0), to: new Date(Date.now() + 86_400_000 * 366) };
  const all = Object.values(RefundState).filter((v): v is RefundState => typeof v === "number");
  return JSON.stringify({
    payments: await Promise.all(
      ["wx", "ali", "cloud"].map((m) => payments.listPayments({ merchantId: m, ...window })),
    ),
    refunds: await ledger.listByState(all, 10_000),
    orders: await Promise.all(["wx", "ali", "cloud", "new"].map((m) => ledger.getOrder(`${RECORDED}${m}`))),
  });
}

interface Case {
  readonly area: string;
  readonly field: string;
  readonly rule: RegExp;
  readonly run: () => unknown;
}
const cases: Case[] = [];
const add = (area: string, field: string, rule: RegExp, run: () => unknown) =>
  cases.push({ area, field, rule, run });

const wx = () => gateway.forMerchant("wx");
const ali = () => gateway.forMerchant("ali");
const cloud = () => gateway.forMerchant("cloud");
let n = 0;
const no = () => {
  n += 1;
  return `BAD${Date.now().toString(36)}${n}`;
};
const wxPay = (patch: Record<string, unknown>) => ({
  outTradeNo: no(),
  description: "bad input",
  amount: cny(100),
  method: "native",
  notifyUrl: "https://shop.example.com/notify/wx",
  ...patch,
});
const aliPay = (patch: Record<string, unknown>) =>
  wxPay({ notifyUrl: "https://shop.example.com/notify/ali", ...patch });
const cloudPayment = (patch: Record<string, unknown>) =>
  wxPay({ method: "mini_program", payer: { openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" }, ...patch });
const refundOf = (patch: Record<string, unknown>) => ({
  outTradeNo: "ORDER2026120201",
  outRefundNo: "ORDER2026120201R1",
  amount: cny(100),
  total: cny(1000),
  ...patch,
});

// ------------------------------------------------------------------ createPayment, WeChat APIv3
const wxCreate: [string, RegExp, Record<string, unknown>][] = [
  ["payment.outTradeNo", /6-32 characters/, { outTradeNo: "12345" }],
  ["payment.outTradeNo", /6-32 characters/, { outTradeNo: "A".repeat(33) }],
  ["payment.outTradeNo", /1-64 characters/, { outTradeNo: "ORDER 1234" }],
  ["payment.outTradeNo", /1-64 characters/, { outTradeNo: "订单123456" }],
  ["payment.outTradeNo", /1-64 characters/, { outTradeNo: "ORDER#123456" }],
  ["payment.outTradeNo", /must be a string/, { outTradeNo: 123456 }],
  ["payment.description", /must not be empty/, { description: "" }],
  ["payment.description", /at most 127 characters/, { description: "x".repeat(128) }],
  ["payment.description", /4-byte UTF-8/, { description: "咖啡☕️🍰" }],
  ["payment.description", /4-byte UTF-8/, { description: "𠀀 rare ideograph" }],
  ["payment.description", /must be a string/, { description: 42 }],
  ["payment.amount.fen", /not a fraction/, { amount: { fen: 10.5, currency: "CNY" } }],
  ["payment.amount.fen", /at least 1 fen/, { amount: { fen: 0, currency: "CNY" } }],
  ["payment.amount.fen", /must not be negative/, { amount: { fen: -1, currency: "CNY" } }],
  ["payment.amount.fen", /integer number of fen/, { amount: { fen: "100", currency: "CNY" } }],
  ["payment.amount.fen", /MAX_SAFE_INTEGER/, { amount: { fen: 2 ** 53, currency: "CNY" } }],
  ["payment.amount.currency", /must be one of CNY/, { amount: { fen: 100, currency: "USD" } }],
  ["payment.amount", /expected object|Invalid input/, { amount: 100 }],
  ["payment.method", /must be one of jsapi/, { method: "cash" }],
  ["payment.method", /Alipay method/, { method: "page" }],
  ["payment.notifyUrl", /must be https/, { notifyUrl: "http://shop.example.com/notify" }],
  ["payment.notifyUrl", /allowLoopbackHttpNotify/, { notifyUrl: "http://127.0.0.1:9/notify" }],
  ["payment.notifyUrl", /query string/, { notifyUrl: "https://shop.example.com/notify?merchant=wx" }],
  ["payment.notifyUrl", /query string/, { notifyUrl: "https://shop.example.com/notify?" }],
  ["payment.notifyUrl", /fragment/, { notifyUrl: "https://shop.example.com/notify#wx" }],
  ["payment.notifyUrl", /at most 256/, { notifyUrl: `https://shop.example.com/${"n".repeat(240)}` }],
  ["payment.notifyUrl", /absolute URL/, { notifyUrl: "/notify/wx" }],
  ["payment.notifyUrl", /http or https/, { notifyUrl: "ftp://shop.example.com/notify" }],
  [
    "payment.returnUrl",
    /must be https/,
    { method: "h5", payer: { clientIp: "1.2.3.4" }, returnUrl: "http://x.example.com/r" },
  ],
  ["payment.payer", /is required for method jsapi/, { method: "jsapi" }],
  [
    "payment.payer.openid",
    /required for WeChat jsapi/,
    { method: "jsapi", payer: { buyerId: "2088000000000001" } },
  ],
  ["payment.payer.clientIp", /is required for method h5/, { method: "h5" }],
  ["payment.expiresAt", /must be a Date/, { expiresAt: "2026-12-31" }],
  ["payment.attach", /at most 128 characters/, { attach: "a".repeat(129) }],
  ["payment.attach", /4-byte UTF-8/, { attach: "🎁" }],
  ["payment", /Unrecognized key/, { extra: 1 }],
];
for (const [field, rule, patch] of wxCreate)
  add("createPayment wechatpay", field, rule, () => wx().createPayment(wxPay(patch) as never));

// ------------------------------------------------------------------ createPayment, Alipay
const aliCreate: [string, RegExp, Record<string, unknown>][] = [
  [
    "payment.outTradeNo",
    /1-64 characters of digits, letters and _ \(Alipay/,
    { outTradeNo: "ORDER-2026-1201" },
  ],
  ["payment.outTradeNo", /1-64 characters of digits, letters and _ \(Alipay/, { outTradeNo: "ORDER|1" }],
  ["payment.outTradeNo", /1-64 characters/, { outTradeNo: "A".repeat(65) }],
  ["payment.outTradeNo", /1-64 characters/, { outTradeNo: "" }],
  ["payment.description", /at most 256 characters/, { description: "商".repeat(257) }],
  ["payment.amount.fen", /at most 10000000000 fen/, { amount: cny(10_000_000_001) }],
  ["payment.amount.fen", /not a fraction/, { amount: { fen: 0.5, currency: "CNY" } }],
  [
    "payment.notifyUrl",
    /at most 256 characters/,
    { notifyUrl: `https://shop.example.com/${"n".repeat(240)}` },
  ],
  ["payment.notifyUrl", /http or https/, { notifyUrl: "ftp://shop.example.com/notify" }],
  [
    "payment.returnUrl",
    /at most 256 characters/,
    { method: "page", returnUrl: `https://shop.example.com/${"r".repeat(240)}` },
  ],
  ["payment.attach", /512 characters once URL-encoded/, { attach: "附".repeat(60) }],
  ["payment.method", /WeChat method/, { method: "jsapi", payer: { openid: "o1" } }],
  [
    "payment.payer.buyerId",
    /required for Alipay mini_program/,
    { method: "mini_program", payer: { openid: "o1" } },
  ],
  ["payment", /Unrecognized key/, { seller_id: "2088" }],
];
for (const [field, rule, patch] of aliCreate)
  add("createPayment alipay", field, rule, () => ali().createPayment(aliPay(patch) as never));

// ------------------------------------------------------------------ createPayment, CloudPay
const cloudCreate: [string, RegExp, Record<string, unknown>][] = [
  ["payment.outTradeNo", /1-32 characters .*CloudPay/, { outTradeNo: "A".repeat(33) }],
  ["payment.description", /at most 128 characters/, { description: "x".repeat(129) }],
  ["payment.method", /CloudPay supports mini_program/, { method: "native" }],
  ["payment.payer.openid", /required by CloudPay/, { payer: { buyerId: "2088000000000001" } }],
  ["payment.amount.currency", /must be one of CNY/, { amount: { fen: 1, currency: "HKD" } }],
];
for (const [field, rule, patch] of cloudCreate)
  add("createPayment cloudpay", field, rule, () => cloud().createPayment(cloudPayment(patch) as never));

// ------------------------------------------------------------------ refund, each provider directly
const anyRefund: [string, RegExp, Record<string, unknown>][] = [
  ["refund.outRefundNo", /1-64 characters of digits, letters and _-\|@/, { outRefundNo: "R 1" }],
  ["refund.outRefundNo", /1-64 characters/, { outRefundNo: "9".repeat(65) }],
  ["refund.outRefundNo", /1-64 characters/, { outRefundNo: "退款1" }],
  ["refund.amount.fen", /at least 1 fen/, { amount: cny(0) }],
  ["refund.amount.fen", /must not exceed the order total/, { amount: cny(1001) }],
  ["refund.total.fen", /not a fraction/, { total: { fen: 99.5, currency: "CNY" } }],
  ["refund.reason", /at most 256 characters/, { reason: "r".repeat(257) }],
  ["refund.fundsAccount", /AVAILABLE|Invalid option/, { fundsAccount: "BASIC" }],
  ["refund.from", /add up to amount.fen/, { from: [{ account: "AVAILABLE", fen: 1 }] }],
  ["refund", /Unrecognized key/, { refundFee: 1 }],
];
for (const [label, provider] of [
  ["wechatpay", wx],
  ["alipay", ali],
  ["cloudpay", cloud],
] as const) {
  for (const [field, rule, patch] of anyRefund)
    add(`refund ${label}`, field, rule, () => provider().refund(refundOf(patch) as never));
}
const providerRefund: [string, () => ReturnType<typeof wx>, string, RegExp, Record<string, unknown>][] = [
  ["wechatpay", wx, "refund.reason", /at most 80 bytes/, { reason: "退".repeat(27) }],
  ["wechatpay", wx, "refund.reason", /4-byte UTF-8/, { reason: "😀" }],
  ["wechatpay", wx, "refund.notifyUrl", /query string/, { notifyUrl: "https://shop.example.com/refund?x=1" }],
  ["wechatpay", wx, "refund.notifyUrl", /must be https/, { notifyUrl: "http://shop.example.com/refund" }],
  ["wechatpay", wx, "refund.outTradeNo", /6-32 characters/, { outTradeNo: "ORD1" }],
  [
    "alipay",
    ali,
    "refund.amount.fen",
    /at most 10000000000 fen/,
    { amount: cny(10_000_000_001), total: cny(10_000_000_001) },
  ],
  ["alipay", ali, "refund.outTradeNo", /digits, letters and _ \(Alipay/, { outTradeNo: "ORDER-1" }],
  [
    "alipay",
    ali,
    "refund.goodsDetail",
    /WeChat Pay field/,
    { goodsDetail: [{ merchantGoodsId: "g", unitPriceFen: 1, refundFen: 1, refundQuantity: 1 }] },
  ],
  ["alipay", ali, "refund.fundsAccount", /WeChat Pay field/, { fundsAccount: "AVAILABLE" }],
  ["cloudpay", cloud, "refund.from", /no amount.from/, { from: [{ account: "AVAILABLE", fen: 100 }] }],
  [
    "cloudpay",
    cloud,
    "refund.goodsDetail",
    /no goods_detail/,
    { goodsDetail: [{ merchantGoodsId: "g", unitPriceFen: 1, refundFen: 1, refundQuantity: 1 }] },
  ],
  ["cloudpay", cloud, "refund.reason", /at most 80 bytes/, { reason: "退".repeat(27) }],
];
for (const [label, provider, field, rule, patch] of providerRefund)
  add(`refund ${label}`, field, rule, () => provider().refund(refundOf(patch) as never));

// ------------------------------------------------------------------ refund through the service
const serviceRefund: [string, string, RegExp, Record<string, unknown>][] = [
  ["wx", "refund.outRefundNo", /1-64 characters/, { outRefundNo: "R 1" }],
  ["wx", "refund.amount.fen", /at least 1 fen/, { amount: cny(0) }],
  ["wx", "refund.amount.fen", /not a fraction/, { amount: { fen: 1.5, currency: "CNY" } }],
  ["wx", "refund.amount.currency", /must be one of CNY/, { amount: { fen: 1, currency: "EUR" } }],
  ["wx", "refund.reason", /at most 80 bytes/, { reason: "退".repeat(27) }],
  ["wx", "refund.reason", /4-byte UTF-8/, { reason: "🙏" }],
  ["wx", "refund.outTradeNo", /1-64 characters/, { outTradeNo: "BAD ORDER" }],
  ["ali", "refund.reason", /at most 256 characters/, { reason: "r".repeat(257) }],
  ["ali", "refund", /Unrecognized key/, { total: cny(1000) }],
  ["cloud", "refund.reason", /at most 80 bytes/, { reason: "退".repeat(27) }],
];
for (const [merchant, field, rule, patch] of serviceRefund) {
  add(`RefundService.refund ${merchant}`, field, rule, () =>
    service.refund({
      outTradeNo: `${RECORDED}${merchant}`,
      outRefundNo: `${RECORDED}${merchant}R1`,
      amount: cny(100),
      ...patch,
    } as never),
  );
}
add("RefundService.request wx", "refund.reason", /at most 80 bytes/, () =>
  service.request({
    outTradeNo: `${RECORDED}wx`,
    outRefundNo: `${RECORDED}wxR2`,
    amount: cny(1),
    reason: "退".repeat(27),
  }),
);
add(
  "RefundService options",
  "notifyUrl",
  /http or https/,
  () => new RefundService({ gateway, notifyUrl: "mailto:x@example.com" }),
);
add(
  "RefundService options",
  "notifyUrl",
  /absolute URL/,
  () => new RefundService({ gateway, notifyUrl: "/refund-notify" }),
);

// ------------------------------------------------------------------ queries, close, listRefunds
for (const [label, provider, shortRule] of [
  ["wechatpay", wx, /6-32 characters/],
  ["alipay", ali, /digits, letters and _ \(Alipay/],
  ["cloudpay", cloud, /1-32 characters/],
] as const) {
  const bad = label === "alipay" ? "ORDER-1" : label === "wechatpay" ? "ORD1" : "A".repeat(33);
  add(`queryPayment ${label}`, "query.outTradeNo", shortRule, () =>
    provider().queryPayment({ outTradeNo: bad }),
  );
  add(`queryPayment ${label}`, "query", /must give outTradeNo or providerTradeNo/, () =>
    provider().queryPayment({} as never),
  );
  add(`queryPayment ${label}`, "query", /must give outTradeNo or providerTradeNo/, () =>
    provider().queryPayment({ outTradeNo: "ORDER123456", providerTradeNo: "42000" } as never),
  );
  add(`queryPayment ${label}`, "query.providerTradeNo", />=1 characters/, () =>
    provider().queryPayment({ providerTradeNo: "" }),
  );
  add(`closePayment ${label}`, "close.outTradeNo", shortRule, () =>
    provider().closePayment({ outTradeNo: bad }),
  );
  add(`closePayment ${label}`, "close.outTradeNo", /1-64 characters/, () =>
    provider().closePayment({ outTradeNo: "x y" }),
  );
  add(`closePayment ${label}`, "close", /Unrecognized key/, () =>
    provider().closePayment({ outTradeNo: "ORDER123456", force: true } as never),
  );
  add(`queryRefund ${label}`, "refundQuery.outRefundNo", /1-64 characters/, () =>
    provider().queryRefund({ outTradeNo: "ORDER123456", outRefundNo: "R 1" }),
  );
  add(`queryRefund ${label}`, "refundQuery.outRefundNo", /expected string|must be a string/, () =>
    provider().queryRefund({ outTradeNo: "ORDER123456" } as never),
  );
  add(`queryRefund ${label}`, "refundQuery.outTradeNo", shortRule, () =>
    provider().queryRefund({ outTradeNo: bad, outRefundNo: "R1" }),
  );
  add(`listRefunds ${label}`, "listRefunds.outTradeNo", shortRule, () =>
    provider().listRefunds({ outTradeNo: bad }),
  );
  add(`listRefunds ${label}`, "listRefunds.outTradeNo", /1-64 characters/, () =>
    provider().listRefunds({ outTradeNo: "" }),
  );
}

// ------------------------------------------------------------------ recordOrder (the checks main has)
add("recordOrder", "order.total.fen", /integer number of fen/, () =>
  service.recordOrder({
    outTradeNo: `${RECORDED}new`,
    merchantId: "wx",
    total: { fen: 9.99, currency: "CNY" },
    paidAt: new Date(),
  }),
);
add("recordOrder", "order.total.fen", /must not be negative/, () =>
  service.recordOrder({
    outTradeNo: `${RECORDED}new`,
    merchantId: "wx",
    total: { fen: -1, currency: "CNY" },
    paidAt: new Date(),
  }),
);
add("recordOrder", "order.total.currency", /must be one of CNY/, () =>
  service.recordOrder({
    outTradeNo: `${RECORDED}new`,
    merchantId: "wx",
    total: { fen: 1, currency: "USD" as never },
    paidAt: new Date(),
  }),
);
add("recordOrder", "order.paid.fen", /integer number of fen/, () =>
  service.recordOrder({
    outTradeNo: `${RECORDED}new`,
    merchantId: "wx",
    total: cny(10),
    paid: { fen: 0.1, currency: "CNY" },
    paidAt: new Date(),
  }),
);
add("recordOrder", "order.total.fen", /MAX_SAFE_INTEGER/, () =>
  service.recordOrder({
    outTradeNo: `${RECORDED}new`,
    merchantId: "ali",
    total: { fen: 2 ** 60, currency: "CNY" },
    paidAt: new Date(),
  }),
);

// ------------------------------------------------------------------ merchant configurations
const addMerchant = (id: string, provider: string, config: () => unknown) => () => {
  const container = createPayBridgeContainer();
  for (const cls of [WechatPayProvider, AlipayProvider, WechatCloudPayProvider])
    registerProvider(container, cls);
  registerMerchant(container, { id, provider, config: config() });
  return resolveGateway(container);
};
const wxConfigCases: [string, RegExp, Record<string, unknown>][] = [
  ["mchid", /numeric merchant id/, { mchid: "19000abc" }],
  ["appid", /appid bound to the merchant/, { appid: "wx1" }],
  ["merchantSerialNo", /hex certificate serial/, { merchantSerialNo: "not-hex!" }],
  ["apiV3Key", /exactly 32 characters/, { apiV3Key: "short" }],
  ["notifyUrl", /query string/, { notifyUrl: "https://shop.example.com/refund?m=wx" }],
  ["notifyUrl", /must be https/, { notifyUrl: "http://shop.example.com/refund" }],
  ["notifyUrl", /allowLoopbackHttpNotify/, { notifyUrl: "http://127.0.0.1:8080/refund" }],
  ["notifyUrl", /at most 256/, { notifyUrl: `https://shop.example.com/${"n".repeat(240)}` }],
  ["origin", /https origin without a path/, { origin: "https://api.mch.weixin.qq.com/v3" }],
  ["timeoutMs", /Too small|greater than 0|>0/, { timeoutMs: 0 }],
  ["allowLoopbackHttpNotify", /must be true or false/, { allowLoopbackHttpNotify: "yes" }],
  [
    "keyMode.publicKeyId",
    /PUB_KEY_ID_/,
    { keyMode: { type: "public_key", publicKeyId: "0119", publicKey: wechatPayKeys.publicKey } },
  ],
];
for (const [field, rule, patch] of wxConfigCases) {
  add(
    "merchant config wechatpay",
    `merchants.w1.config.${field}`,
    rule,
    addMerchant("w1", "wechatpay", () => ({ ...wechatConfig(), ...patch })),
  );
}
const aliConfigCases: [string, RegExp, Record<string, unknown>][] = [
  ["appId", /Alipay app id/, { appId: "app-1" }],
  ["sellerId", /2088 and 12 digits/, { sellerId: "1234" }],
  ["gateway", /must be https/, { gateway: "http://openapi.example.com/gateway.do" }],
  ["refundWindowDays", /must be positive/, { refundWindowDays: 0 }],
  ["pageAction", /redirect|Invalid option/, { pageAction: "popup" }],
  ["timeoutMs", /Too big|less than or equal|<=120000/, { timeoutMs: 600_000 }],
];
for (const [field, rule, patch] of aliConfigCases) {
  add(
    "merchant config alipay",
    `merchants.a1.config.${field}`,
    rule,
    addMerchant("a1", "alipay", () => ({ ...alipayConfig(), ...patch })),
  );
}
const cloudConfigCases: [string, RegExp, Record<string, unknown>][] = [
  ["subMchId", /digits of the WeChat Pay sub_mch_id/, { subMchId: "sub-1" }],
  ["envId", /must not be empty/, { envId: "" }],
  ["functionName", /must not be empty/, { functionName: "" }],
  ["cloudPay", /must be wx-server-sdk's cloud.cloudPay/, { cloudPay: { unifiedOrder: () => 1 } }],
];
for (const [field, rule, patch] of cloudConfigCases) {
  add(
    "merchant config cloudpay",
    `merchants.c1.config.${field}`,
    rule,
    addMerchant("c1", "wechatpay-cloud", () => ({ ...cloudConfig(), ...patch })),
  );
}

// ------------------------------------------------------------------ Money helpers
add("money", "amount.fen", /integer number of fen/, () => money(1.5));
add("money", "amount.fen", /must not be negative/, () => money(-1));
add("money", "refund.fen", /MAX_SAFE_INTEGER/, () => money(2 ** 53, "CNY", "refund"));
add("money", "amount.currency", /must be one of CNY/, () => money(1, "JPY" as never));
add("yuanToFen", "total_amount", /at most two decimals/, () => yuanToFen("0.001", "total_amount"));
add("yuanToFen", "total_amount", /at most two decimals/, () => yuanToFen("-1.00", "total_amount"));
add("yuanToFen", "total_amount", /at most two decimals/, () => yuanToFen("1e3", "total_amount"));
add("yuanToFen", "total_amount", /at most two decimals/, () => yuanToFen(" 1.00", "total_amount"));
add("fenToYuan", "refund_amount", /integer number of fen/, () => fenToYuan(0.5, "refund_amount"));
add("assertFen", "fen", /integer number of fen/, () => assertFen(Number.NaN));
add("subtractMoney", "amount", /cannot subtract/, () => subtractMoney(cny(1), cny(2)));
add("addMoney", "amount.fen", /MAX_SAFE_INTEGER/, () => addMoney(cny(Number.MAX_SAFE_INTEGER), cny(1)));

// ------------------------------------------------------------------ adapters
for (const [label, make] of [
  ["expressNotifications", (limit: number) => expressNotifications(intake, { bodyLimit: limit })],
  ["fastifyNotifications", (limit: number) => fastifyNotifications(intake, { bodyLimit: limit })],
] as const) {
  for (const limit of [0, -1, 1.5, Number.NaN]) {
    add(`adapter ${label}`, `${label}.bodyLimit`, /positive whole number of bytes/, () => make(limit));
  }
}

// ------------------------------------------------------------------ the sandbox CLI
const cli: [string[], string, RegExp][] = [
  [["--wechat=65536"], "--wechat", /port must be an integer from 0 to 65535/],
  [["--wechat=80a"], "--wechat", /port must be/],
  [["--alipay-mode", "cert"], "--alipay-mode", /must be one of public_key, certificate/],
  [["--wechat-mode", "rsa"], "--wechat-mode", /must be one of platform_certificate/],
  [["--host", "0.0.0.0"], "--host", /not a loopback address/],
  [["--keys-dir="], "--keys-dir", /needs a directory/],
  [["--json=yes"], "--json", /takes no value/],
  [["--port=1"], "--port", /unknown option/],
];
for (const [argv, flag, rule] of cli)
  add("sandbox CLI", flag, rule, () => parseCliArgs(argv, (p) => `/abs/${p}`));

describe("the bad-input table", () => {
  it("has at least 150 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
  });

  it.each(cases.map((c, i) => [`${i + 1} ${c.area}: ${c.field} ${c.rule.source}`, c] as const))(
    "%s",
    async (_name, c) => {
      const before = await snapshot();
      const sent = requests + cloudCalls;
      let error: unknown;
      try {
        await c.run();
      } catch (caught) {
        error = caught;
      }
      expect(error, "expected a rejection").toBeInstanceOf(Error);
      const e = error as Error & { field?: string; flag?: string };
      // The error names the field and the rule.
      expect(e.message).toContain(c.field);
      expect(e.message).toMatch(c.rule);
      if (e instanceof ValidationError) expect(e.field).toBe(c.field);
      if (e instanceof CliUsageError) expect(e.flag).toBe(c.field);
      // Nothing left the process, nothing was written.
      expect(requests + cloudCalls).toBe(sent);
      expect(await snapshot()).toBe(before);
    },
  );

  it("the counting server did count: a valid call reaches it", async () => {
    const before = requests;
    await wx()
      .queryPayment({ outTradeNo: "ORDER123456" })
      .catch(() => undefined);
    expect(requests).toBeGreaterThan(before);
  });
});
