import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { silentLogger, systemClock } from "@paybridge/core";
import { startWechatSandbox, type WechatSandbox } from "@paybridge/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WechatPayProvider, type WechatPayV3ConfigInput } from "../src/index.js";
import { afterMigration, beforeMigration, duringSwitch } from "./docs/migration-guide.examples.js";
import { payRound, type Receiver, startReceiver } from "./key-switch-support.js";

const examplesFile = fileURLToPath(new URL("./docs/migration-guide.examples.ts", import.meta.url));
const guideFile = fileURLToPath(new URL("../../../docs/providers/wechatpay.md", import.meta.url));

/** The text between `// #region NAME` and `// #endregion NAME`. */
function region(source: string, name: string): string {
  const start = source.indexOf(`// #region ${name}\n`);
  const end = source.indexOf(`// #endregion ${name}`);
  if (start < 0 || end < 0) throw new Error(`no region ${name}`);
  return source.slice(start + `// #region ${name}\n`.length, end);
}

describe("the migration guide in docs/providers/wechatpay.md", () => {
  it("shows the type-checked examples verbatim", () => {
    const source = readFileSync(examplesFile, "utf8");
    const guide = readFileSync(guideFile, "utf8");
    for (const name of ["merchant", "step-0", "step-2", "step-4"]) {
      expect(guide, `region ${name}`).toContain(region(source, name));
    }
  });

  describe("works step by step against the sandbox", () => {
    let sandbox: WechatSandbox;
    let receiver: Receiver;
    beforeAll(async () => {
      sandbox = await startWechatSandbox({
        allowLoopbackHttpNotify: true,
        merchants: [
          {
            mchid: "1900000001",
            appid: "wx8888888888888888",
            serialNo: "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C",
            keyMode: "platform_certificate",
          },
        ],
      });
      const m = sandbox.merchant();
      process.env.WECHATPAY_PRIVATE_KEY = m.privateKey;
      process.env.WECHATPAY_APIV3_KEY = m.apiV3Key;
      process.env.WECHATPAY_PUBLIC_KEY = m.wechatpayPublicKey;
    });
    afterAll(async () => {
      await receiver?.close();
      await sandbox.close();
    });

    // The sandbox's public key id is derived from its key; everything else is the guide's text.
    const deploy = (config: WechatPayV3ConfigInput, name: string) => {
      const keyMode =
        config.keyMode.type === "platform_certificate"
          ? config.keyMode
          : { ...config.keyMode, publicKeyId: sandbox.merchant().wechatpayPublicKeyId };
      return new WechatPayProvider(
        // The receiver listens on loopback http, which the sandbox and the client both opt in to.
        { ...config, keyMode, origin: sandbox.origin, allowLoopbackHttpNotify: true },
        { merchantId: name, clock: systemClock, logger: silentLogger },
      );
    };

    it("step 0 -> step 2 -> switch at 50% -> step 4, with no rejected answer or notification", {
      timeout: 600_000,
    }, async () => {
      const step0 = deploy(beforeMigration, "step-0");
      receiver = await startReceiver(step0);
      await payRound(step0, sandbox, receiver, 4, 2);
      const step2 = deploy(duringSwitch, "step-2");
      receiver.deploy(step2);
      await payRound(step2, sandbox, receiver, 4, 2);
      sandbox.control.setKeyMode(sandbox.merchant().mchid, "switch", { ratio: 0.5, seed: 3 });
      const mixed = await payRound(step2, sandbox, receiver, 20, 4);
      const serials = new Set(mixed.map((n) => n.headers["Wechatpay-Serial"]));
      expect(serials).toEqual(new Set([sandbox.platform.publicKeyId, sandbox.platform.certificateSerial]));
      sandbox.control.setKeyMode(sandbox.merchant().mchid, "switch", { ratio: 1 });
      const step4 = deploy(afterMigration, "step-4");
      receiver.deploy(step4);
      await payRound(step4, sandbox, receiver, 4, 2);
      expect(step4.keys.downloads).toBe(0);
      expect(receiver.rejected).toEqual([]);
    });
  });
});
