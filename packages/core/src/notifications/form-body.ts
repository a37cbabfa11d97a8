/** What express.urlencoded() leaves in req.body: strings, or arrays / objects for repeated or bracketed keys. */
export type FormFields = Readonly<Record<string, unknown>>;

export type FormBody =
  | { readonly kind: "ok"; readonly body: string }
  | { readonly kind: "unusable"; readonly reason: string };

/**
 * Re-encodes a decoded form as application/x-www-form-urlencoded. Alipay signs the decoded values
 * of its parameters (https://opendocs.alipay.com/common/02mse7: the sign string is built from the
 * received values), so a form decoded by express.urlencoded() and encoded again here decodes to the
 * very same values, and verifies exactly as the raw body would. A field that is not one string
 * (a repeated key, or qs's nested `a[b]` objects) is not something Alipay sends: refused, not
 * guessed at, because any guess could change what the signature is checked against.
 */
export function formBodyFrom(fields: FormFields): FormBody {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value !== "string") {
      return {
        kind: "unusable",
        reason: `form field ${JSON.stringify(key.slice(0, 64))} is not a single string value; a decoded form can only be verified when every field is one string`,
      };
    }
    params.append(key, value);
  }
  return { kind: "ok", body: params.toString() };
}
