import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SignatureError } from "@paybridge/core";
import { type AlipaySandbox, startAlipaySandbox } from "@paybridge/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { providerFor } from "./support.js";

/*
 * A gateway that answers with an unsigned error_response, as Alipay's does for a wrong app_id
 * (https://opendocs.alipay.com/common/02km9f). Served over real HTTP to the real alipay-sdk.
 */
describe("an unsigned Alipay answer", () => {
  let sandbox: AlipaySandbox;
  let fake: Server;
  let gateway: string;
  let answer = "";
  beforeAll(async () => {
    sandbox = await startAlipaySandbox();
    fake = createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json;charset=utf-8" });
      res.end(answer);
    });
    await new Promise<void>((r) => fake.listen(0, "127.0.0.1", () => r()));
    gateway = `http://127.0.0.1:${(fake.address() as AddressInfo).port}/gateway.do`;
  });
  afterAll(async () => {
    await new Promise((r) => fake?.close(r));
    await sandbox?.close();
  });

  it("is a SignatureError, never a TypeError", async () => {
    answer = JSON.stringify({
      error_response: {
        code: "40002",
        msg: "Invalid Arguments",
        sub_code: "isv.invalid-app-id",
        sub_msg: "无效的AppID参数",
      },
    });
    const error = await providerFor(sandbox, { gateway })
      .queryPayment({ outTradeNo: "ORDER123456" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignatureError);
    expect((error as Error).message).toMatch(/answered without a signature/);
    expect((error as Error).message).not.toMatch(/TypeError|argument must be/);
  });

  it("signed with another key, keeps the gateway's claimed code as unverified", async () => {
    answer = `{"error_response":{"code":"40002","msg":"Invalid Arguments","sub_code":"isv.invalid-app-id","sub_msg":"无效的AppID参数"},"sign":"${Buffer.alloc(256, 1).toString("base64")}"}`;
    const error = await providerFor(sandbox, { gateway })
      .queryPayment({ outTradeNo: "ORDER123456" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignatureError);
    expect(error).toMatchObject({ providerCode: "isv.invalid-app-id", providerMessage: "无效的AppID参数" });
    expect((error as Error).message).toMatch(/unverified/);
  });
});
