import { createServer, type IncomingMessage, request, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { isIP } from "node:net";
import { generateRsaKeyPair, type RsaKeyPair } from "../shared/rsa.js";
import { type AlipayCertificates, createAlipayCertificates } from "./certificates.js";
import { type AlipaySandbox, type AlipaySandboxMerchantConfig, startAlipaySandbox } from "./sandbox.js";

/** One merchant that authorised the ISV's app (第三方应用授权), as the sandbox plays it. */
export interface AlipayIsvAuthorization {
  /** The token the ISV received for this merchant (app_auth_token). */
  readonly appAuthToken: string;
  /** The authorising merchant's own app id: notifications name it in auth_app_id. */
  readonly authAppId: string;
  /** The merchant's seller id (PID): its trades' seller_id. */
  readonly sellerId: string;
}

export interface AlipayIsvSandboxOptions {
  /** The ISV's (third-party) app id. */
  readonly appId?: string;
  readonly authorizations: readonly AlipayIsvAuthorization[];
  /** Turns on for every authorising merchant's book; see AlipaySandboxOptions. */
  readonly refundQuerySettleMs?: number;
  /** public_key (default) or certificate: one set of certificates for the app, shared by every book. */
  readonly keyMode?: "public_key" | "certificate";
  /** The ISV app's key pair and Alipay's (e.g. read back from files); fresh when omitted. */
  readonly appKeys?: RsaKeyPair;
  readonly alipayKeys?: RsaKeyPair;
  /** Certificate mode: certificates made earlier for these keys; fresh when omitted. */
  readonly certificates?: AlipayCertificates;
  /** Where the one gateway listens (default 127.0.0.1, a free port); the books stay on 127.0.0.1. */
  readonly host?: string;
  readonly port?: number;
  /** Notifications go only to loopback addresses unless this is true. */
  readonly allowNonLoopbackNotify?: boolean;
}

export interface AlipayIsvSandbox {
  /** http://127.0.0.1:PORT/gateway.do: the one gateway the ISV's app calls for every merchant. */
  readonly gatewayUrl: string;
  /** http://HOST:PORT of the one gateway; control calls (/__sandbox/...) reach a merchant's book with ?app_auth_token=. */
  readonly origin: string;
  readonly appId: string;
  readonly keyMode: "public_key" | "certificate";
  readonly appKeys: RsaKeyPair;
  readonly alipayKeys: RsaKeyPair;
  readonly certificates: AlipayCertificates | undefined;
  readonly authorizations: readonly AlipayIsvAuthorization[];
  /** The ISV app's configuration for @paybridge/alipay (its keys, shared by every authorising merchant). */
  isvConfig(): AlipaySandboxMerchantConfig;
  /** The book of the merchant that authorised with `appAuthToken` (its trades, pay / advance controls). */
  merchant(appAuthToken: string): AlipaySandbox;
  close(): Promise<void>;
}

/**
 * One Alipay gateway for a third-party app acting for several merchants with their app_auth_token
 * (https://opendocs.alipay.com/isv/10467/xldcyq). Each authorising merchant has its own book (a
 * sandbox of its own, with the ISV app's keys): a trade of merchant A is never found with merchant
 * B's token, as Alipay keeps trades per seller. The gateway routes each call by the app_auth_token
 * it carries; a call with no or an unknown token is answered by a book that refuses it as Alipay
 * does (20001 aop.invalid-app-auth-token), signed like every answer.
 */
export async function startAlipayIsvSandbox(options: AlipayIsvSandboxOptions): Promise<AlipayIsvSandbox> {
  const appId = options.appId ?? "2021000149617099";
  const appKeys = options.appKeys ?? generateRsaKeyPair();
  const alipayKeys = options.alipayKeys ?? generateRsaKeyPair();
  const keyMode = options.keyMode ?? "public_key";
  const certificates =
    keyMode === "certificate"
      ? (options.certificates ?? (await createAlipayCertificates(alipayKeys, appKeys, appId)))
      : undefined;
  const shared = {
    appId,
    appKeys,
    alipayKeys,
    keyMode,
    ...(certificates ? { certificates } : {}),
    ...(options.allowNonLoopbackNotify ? { allowNonLoopbackNotify: true } : {}),
  };
  const books = new Map<string, AlipaySandbox>();
  for (const auth of options.authorizations) {
    books.set(
      auth.appAuthToken,
      await startAlipaySandbox({
        ...shared,
        sellerId: auth.sellerId,
        authorization: { appAuthToken: auth.appAuthToken, authAppId: auth.authAppId },
        ...(options.refundQuerySettleMs !== undefined
          ? { refundQuerySettleMs: options.refundQuerySettleMs }
          : {}),
      }),
    );
  }
  // Answers calls whose token authorises no merchant: its own token is never handed out.
  const refuser = await startAlipaySandbox({
    ...shared,
    authorization: { appAuthToken: `unissued-${appKeys.publicKey.length}-${Date.now()}`, authAppId: appId },
  });
  const server = createServer((req, res) => {
    void forward(req, res, (token) => books.get(token ?? "") ?? refuser);
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
    });
  } catch (error) {
    // A port in use must not leave the books listening.
    for (const book of [...books.values(), refuser]) await book.close();
    throw error;
  }
  const host = options.host ?? "127.0.0.1";
  const origin = `http://${isIP(host) === 6 ? `[${host}]` : host}:${(server.address() as AddressInfo).port}`;
  return {
    gatewayUrl: `${origin}/gateway.do`,
    origin,
    appId,
    keyMode,
    appKeys,
    alipayKeys,
    certificates,
    authorizations: options.authorizations.map((a) => ({ ...a })),
    isvConfig: () => ({ ...refuser.merchantConfig(), gateway: `${origin}/gateway.do` }),
    merchant(appAuthToken) {
      const book = books.get(appAuthToken);
      if (!book) throw new Error(`no merchant authorised with token ${appAuthToken}`);
      return book;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      for (const book of [...books.values(), refuser]) await book.close();
    },
  };
}

/** Forwards one request, byte for byte, to the book its app_auth_token (URL query or form body) names. */
async function forward(
  req: IncomingMessage,
  res: ServerResponse,
  bookOf: (token: string | undefined) => AlipaySandbox,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const token =
    url.searchParams.get("app_auth_token") ??
    new URLSearchParams(body.toString("utf8")).get("app_auth_token") ??
    undefined;
  const target = new URL(bookOf(token).origin);
  const upstream = request(
    {
      host: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: target.host },
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on("error", () => res.socket?.destroy());
  upstream.end(body);
}
