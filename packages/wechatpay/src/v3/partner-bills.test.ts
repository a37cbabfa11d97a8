import { createCipheriv, randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { UnexpectedAnswerError } from "@paybridge/core";
import { describe, expect, it } from "vitest";
import { gcmDecryptStream } from "./partner-bills.js";

/** WeChat's layout for an encrypted bill: AES-256-GCM, IV = the nonce's bytes, empty AAD, tag last. */
function encrypt(key: Buffer, nonce: string, plain: Buffer): Buffer {
  const c = createCipheriv("aes-256-gcm", key, Buffer.from(nonce, "utf8"));
  c.setAAD(Buffer.alloc(0));
  return Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
}

async function decrypt(key: Buffer, nonce: string, file: Buffer, chunk: number): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for (let i = 0; i < file.length; i += chunk) pieces.push(file.subarray(i, i + chunk));
  const out: Buffer[] = [];
  for await (const c of Readable.from(pieces).pipe(gcmDecryptStream(key, nonce))) out.push(c as Buffer);
  return Buffer.concat(out);
}

describe("gcmDecryptStream", () => {
  const key = Buffer.from("0123456789abcdef0123456789abcdef", "utf8");
  const nonce = "a8607ef79034c49c";
  const plain = Buffer.from(`记账时间,微信支付业务单号\r\n${"`x,".repeat(5000)}\r\n`, "utf8");

  it.each([1, 7, 16, 17, 4096, 1 << 20])("decrypts a file arriving in %i-byte chunks", async (chunk) => {
    expect((await decrypt(key, nonce, encrypt(key, nonce, plain), chunk)).equals(plain)).toBe(true);
  });

  it("decrypts an empty file (tag only)", async () => {
    expect(await decrypt(key, nonce, encrypt(key, nonce, Buffer.alloc(0)), 5)).toHaveLength(0);
  });

  it.each([
    [
      "a changed ciphertext byte",
      (f: Buffer) => Buffer.concat([Buffer.from([(f[0] as number) ^ 1]), f.subarray(1)]),
    ],
    [
      "a changed tag byte",
      (f: Buffer) => Buffer.concat([f.subarray(0, -1), Buffer.from([(f.at(-1) as number) ^ 1])]),
    ],
    ["a cut-off end", (f: Buffer) => f.subarray(0, f.length - 3)],
    ["a file shorter than its tag", (f: Buffer) => f.subarray(0, 10)],
  ])("refuses %s as an UnexpectedAnswerError when the file ends", async (_what, damage) => {
    const file = damage(encrypt(key, nonce, plain));
    await expect(decrypt(key, nonce, file, 100)).rejects.toBeInstanceOf(UnexpectedAnswerError);
  });

  it("refuses a file encrypted under another key or nonce", async () => {
    const file = encrypt(randomBytes(32), nonce, plain);
    await expect(decrypt(key, nonce, file, 100)).rejects.toThrow(/AEAD_AES_256_GCM tag check/);
    await expect(decrypt(key, "0000000000000000", encrypt(key, nonce, plain), 100)).rejects.toThrow(
      /tag check/,
    );
  });
});
