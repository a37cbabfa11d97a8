import { createAlipayCertificates } from "../../alipay/certificates.js";
import { startAlipaySandbox } from "../../alipay/sandbox.js";
import { CliStartError } from "../errors.js";
import type { SimulatorModule, StartedSimulator } from "../simulator.js";
import { alipayControlRoutes } from "./control-routes.js";
import {
  ALIPAY_KEY_FILES,
  ALIPAY_ROOT_PRIVATE_KEY_FILE,
  type AlipayKeyMaterial,
  alipayKeyPaths,
  hasAlipayKeys,
  readAlipayKeys,
  writeAlipayKeys,
} from "./key-files.js";

/** The Alipay gateway simulator (alipay/sandbox.ts) as the CLI runs it. */
export const alipaySimulator: SimulatorModule = {
  id: "alipay",
  async start({ host, port, keysDir, options }): Promise<StartedSimulator> {
    const keyMode = options.alipayMode;
    const existing: AlipayKeyMaterial | undefined =
      keysDir && hasAlipayKeys(keysDir) ? readAlipayKeys(keysDir) : undefined;
    const sandbox = await startAlipaySandbox({
      host,
      port,
      keyMode,
      allowNonLoopbackNotify: options.allowRemote,
      ...(existing
        ? {
            appId: existing.appId,
            sellerId: existing.sellerId,
            appKeys: existing.appKeys,
            alipayKeys: existing.alipayKeys,
            certificates: existing.certificates,
          }
        : {}),
    });
    if (keysDir && !existing) {
      try {
        writeAlipayKeys(keysDir, {
          appId: sandbox.appId,
          sellerId: sandbox.sellerId,
          appKeys: sandbox.appKeys,
          alipayKeys: sandbox.alipayKeys,
          // The files carry certificates whatever this run's mode, so a later run may use either mode.
          certificates:
            sandbox.certificates ??
            (await createAlipayCertificates(sandbox.alipayKeys, sandbox.appKeys, sandbox.appId)),
        });
      } catch (error) {
        await sandbox.close();
        throw error;
      }
    }
    const every = options.alipayRotateEveryMs;
    if (every !== undefined && !sandbox.certificates?.alipayRootPrivateKey) {
      await sandbox.close();
      throw new CliStartError(
        `--alipay-rotate-every-ms needs the root's private key, which ${keysDir ?? "the key folder"} does not hold (${ALIPAY_ROOT_PRIVATE_KEY_FILE}); delete the folder to generate a fresh set`,
      );
    }
    const described = describe(sandbox, keysDir, existing === undefined, every);
    if (every === undefined) return described;
    // A rotation that fails (it cannot, short of a bug) must not stop the simulator; the next one runs.
    const timer = setInterval(() => void sandbox.rotateCertificate().catch(() => undefined), every);
    timer.unref();
    return {
      ...described,
      close: () => {
        clearInterval(timer);
        return described.close();
      },
    };
  },
};

function describe(
  sandbox: Awaited<ReturnType<typeof startAlipaySandbox>>,
  keysDir: string | undefined,
  created: boolean,
  rotateEveryMs: number | undefined,
): StartedSimulator {
  const origin = sandbox.origin;
  const control = alipayControlRoutes(origin);
  const certs = sandbox.certificates;
  const paths = keysDir ? alipayKeyPaths(keysDir) : undefined;
  const keyFiles = paths
    ? {
        appPrivateKey: paths.appPrivateKey,
        appPublicKey: paths.appPublicKey,
        alipayPublicKey: paths.alipayPublicKey,
        appCertificate: paths.appCertificate,
        alipayPublicCertificate: paths.alipayPublicCertificate,
        alipayRootCertificate: paths.alipayRootCertificate,
        app: paths.app,
      }
    : undefined;
  const fileOr = (file: string | undefined, value: string) => (file ? `<contents of ${file}>` : value);
  // The same shape as @paybridge/alipay's AlipayConfigInput (sandbox.merchantConfig()).
  const providerConfig = {
    appId: sandbox.appId,
    sellerId: sandbox.sellerId,
    privateKey: fileOr(keyFiles?.appPrivateKey, sandbox.appKeys.privateKey),
    gateway: sandbox.gatewayUrl,
    keyMode: certs
      ? {
          type: "certificate",
          appCertContent: fileOr(keyFiles?.appCertificate, certs.appCertContent),
          alipayPublicCertContent: fileOr(keyFiles?.alipayPublicCertificate, certs.alipayPublicCertContent),
          alipayRootCertContent: fileOr(keyFiles?.alipayRootCertificate, certs.alipayRootCertContent),
        }
      : {
          type: "public_key",
          alipayPublicKey: fileOr(keyFiles?.alipayPublicKey, sandbox.alipayKeys.publicKey),
        },
  };
  const description = {
    title: "Alipay gateway simulator",
    origin,
    gatewayUrl: sandbox.gatewayUrl,
    appId: sandbox.appId,
    sellerId: sandbox.sellerId,
    keyMode: sandbox.keyMode,
    appCertSn: certs?.appCertSn ?? null,
    alipayCertSn: certs?.alipayCertSn ?? null,
    alipayRootCertSn: certs?.alipayRootCertSn ?? null,
    keysDir: keysDir ?? null,
    keysCreated: keysDir ? created : null,
    keyFiles: keyFiles ?? null,
    pem: keyFiles
      ? null
      : {
          appPrivateKey: sandbox.appKeys.privateKey,
          appPublicKey: sandbox.appKeys.publicKey,
          alipayPublicKey: sandbox.alipayKeys.publicKey,
          ...(certs
            ? {
                appCertificate: certs.appCertContent,
                alipayPublicCertificate: certs.alipayPublicCertContent,
                alipayRootCertificate: certs.alipayRootCertContent,
              }
            : {}),
        },
    providerConfig,
    control,
  };
  const rows: [string, string][] = [
    ["gateway", sandbox.gatewayUrl],
    ["appId", sandbox.appId],
    ["sellerId", sandbox.sellerId],
    ["key mode", sandbox.keyMode],
  ];
  if (certs) {
    rows.push(
      ["app_cert_sn", certs.appCertSn],
      ["alipay_cert_sn", certs.alipayCertSn],
      ["alipay_root_cert_sn", certs.alipayRootCertSn],
    );
  }
  if (keyFiles) {
    rows.push(
      ["app private key", keyFiles.appPrivateKey],
      ["app public key", keyFiles.appPublicKey],
      ["Alipay public key", keyFiles.alipayPublicKey],
      ["app certificate", keyFiles.appCertificate],
      ["Alipay certificate", keyFiles.alipayPublicCertificate],
      ["Alipay root cert", keyFiles.alipayRootCertificate],
      ["appId / sellerId", keyFiles.app],
    );
  }
  const notes = [
    "Page / wap / QR payments open a cashier page on the simulator where the buyer pays or fails.",
    ...(rotateEveryMs !== undefined
      ? [
          `Alipay's public-key certificate rotates every ${rotateEveryMs} ms: answers then carry a new alipay_cert_sn, fetched with alipay.open.app.alipaycert.download.`,
        ]
      : []),
    ...(keyFiles
      ? [
          `Keys ${created ? "generated and written to" : "read from"} ${keysDir}` +
            ` (${ALIPAY_KEY_FILES.appPrivateKey} mode 0600; ${keysDir}/simulator/ is Alipay's side:` +
            " your app never needs it).",
        ]
      : [
          "Keys live in memory for this run only: run with --json (prints them) or --keys-dir DIR (writes them).",
        ]),
  ];
  return {
    id: "alipay",
    title: description.title,
    description,
    rows,
    notes,
    control,
    close: () => sandbox.close(),
  };
}
