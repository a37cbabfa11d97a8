import { OutcomeUnknownError, type PaymentError, ProviderError } from "@paybridge/core/provider-kit";
import { CLOUDPAY_PROVIDER, cloudPayError } from "./errors.js";
import { snakeKeys } from "./keys.js";

/** A CloudPay answer whose returnCode and result_code are both SUCCESS, keys in snake_case. */
export type CloudPayData = Readonly<Record<string, unknown>>;

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/**
 * wx-server-sdk adds its own call status to every answer, `errCode: 0, errMsg:
 * "cloudPay.unifiedOrder:ok"` (seen in answers quoted on
 * https://developers.weixin.qq.com/community/develop/doc/000a641b5b08a08cb6abf525751400).
 * Those are numbers / SDK messages, not WeChat Pay's err_code, so a numeric errCode is moved
 * aside before keys are brought to snake_case; a string errCode is WeChat's err_code in camelCase.
 */
function setSdkStatusAside(raw: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...raw };
  if (typeof copy.errCode === "number") {
    copy.sdk_err_code = copy.errCode;
    delete copy.errCode;
    if ("errMsg" in copy) {
      copy.sdk_err_msg = copy.errMsg;
      delete copy.errMsg;
    }
  }
  return copy;
}

/** The answer as an object with snake_case keys, or an OutcomeUnknownError naming the method. */
export function normalizeAnswer(method: string, raw: unknown): CloudPayData {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new OutcomeUnknownError(
      `${CLOUDPAY_PROVIDER} ${method}: the answer is not an object (${raw === null ? "null" : typeof raw}); query before deciding`,
      { provider: CLOUDPAY_PROVIDER },
    );
  }
  const { data, conflicts } = snakeKeys(setSdkStatusAside(raw as Record<string, unknown>));
  if (conflicts.length > 0) {
    throw new ProviderError(
      `${CLOUDPAY_PROVIDER} ${method}: the answer gives different values for ${conflicts.join(", ")} in camelCase and snake_case`,
      { provider: CLOUDPAY_PROVIDER },
    );
  }
  return data;
}

/**
 * Reads returnCode / returnMsg (communication result) then result_code / err_code / err_code_des
 * (business result), as every CloudPay page describes them ("以下字段在returnCode为SUCCESS的时候有
 * 返回"). Throws the mapped PaymentError for FAIL; returns the data when both are SUCCESS.
 */
export function readEnvelope(method: string, raw: unknown): CloudPayData {
  const data = normalizeAnswer(method, raw);
  const returnCode = data.return_code;
  if (returnCode === "FAIL") {
    throw cloudPayError({ code: "RETURN_CODE_FAIL", message: text(data.return_msg) ?? "returnCode FAIL" });
  }
  if (returnCode !== "SUCCESS") {
    throw unknownOutcome(method, `returnCode is ${JSON.stringify(returnCode)}, expected SUCCESS or FAIL`);
  }
  const resultCode = data.result_code;
  if (resultCode === "FAIL") {
    throw cloudPayError({
      code: text(data.err_code) ?? "ERROR",
      message: text(data.err_code_des) ?? text(data.result_msg),
    });
  }
  if (resultCode !== "SUCCESS") {
    throw unknownOutcome(method, `result_code is ${JSON.stringify(resultCode)}, expected SUCCESS or FAIL`);
  }
  return data;
}

/**
 * An answer PayBridge cannot read: for a refund the request may have been accepted, so the
 * caller must query before deciding, and may resubmit only with the same refund number.
 */
export function unknownOutcome(method: string, why: string, cause?: unknown): PaymentError {
  return new OutcomeUnknownError(`${CLOUDPAY_PROVIDER} ${method}: ${why}; query before deciding`, {
    provider: CLOUDPAY_PROVIDER,
    cause,
  });
}
