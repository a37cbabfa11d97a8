import { randomBytes } from "node:crypto";
import type { WechatSandboxMerchant } from "../credentials.js";
import { AUTH_SCHEME, requestMessage, rsaSign } from "../signing.js";

/** What a bare signed APIv3 call got back: the status and the JSON body. */
export interface SignedCallResult {
  readonly status: number;
  readonly json: Record<string, unknown>;
}

/**
 * A bare APIv3 call signed with `m`'s key under `m`'s mchid (WECHATPAY2-SHA256-RSA2048), so the
 * simulator's own checks are tested without any client package.
 */
export async function signedCall(
  origin: string,
  m: WechatSandboxMerchant,
  method: "GET" | "POST",
  path: string,
  body?: Record<string, unknown>,
): Promise<SignedCallResult> {
  const raw = body === undefined ? "" : JSON.stringify(body);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomBytes(8).toString("hex");
  const signature = rsaSign(m.privateKey, requestMessage(method, path, timestamp, nonce, raw));
  const res = await fetch(`${origin}${path}`, {
    method,
    headers: {
      Authorization: `${AUTH_SCHEME} mchid="${m.mchid}",nonce_str="${nonce}",timestamp="${timestamp}",serial_no="${m.serialNo}",signature="${signature}"`,
      "Content-Type": "application/json",
      Accept: "application/json",
    },
    ...(method === "POST" ? { body: raw } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
