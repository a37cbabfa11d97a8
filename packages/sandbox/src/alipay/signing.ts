import { createVerify } from "node:crypto";
import { publicKeyObject } from "../shared/key-objects.js";
import { type AnswerSigner, inlineSigner, sha256WithRsaSign } from "../shared/sign-pool.js";

/**
 * OpenAPI 2.0 signing (https://opendocs.alipay.com/common/02kf5q): take every parameter except
 * `sign` (notifications also drop `sign_type`), drop empty values, sort the keys by ASCII, join
 * as k=v with "&" using the raw (not URL-encoded) values, then SHA256withRSA, base64.
 */
export function signContent(params: Readonly<Record<string, string>>, exclude: readonly string[]): string {
  return Object.keys(params)
    .filter((k) => !exclude.includes(k) && params[k] !== undefined && params[k] !== "")
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join("&");
}

export function rsa2Sign(content: string, privateKeyPem: string): string {
  return sha256WithRsaSign(privateKeyPem, content);
}

export function rsa2Verify(content: string, signature: string, publicKeyPem: string): boolean {
  try {
    return createVerify("RSA-SHA256")
      .update(content, "utf8")
      .verify(publicKeyObject(publicKeyPem), signature, "base64");
  } catch {
    return false;
  }
}

/** The string a request signature covers: all parameters but `sign` (sign_type included). */
export const requestSignContent = (params: Readonly<Record<string, string>>) => signContent(params, ["sign"]);

/** The string a notification signature covers (https://opendocs.alipay.com/common/02mse7 异步通知验签). */
export const notifySignContent = (params: Readonly<Record<string, string>>) =>
  signContent(params, ["sign", "sign_type"]);

type AnswerOptions = boolean | { readonly corruptSignature?: boolean; readonly escapeSlashes?: boolean };

/**
 * A gateway answer: `{"<method>_response":{...},"alipay_cert_sn":"...","sign":"..."}`. The
 * signature covers the exact bytes of the response object as written here, which is what the
 * SDKs cut out of the raw body and verify (https://opendocs.alipay.com/common/02mse7 同步返回验签).
 */
export function signedAnswer(
  responseKey: string,
  response: Readonly<Record<string, unknown>>,
  privateKeyPem: string,
  alipayCertSn: string | undefined,
  /** `true` (the older positional form) means corruptSignature. */
  options: AnswerOptions = {},
): string {
  const answer = answerParts(response, options);
  return assembleAnswer(responseKey, answer, rsa2Sign(answer.inner, privateKeyPem), alipayCertSn);
}

/** signedAnswer with the signature made by `by` (a worker pool under load). */
export async function signedAnswerWith(
  responseKey: string,
  response: Readonly<Record<string, unknown>>,
  privateKeyPem: string,
  alipayCertSn: string | undefined,
  options: AnswerOptions = {},
  by: AnswerSigner = inlineSigner,
): Promise<string> {
  const answer = answerParts(response, options);
  return assembleAnswer(responseKey, answer, await by.sign(privateKeyPem, answer.inner), alipayCertSn);
}

function answerParts(
  response: Readonly<Record<string, unknown>>,
  options: AnswerOptions,
): { inner: string; corruptSignature: boolean } {
  const { corruptSignature = false, escapeSlashes = true } =
    typeof options === "boolean" ? { corruptSignature: options } : options;
  // Live answers escape "/" as "\/" (a qr_code reads "https:\/\/qr.alipay.com\/..."), and the
  // signature covers those escaped bytes: a client that re-serialises the parsed object before
  // verifying fails on live answers, so the sandbox escapes by default.
  const plain = JSON.stringify(response);
  return { inner: escapeSlashes ? plain.replaceAll("/", "\\/") : plain, corruptSignature };
}

function assembleAnswer(
  responseKey: string,
  answer: { inner: string; corruptSignature: boolean },
  signature: string,
  alipayCertSn: string | undefined,
): string {
  const sign = answer.corruptSignature
    ? `${signature.startsWith("A") ? "B" : "A"}${signature.slice(1)}`
    : signature;
  const certPart = alipayCertSn ? `,"alipay_cert_sn":${JSON.stringify(alipayCertSn)}` : "";
  return `{${JSON.stringify(responseKey)}:${answer.inner}${certPart},"sign":${JSON.stringify(sign)}}`;
}
