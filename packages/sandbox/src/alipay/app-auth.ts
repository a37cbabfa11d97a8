import { fail } from "./errors.js";

/**
 * A sandbox playing a merchant that authorised a third-party app accepts only calls carrying that
 * authorisation's app_auth_token (公共请求参数 app_auth_token, https://opendocs.alipay.com/isv/10467/xldcyq):
 * a missing, unknown or revoked token is 20001 aop.invalid-app-auth-token "无效的应用授权令牌"
 * (公共错误码, https://opendocs.alipay.com/common/02km9f), before any business rule.
 */
export function assertAppAuthToken(
  params: Readonly<Record<string, string>>,
  expected: string | undefined,
): void {
  if (expected === undefined) return;
  if (params.app_auth_token !== expected) {
    fail(
      "aop.invalid-app-auth-token",
      params.app_auth_token ? "令牌不属于该应用的授权" : "缺少 app_auth_token",
    );
  }
}
