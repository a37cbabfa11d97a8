import { createAlipayCertificates } from "../../alipay/certificates.js";
import { startAlipayIsvSandbox } from "../../alipay/isv.js";
import { type AlipaySandbox, startAlipaySandbox } from "../../alipay/sandbox.js";
import type { AlipayAuthorizationOption } from "../args.js";
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
    const common = {
      host,
      port,
      keyMode,
      allowNonLoopbackNotify: options.allowRemote,
      ...(existing
        ? {
            appId: existing.appId,
            appKeys: existing.appKeys,
            alipayKeys: existing.alipayKeys,
            certificates: existing.certificates,
          }
        : {}),
    };
    const authorizations = options.alipayAuthorizations;
    // With --alipay-app-auth-token the app is an ISV's (第三方应用) acting for the merchants that
    // authorised it: one gateway, one book per merchant, picked by the app_auth_token of each call.
    const sandbox: RunningAlipay =
      authorizations.length > 0
        ? isvGateway(await startAlipayIsvSandbox({ ...common, authorizations }))
        : await startAlipaySandbox({ ...common, ...(existing ? { sellerId: existing.sellerId } : {}) });
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
    const described = describe(sandbox, keysDir, existing === undefined, every);
    const rotate = sandbox.rotateCertificate?.bind(sandbox);
    if (every === undefined || rotate === undefined) return described;
    if (!sandbox.certificates?.alipayRootPrivateKey) {
      await sandbox.close();
      throw new CliStartError(
        `--alipay-rotate-every-ms needs the root's private key, which ${keysDir ?? "the key folder"} does not hold (${ALIPAY_ROOT_PRIVATE_KEY_FILE}); delete the folder to generate a fresh set`,
      );
    }
    // A rotation that fails (it cannot, short of a bug) must not stop the simulator; the next one runs.
    const timer = setInterval(() => void rotate().catch(() => undefined), every);
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

/** What the CLI prints of a running gateway: a merchant's own, or an ISV's for several merchants. */
type RunningAlipay = Pick<
  AlipaySandbox,
  | "origin"
  | "gatewayUrl"
  | "appId"
  | "sellerId"
  | "keyMode"
  | "appKeys"
  | "alipayKeys"
  | "certificates"
  | "close"
> & {
  readonly authorizations?: readonly AlipayAuthorizationOption[];
  readonly rotateCertificate?: () => Promise<unknown>;
};

function isvGateway(isv: Awaited<ReturnType<typeof startAlipayIsvSandbox>>): RunningAlipay {
  const config = isv.isvConfig();
  return {
    origin: isv.origin,
    gatewayUrl: isv.gatewayUrl,
    appId: isv.appId,
    sellerId: config.sellerId,
    keyMode: isv.keyMode,
    appKeys: isv.appKeys,
    alipayKeys: isv.alipayKeys,
    certificates: isv.certificates,
    authorizations: isv.authorizations,
    close: () => isv.close(),
  };
}

function describe(
  sandbox: RunningAlipay,
  keysDir: string | undefined,
  created: boolean,
  rotateEveryMs: number | undefined,
): StartedSimulator {
  const origin = sandbox.origin;
  const control = alipayControlRoutes(origin);
  const authorizations = sandbox.authorizations ?? [];
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
    // ISV mode: what @paybridge/alipay's registerServiceProvider takes per authorising merchant,
    // and each one's control routes (?app_auth_token= picks its book).
    isv:
      authorizations.length > 0
        ? {
            authorizations: authorizations.map((a) => ({
              appAuthToken: a.appAuthToken,
              authAppId: a.authAppId,
              sellerId: a.sellerId,
              control: alipayControlRoutes(origin, a.appAuthToken),
            })),
          }
        : null,
    control,
  };
  const rows: [string, string][] = [
    ["gateway", sandbox.gatewayUrl],
    ["appId", sandbox.appId],
    ["sellerId", sandbox.sellerId],
    ["key mode", sandbox.keyMode],
    ...authorizations.map((a): [string, string] => [
      "app_auth_token",
      `${a.appAuthToken} (auth_app_id ${a.authAppId}, seller_id ${a.sellerId})`,
    ]),
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
    ...(authorizations.length > 0
      ? [
          `ISV app ${sandbox.appId}: every call carries one of the app_auth_tokens above, and each merchant's trades are its own; add ?app_auth_token=TOKEN to a control URL to act on that merchant's book.`,
        ]
      : []),
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
