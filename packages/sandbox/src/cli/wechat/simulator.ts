import { wechatMerchantConfig } from "../../wechat/v3/credentials.js";
import { startWechatSandbox, type WechatSandboxOptions } from "../../wechat/v3/server.js";
import { CliStartError } from "../errors.js";
import { httpOrigin } from "../host.js";
import type { SimulatorModule, StartedSimulator } from "../simulator.js";
import { wechatControlRoutes } from "./control-routes.js";
import { loadOrCreateWechatKeys, WECHAT_KEY_FILES, type WechatKeyMaterial } from "./key-files.js";

/** The WeChat Pay APIv3 simulator (wechat/v3/server.ts) as the CLI runs it. */
export const wechatSimulator: SimulatorModule = {
  id: "wechat",
  async start({ host, port, keysDir, options }): Promise<StartedSimulator> {
    const keyMode = options.wechatMode;
    const material: WechatKeyMaterial | undefined = keysDir
      ? loadOrCreateWechatKeys(keysDir, keyMode, new Date())
      : undefined;
    const merchant = {
      ...(material?.merchant ?? { keyMode }),
      ...(options.wechatSwitch ? { switch: options.wechatSwitch } : {}),
    };
    const subMerchants = options.wechatSubMerchants;
    const sandboxOptions: WechatSandboxOptions = {
      host,
      port,
      // With --wechat-sub-mchid the one merchant is a service provider (服务商): the same keys and
      // mchid (sp_mchid), and its sub-merchants on the partner APIs.
      ...(subMerchants.length > 0
        ? { merchants: [], serviceProviders: [{ ...merchant, subMerchants }] }
        : { merchants: [merchant] }),
      ...(material ? { platform: material.platform } : {}),
      // Notifications go to whatever notify_url the app sends; off the machine only when the
      // user has opened the sandbox to the network anyway.
      notify: { allowNonLoopback: options.allowRemote },
      allowLoopbackHttpNotify: options.allowHttpNotify,
    };
    const sandbox = await startWechatSandbox(sandboxOptions);
    // sandbox.origin is http://ADDRESS:PORT as bound; rebuild it from --host so IPv6 gets brackets
    // and "localhost" stays a name.
    const origin = httpOrigin(host, Number(sandbox.origin.slice(sandbox.origin.lastIndexOf(":") + 1)));
    const m = sandbox.merchant();
    if (subMerchants.some((sub) => sub.mchid === m.mchid)) {
      await sandbox.close();
      throw new CliStartError(`--wechat-sub-mchid ${m.mchid} is the service provider's own mchid`);
    }
    const control = wechatControlRoutes(origin);
    const credentialsUrl = `${origin}/sandbox/control/credentials`;
    const notifySink = `${origin}/sandbox/notify-sink`;

    const keyFiles = material
      ? {
          merchantPrivateKey: material.files.merchantPrivateKey,
          merchantCertificate: material.files.merchantCertificate,
          platformCertificate: material.files.platformCertificate,
          wechatpayPublicKey: material.files.wechatpayPublicKey,
          merchant: material.files.merchant,
        }
      : undefined;
    // @paybridge/wechatpay's configuration; with key files, placeholders name the files to read.
    const config = wechatMerchantConfig(m, origin, m.keyMode, options.allowHttpNotify === true);
    const providerConfig = keyFiles
      ? {
          ...config,
          privateKey: `<contents of ${keyFiles.merchantPrivateKey}>`,
          keyMode:
            config.keyMode.type === "platform_certificate"
              ? config.keyMode
              : { ...config.keyMode, publicKey: `<contents of ${keyFiles.wechatpayPublicKey}>` },
        }
      : config;

    const description = {
      title: "WeChat Pay APIv3 simulator",
      origin,
      mchid: m.mchid,
      appid: m.appid,
      keyMode: m.keyMode,
      merchantSerialNo: m.serialNo,
      platformCertificateSerial: sandbox.platform.certificateSerial,
      wechatpayPublicKeyId: m.wechatpayPublicKeyId,
      wechatpaySerial: m.wechatpaySerial,
      apiV3Key: m.apiV3Key,
      keysDir: keysDir ?? null,
      keysCreated: material ? material.created : null,
      keyFiles: keyFiles ?? null,
      // In-memory keys exist nowhere else, so the JSON carries them; files are named instead.
      pem: keyFiles
        ? null
        : {
            merchantPrivateKey: m.privateKey,
            merchantPublicKey: m.publicKey,
            platformCertificate: m.platformCertificate,
            wechatpayPublicKey: m.wechatpayPublicKey,
          },
      credentialsUrl,
      notifySink,
      providerConfig,
      // Service-provider mode: what @paybridge/wechatpay's registerServiceProvider takes per sub-merchant.
      serviceProvider:
        subMerchants.length > 0
          ? {
              spMchid: m.mchid,
              spAppid: m.appid,
              subMerchants: subMerchants.map((sub) => ({
                subMchid: sub.mchid,
                ...(sub.appids[0] ? { subAppid: sub.appids[0] } : {}),
              })),
            }
          : null,
      control,
    };

    const rows: [string, string][] = [
      ["origin", origin],
      ["mchid", m.mchid],
      ["appid", m.appid],
      ["key mode", m.keyMode],
      ["merchant serial_no", m.serialNo],
      ["platform cert serial", sandbox.platform.certificateSerial],
      ["public key id", m.wechatpayPublicKeyId],
      ["responses signed by", m.wechatpaySerial],
      ["APIv3 key", m.apiV3Key],
      ["notify sink", `${notifySink} (accepts any notify_url POST)`],
    ];
    if (subMerchants.length > 0) {
      rows.splice(
        2,
        0,
        ["service provider", `sp_mchid ${m.mchid}, sp_appid ${m.appid}`],
        ...subMerchants.map((sub): [string, string] => [
          "sub_mchid",
          sub.appids[0] ? `${sub.mchid} (sub_appid ${sub.appids[0]})` : sub.mchid,
        ]),
      );
    }
    if (keyFiles) {
      rows.push(
        ["merchant private key", keyFiles.merchantPrivateKey],
        ["merchant certificate", keyFiles.merchantCertificate],
        ["platform certificate", keyFiles.platformCertificate],
        ["WeChat Pay public key", keyFiles.wechatpayPublicKey],
        ["mchid/appid/APIv3 key", keyFiles.merchant],
      );
    }
    const partnerNotes =
      subMerchants.length > 0
        ? [
            `Service provider ${m.mchid}: its sub-merchants are served on /v3/pay/partner/transactions/...` +
              " (sp_mchid + sub_mchid), signed with the service provider's keys above. Control calls take" +
              ' "mchid": SUB_MCHID when an out_trade_no is not unique.',
          ]
        : [];
    const notes = keyFiles
      ? [
          ...partnerNotes,
          `Keys ${material?.created ? "generated and written to" : "read from"} ${keysDir}` +
            ` (private keys and ${WECHAT_KEY_FILES.merchant} mode 0600; ${keysDir}/simulator/ is` +
            " WeChat Pay's side: your app never needs it).",
        ]
      : [
          ...partnerNotes,
          "Keys live in memory for this run only. Get the PEMs with",
          `  curl -s '${credentialsUrl}'`,
          "or run with --json (prints them) or --keys-dir DIR (writes them as files).",
        ];
    return {
      id: "wechat",
      title: description.title,
      description,
      rows,
      notes,
      control,
      close: () => sandbox.close(),
    };
  },
};
