import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The published builds, loaded side by side in one plain Node process (no test runner aliases): an
// error thrown by the CommonJS copy of @paybridge/core (or of a provider package built on it) must
// be recognised by the ESM copy's classes and isPaymentError, and the other way round.
const packagesDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const coreEsm = join(packagesDir, "core", "dist", "esm", "index.js");
const coreCjs = join(packagesDir, "core", "dist", "cjs", "index.js");
// wechatError is on the wire entry since the curated surface (4e7bcd6).
const wechatCjs = join(packagesDir, "wechatpay", "dist", "cjs", "wire.js");

const script = `
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
const require = createRequire(import.meta.url);
const esm = await import(pathToFileURL(${JSON.stringify(coreEsm)}).href);
const cjs = require(${JSON.stringify(coreCjs)});
const wechat = require(${JSON.stringify(wechatCjs)});
const out = {};
out.distinctCopies = esm.PaymentError !== cjs.PaymentError;
const fromCjs = new cjs.ValidationError("amount", "amount: must be a positive integer");
const fromEsm = new esm.SignatureError("bad signature", { provider: "wechatpay" });
out.cjsInEsm = {
  PaymentError: fromCjs instanceof esm.PaymentError,
  ValidationError: fromCjs instanceof esm.ValidationError,
  SignatureError: fromCjs instanceof esm.SignatureError,
  isPaymentError: esm.isPaymentError(fromCjs),
};
out.esmInCjs = {
  PaymentError: fromEsm instanceof cjs.PaymentError,
  SignatureError: fromEsm instanceof cjs.SignatureError,
  ValidationError: fromEsm instanceof cjs.ValidationError,
  isPaymentError: cjs.isPaymentError(fromEsm),
};
// An error made by a provider package's CommonJS build, through its own copy of core.
const providerError = wechat.wechatError({ code: "FREQUENCY_LIMITED", message: "频率超限", httpStatus: 429 });
out.providerInEsm = {
  PaymentError: providerError instanceof esm.PaymentError,
  RateLimitError: providerError instanceof esm.RateLimitError,
  ValidationError: providerError instanceof esm.ValidationError,
  isPaymentError: esm.isPaymentError(providerError),
};
out.notErrors = [new Error("plain"), null, undefined, "PaymentError", { name: "PaymentError" }].map(
  (v) => [v instanceof esm.PaymentError, esm.isPaymentError(v), v instanceof cjs.PaymentError],
);
out.json = JSON.stringify(fromCjs) === JSON.stringify(new esm.ValidationError("amount", "amount: must be a positive integer"));
console.log(JSON.stringify(out));
`;

describe("PaymentError across the ESM and CommonJS builds", () => {
  it("instanceof and isPaymentError recognise an error from the other copy, class by class", () => {
    const out = JSON.parse(
      execFileSync(process.execPath, ["--input-type=module", "-e", script], {
        cwd: packagesDir,
        encoding: "utf8",
      }),
    );
    expect(out.distinctCopies).toBe(true);
    expect(out.cjsInEsm).toEqual({
      PaymentError: true,
      ValidationError: true,
      SignatureError: false,
      isPaymentError: true,
    });
    expect(out.esmInCjs).toEqual({
      PaymentError: true,
      SignatureError: true,
      ValidationError: false,
      isPaymentError: true,
    });
    expect(out.providerInEsm).toEqual({
      PaymentError: true,
      RateLimitError: true,
      ValidationError: false,
      isPaymentError: true,
    });
    expect(out.notErrors).toEqual(Array(5).fill([false, false, false]));
    expect(out.json).toBe(true);
  });
});
