import {
  InvalidRequestError,
  NotFoundError,
  OutcomeUnknownError,
  ProviderError,
  ProviderUnavailableError,
} from "@paybridge/core";
import { describe, expect, it } from "vitest";
import { readEnvelope } from "./envelope.js";
import { PAGE_COMMON } from "./fixtures/page-examples.js";

describe("readEnvelope", () => {
  it("returns the snake_case data when returnCode and result_code are SUCCESS", () => {
    const data = readEnvelope("refund", { ...PAGE_COMMON, total_fee: 1 });
    expect(data.return_code).toBe("SUCCESS");
    expect(data.sub_mch_id).toBe("1900000109");
  });

  it("reads camelCase answers as reported from the live service", () => {
    const data = readEnvelope("queryOrder", {
      returnCode: "SUCCESS",
      resultCode: "SUCCESS",
      tradeState: "SUCCESS",
      errCode: 0,
      errMsg: "cloudPay.queryOrder:ok",
    });
    expect(data.trade_state).toBe("SUCCESS");
    // wx-server-sdk's own numeric call status is kept apart from WeChat Pay's err_code.
    expect(data.err_code).toBeUndefined();
    expect(data.sdk_err_code).toBe(0);
  });

  it("turns returnCode FAIL into a final error carrying returnMsg", () => {
    const fail = () => readEnvelope("refund", { returnCode: "FAIL", returnMsg: "签名失败" });
    expect(fail).toThrow(InvalidRequestError);
    expect(fail).toThrow(/签名失败/);
  });

  it("turns result_code FAIL into the error of err_code, keeping err_code_des", () => {
    try {
      readEnvelope("refund", {
        ...PAGE_COMMON,
        result_code: "FAIL",
        err_code: "SYSTEMERROR",
        err_code_des: "系统超时",
      });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ProviderUnavailableError);
      expect(error).toMatchObject({
        providerCode: "SYSTEMERROR",
        providerMessage: "系统超时",
        retryable: true,
      });
    }
    expect(() =>
      readEnvelope("queryRefund", { ...PAGE_COMMON, result_code: "FAIL", err_code: "REFUNDNOTEXIST" }),
    ).toThrow(NotFoundError);
  });

  it("treats a missing or odd returnCode as an unknown outcome", () => {
    expect(() => readEnvelope("refund", {})).toThrow(OutcomeUnknownError);
    expect(() => readEnvelope("refund", { returnCode: "MAYBE" })).toThrow(OutcomeUnknownError);
    expect(() => readEnvelope("refund", null)).toThrow(OutcomeUnknownError);
    expect(() => readEnvelope("refund", { ...PAGE_COMMON, result_code: undefined })).toThrow(
      /result_code is undefined/,
    );
  });

  it("rejects an answer whose camelCase and snake_case spellings disagree", () => {
    expect(() =>
      readEnvelope("queryOrder", { ...PAGE_COMMON, tradeState: "SUCCESS", trade_state: "NOTPAY" }),
    ).toThrow(ProviderError);
  });
});
