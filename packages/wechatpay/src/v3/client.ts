import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import type { Clock, Logger } from "@paybridge/core";
import type { WechatPayV3Config } from "./config.js";
import { WechatPayKeyStore } from "./key-store.js";
import { WechatPayV3Client } from "./pay-client.js";
import { WechatV3Transport } from "./transport.js";
import { transportAgent } from "./transport-agent.js";

/** One merchant's (or one service provider's) signing library, key store and transport, opened once. */
export interface V3Client {
  readonly pay: WechatPayV3Client;
  readonly keys: WechatPayKeyStore;
  readonly merchantKey: KeyObject;
  readonly transport: WechatV3Transport;
}

/**
 * Opens the keys of one APIv3 account: the merchant's private key, WeChat's keys (public key or
 * downloaded platform certificates) and the transport every call goes through. A direct merchant
 * opens one; a service provider opens one for all its sub-merchants, whose calls are signed with
 * the service provider's key (partner APIs are called as the 服务商 with sp_mchid in Authorization).
 */
export function openV3Client(config: WechatPayV3Config, clock: Clock, logger: Logger): V3Client {
  const merchantKey = createPrivateKey(config.privateKey);
  const pay = new WechatPayV3Client({
    appid: config.appid,
    mchid: config.mchid,
    serial_no: config.merchantSerialNo,
    // The library insists on a "public key" only to derive a serial, which is given above.
    publicKey: Buffer.from(createPublicKey(config.privateKey).export({ type: "spki", format: "pem" })),
    privateKey: Buffer.from(config.privateKey),
    key: config.apiV3Key,
  });
  const keys = new WechatPayKeyStore(
    config.keyMode,
    config.apiV3Key,
    clock,
    config.signatureWindowMs,
    async () => {
      await pay.get_certificates(config.apiV3Key);
    },
    config.certificates,
  );
  const transport = new WechatV3Transport({
    origin: config.origin,
    timeoutMs: config.timeoutMs,
    keys,
    agent: transportAgent(config),
    onRequest: (method, path) => logger.debug({ method, path }, "wechatpay request"),
  });
  pay.createHttp(transport);
  return { pay, keys, merchantKey, transport };
}
