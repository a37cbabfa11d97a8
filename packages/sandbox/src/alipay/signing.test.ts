import { describe, expect, it } from "vitest";
import { generateRsaKeyPair } from "../shared/rsa.js";
import { notifySignContent, requestSignContent, rsa2Sign, rsa2Verify, signedAnswer } from "./signing.js";

const keys = generateRsaKeyPair();

describe("alipay signing rules", () => {
  it("request content: every parameter but sign, empty values dropped, sorted, raw values", () => {
    const content = requestSignContent({
      method: "m",
      app_id: "1",
      sign: "S",
      sign_type: "RSA2",
      empty: "",
      biz_content: '{"a":"x y"}',
    });
    expect(content).toBe('app_id=1&biz_content={"a":"x y"}&method=m&sign_type=RSA2');
  });

  it("notification content also drops sign_type", () => {
    expect(notifySignContent({ b: "2", a: "1", sign: "S", sign_type: "RSA2" })).toBe("a=1&b=2");
  });

  it("signs and verifies RSA2; any change breaks it", () => {
    const sig = rsa2Sign("a=1", keys.privateKey);
    expect(rsa2Verify("a=1", sig, keys.publicKey)).toBe(true);
    expect(rsa2Verify("a=2", sig, keys.publicKey)).toBe(false);
    expect(rsa2Verify("a=1", "not base64!", keys.publicKey)).toBe(false);
  });

  it("the answer's signature covers the exact bytes of the response object", () => {
    const body = signedAnswer(
      "alipay_trade_query_response",
      { code: "10000", msg: "Success", x: "分" },
      keys.privateKey,
      "sn1",
    );
    const parsed = JSON.parse(body) as { sign: string; alipay_cert_sn: string };
    const inner = body.slice(body.indexOf(":") + 1, body.indexOf(',"alipay_cert_sn"'));
    expect(inner).toBe('{"code":"10000","msg":"Success","x":"分"}');
    expect(rsa2Verify(inner, parsed.sign, keys.publicKey)).toBe(true);
    expect(parsed.alipay_cert_sn).toBe("sn1");
    const corrupted = JSON.parse(
      signedAnswer("k", { code: "10000", msg: "Success" }, keys.privateKey, undefined, true),
    ) as { sign: string };
    expect(rsa2Verify('{"code":"10000","msg":"Success"}', corrupted.sign, keys.publicKey)).toBe(false);
  });
});
