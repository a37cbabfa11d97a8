import { createVerify, randomBytes } from "node:crypto";
import { publicKeyObject } from "../../shared/key-objects.js";
import { type AnswerSigner, inlineSigner, sha256WithRsaSign } from "../../shared/sign-pool.js";
import { WechatEngineError } from "../engine/errors.js";

/**
 * WeChat Pay APIv3 signatures (签名认证, https://pay.weixin.qq.com/doc/v3/merchant/4012365336 for
 * requests, https://pay.weixin.qq.com/doc/v3/merchant/4012365342 for responses and notifications).
 */
export const AUTH_SCHEME = "WECHATPAY2-SHA256-RSA2048";

export function rsaSign(privateKey: string, message: string): string {
  return sha256WithRsaSign(privateKey, message);
}

export function rsaVerify(publicKey: string, message: string, signature: string): boolean {
  try {
    return createVerify("RSA-SHA256").update(message).verify(publicKeyObject(publicKey), signature, "base64");
  } catch {
    return false;
  }
}

/** Request message: method, path with query, timestamp, nonce and body, each followed by "\n". */
export function requestMessage(
  method: string,
  pathWithQuery: string,
  timestamp: string,
  nonce: string,
  body: string,
) {
  return `${method}\n${pathWithQuery}\n${timestamp}\n${nonce}\n${body}\n`;
}

/** Response / notification message: timestamp, nonce and body, each followed by "\n". */
export function responseMessage(timestamp: string, nonce: string, body: string): string {
  return `${timestamp}\n${nonce}\n${body}\n`;
}

export interface ParsedAuthorization {
  readonly mchid: string;
  readonly nonce: string;
  readonly timestamp: string;
  readonly serialNo: string;
  readonly signature: string;
}

/** Parses `WECHATPAY2-SHA256-RSA2048 mchid="..",nonce_str="..",timestamp="..",serial_no="..",signature=".."`. */
export function parseAuthorization(header: string | undefined): ParsedAuthorization {
  if (!header) throw new WechatEngineError("SIGN_ERROR", "缺少 Authorization 头");
  const space = header.indexOf(" ");
  const scheme = space < 0 ? header : header.slice(0, space);
  if (scheme !== AUTH_SCHEME) throw new WechatEngineError("SIGN_ERROR", `不支持的认证类型 ${scheme}`);
  const fields = new Map<string, string>();
  for (const match of header.slice(space + 1).matchAll(/([a-z_]+)="([^"]*)"/g)) {
    if (match[1] !== undefined && match[2] !== undefined) fields.set(match[1], match[2]);
  }
  const get = (name: string) => {
    const value = fields.get(name);
    if (!value) throw new WechatEngineError("SIGN_ERROR", `Authorization 缺少 ${name}`);
    return value;
  };
  return {
    mchid: get("mchid"),
    nonce: get("nonce_str"),
    timestamp: get("timestamp"),
    serialNo: get("serial_no"),
    signature: get("signature"),
  };
}

export interface ResponseSigner {
  readonly privateKey: string;
  /** Platform certificate serial, or the public key id PUB_KEY_ID_... in public-key mode. */
  readonly serial: string;
}

export function signedHeaders(signer: ResponseSigner, body: string, nowMs: number): Record<string, string> {
  const timestamp = Math.floor(nowMs / 1000).toString();
  const nonce = randomBytes(16).toString("hex").toUpperCase();
  return wechatpayHeaders(
    signer,
    timestamp,
    nonce,
    rsaSign(signer.privateKey, responseMessage(timestamp, nonce, body)),
  );
}

/** signedHeaders with the signature made by `by` (a worker pool under load), for answers. */
export async function signedHeadersWith(
  signer: ResponseSigner,
  body: string,
  nowMs: number,
  by: AnswerSigner = inlineSigner,
): Promise<Record<string, string>> {
  const timestamp = Math.floor(nowMs / 1000).toString();
  const nonce = randomBytes(16).toString("hex").toUpperCase();
  const signature = await by.sign(signer.privateKey, responseMessage(timestamp, nonce, body));
  return wechatpayHeaders(signer, timestamp, nonce, signature);
}

function wechatpayHeaders(
  signer: ResponseSigner,
  timestamp: string,
  nonce: string,
  signature: string,
): Record<string, string> {
  return {
    "Wechatpay-Timestamp": timestamp,
    "Wechatpay-Nonce": nonce,
    "Wechatpay-Signature": signature,
    "Wechatpay-Serial": signer.serial,
    "Wechatpay-Signature-Type": AUTH_SCHEME,
  };
}
