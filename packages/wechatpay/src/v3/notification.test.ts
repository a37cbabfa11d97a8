import { generateKeyPairSync } from "node:crypto";
import { systemClock, ValidationError } from "@paybridge/core";
import { describe, expect, it } from "vitest";
import { WechatPayKeyStore } from "./key-store.js";
import { parseV3Notification } from "./notification.js";

const { publicKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
});
const apiV3Key = "0123456789abcdef0123456789abcdef";
const keys = new WechatPayKeyStore(
  { type: "public_key", publicKeyId: "PUB_KEY_ID_0114", publicKey },
  apiV3Key,
  systemClock,
  300_000,
  async () => {},
);

async function rejection(raw: unknown): Promise<ValidationError> {
  const error = await parseV3Notification(raw as never, keys, apiV3Key, "m").catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  return error as ValidationError;
}

// The hand-written fast path for the usual shape must refuse exactly what rawNotificationSchema refuses,
// and leave the field-naming message to the schema.
describe("parseV3Notification input checks", () => {
  it("names the field of a malformed notification before any crypto", async () => {
    expect((await rejection({ headers: {}, body: "" })).message).toContain("notification.body");
    expect((await rejection({ headers: {}, body: 1 })).message).toContain("notification.body");
    expect((await rejection({ headers: [], body: "{}" })).message).toContain("notification.headers");
    expect((await rejection({ headers: { a: 1 }, body: "{}" })).message).toContain("notification.headers");
    expect((await rejection({ headers: { a: ["x", 2] }, body: "{}" })).message).toContain(
      "notification.headers",
    );
    expect((await rejection({ headers: {}, body: "{}", extra: true })).message).toContain("extra");
    await rejection(null);
  });

  it("lets a well-formed but unsigned notification through to signature checking", async () => {
    const error = await parseV3Notification(
      { headers: { "x-a": ["1", "2"] }, body: "{}" },
      keys,
      apiV3Key,
      "m",
    ).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(ValidationError);
    expect(String(error)).toMatch(/not signed/);
  });
});
