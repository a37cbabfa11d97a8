import { ValidationError } from "@paybridge/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Rig, startRig } from "./sandbox-setup.js";

describe.each(["platform_certificate", "public_key", "switch"] as const)(
  "sensitive fields, RSA-OAEP (%s)",
  (keyMode) => {
    let rig: Rig;
    beforeAll(async () => {
      rig = await startRig(keyMode);
    });
    afterAll(() => rig.close());

    it("round-trips up (merchant -> WeChat) and down (WeChat -> merchant) with the sandbox's keys", {
      timeout: 300_000,
    }, async () => {
      const plain = { user_name: "张三", id_card_number: "110101199003074514", mobile: "13800138000" };
      const { wechatpaySerial, fields } = await rig.provider.encryptSensitive(plain);
      // Public-key and combined merchants encrypt with the public key; certificate merchants with the newest certificate.
      expect(wechatpaySerial).toBe(
        keyMode === "platform_certificate"
          ? rig.sandbox.platform.certificateSerial
          : rig.sandbox.platform.publicKeyId,
      );
      // It is the serial the provider's requests carry, so the request that takes the field names its key.
      expect(rig.provider.keys.requestSerial).toBe(wechatpaySerial);
      for (const [name, value] of Object.entries(plain)) {
        const ciphertext = fields[name as keyof typeof plain];
        expect(ciphertext).not.toContain(value);
        expect(rig.sandbox.control.decryptSensitive(ciphertext, wechatpaySerial)).toBe(value);
      }
      // The other key cannot read it: the serial matters.
      const other =
        wechatpaySerial === rig.sandbox.platform.publicKeyId
          ? rig.sandbox.platform.certificateSerial
          : rig.sandbox.platform.publicKeyId;
      expect(() => rig.sandbox.control.decryptSensitive(fields.user_name, other)).toThrow(/解密失败/);

      const down = rig.sandbox.control.encryptForMerchant(rig.merchant.mchid, "6222 0000 1111 2222");
      expect(rig.provider.decryptSensitive(down, "bank_account")).toBe("6222 0000 1111 2222");
    });

    it("refuses a field too long for OAEP, naming it, before any network call", async () => {
      const before = rig.sandbox.control.requestCount();
      await expect(rig.provider.encryptSensitive({ address: "长".repeat(100) })).rejects.toMatchObject({
        name: "ValidationError",
        field: "fields.address",
      });
      if (keyMode !== "platform_certificate") expect(rig.sandbox.control.requestCount()).toBe(before);
      expect(() => rig.provider.decryptSensitive("bm90IGZvciB5b3U=", "bank_account")).toThrow(
        ValidationError,
      );
      expect(() => rig.provider.decryptSensitive("bm90IGZvciB5b3U=", "bank_account")).toThrow(
        /^bank_account:/,
      );
    });
  },
);
