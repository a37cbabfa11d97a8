// The configuration examples of docs/providers/wechatpay.md ("Migrating from platform certificates to
// the WeChat Pay public key"). Each region is copied verbatim into the guide (a test checks it), and
// this file is compiled by `pnpm run typecheck`, so the guide's examples always type-check.
import type { WechatPayV3ConfigInput } from "@paybridge/wechatpay";

// #region merchant
// What stays the same through the migration. Keys come from where you keep them: PEM text, a
// Buffer, { file: "/path/to/key.pem" } or { env: "VARIABLE" }.
const merchant = {
  mchid: "1900000001",
  appid: "wx8888888888888888",
  merchantSerialNo: "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C",
  privateKey: { env: "WECHATPAY_PRIVATE_KEY" }, // apiclient_key.pem
  apiV3Key: { env: "WECHATPAY_APIV3_KEY" },
} as const;
// #endregion merchant

// #region step-0
// Step 0, before the migration: platform certificates only.
export const beforeMigration: WechatPayV3ConfigInput = {
  ...merchant,
  keyMode: { type: "platform_certificate" },
};
// #endregion step-0

// #region step-2
// Step 2, deployed before the switch is started: certificates and the public key at once.
export const duringSwitch: WechatPayV3ConfigInput = {
  ...merchant,
  keyMode: {
    type: "combined",
    publicKeyId: "PUB_KEY_ID_0114232134912410000000000000",
    publicKey: { env: "WECHATPAY_PUBLIC_KEY" }, // pub_key.pem
    requestSerial: "public_key", // the default: answers and sensitive fields use the public key
  },
};
// #endregion step-2

// #region step-4
// Step 4, once every notification and answer is signed with the public key: certificates retired.
export const afterMigration: WechatPayV3ConfigInput = {
  ...merchant,
  keyMode: {
    type: "public_key",
    publicKeyId: "PUB_KEY_ID_0114232134912410000000000000",
    publicKey: { env: "WECHATPAY_PUBLIC_KEY" },
  },
};
// #endregion step-4
