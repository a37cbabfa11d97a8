import { createServer, type IncomingMessage, request, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { generateRsaKeyPair } from "../shared/rsa.js";
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
}

export interface AlipayIsvSandbox {
  /** http://127.0.0.1:PORT/gateway.do: the one gateway the ISV's app calls for every merchant. */
  readonly gatewayUrl: string;
  readonly appId: string;
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
  const appKeys = generateRsaKeyPair();
  const alipayKeys = generateRsaKeyPair();
  const books = new Map<string, AlipaySandbox>();
  for (const auth of options.authorizations) {
    books.set(
      auth.appAuthToken,
      await startAlipaySandbox({
        appId,
        appKeys,
        alipayKeys,
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
    appId,
    appKeys,
    alipayKeys,
    authorization: { appAuthToken: `unissued-${appKeys.publicKey.length}-${Date.now()}`, authAppId: appId },
  });
  const server = createServer((req, res) => {
    void forward(req, res, (token) => books.get(token ?? "") ?? refuser);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    gatewayUrl: `${origin}/gateway.do`,
    appId,
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
