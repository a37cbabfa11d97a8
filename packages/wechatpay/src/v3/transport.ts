import {
  type Agent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
} from "node:http";
import { request as httpsRequest } from "node:https";
import { gunzipSync } from "node:zlib";
import {
  OutcomeUnknownError,
  type PaymentError,
  ProviderError,
  ProviderUnavailableError,
  UnsupportedOperationError,
} from "@paybridge/core/provider-kit";
import { WECHATPAY_ORIGINS } from "./config.js";
import { WECHAT_V3_PROVIDER, wechatError } from "./errors.js";
import type { WechatPayKeyStore } from "./key-store.js";
import { readV3Json } from "./transformers.js";
import type { TransportAgent } from "./transport-agent.js";
import { v3ErrorBodySchema } from "./wire-types.js";

/** What wechatpay-node-v3 expects back from its http service (lib/interface-v2 Output). */
export interface LibOutput {
  status: number;
  data?: unknown;
  error?: unknown;
}

/** Where 申请交易账单 / 申请资金账单 point their download_url. */
const BILL_FILE_PATH = "/v3/billdownload/file";

export interface TransportOptions {
  readonly origin: string;
  readonly timeoutMs: number;
  readonly keys: WechatPayKeyStore;
  /** The Agent requests go out on (a proxy tunnel, or the merchant's own); Node's global one by default. */
  readonly agent?: TransportAgent;
  /** Counts calls; for logs and tests. */
  readonly onRequest?: (method: string, path: string) => void;
}

/**
 * The http service plugged into wechatpay-node-v3 with `pay.createHttp(...)`. The library builds
 * and signs every request for https://api.mch.weixin.qq.com; here the request goes to the
 * configured origin instead (the signature covers the path only, so it stays valid), every
 * answer's signature is verified, and errors are thrown as typed PaymentErrors instead of being
 * returned as {status, error}.
 */
export class WechatV3Transport {
  /** The origin parsed once (the config schema checked it), not on every request. */
  private readonly target: URL;

  constructor(private readonly options: TransportOptions) {
    this.target = new URL(options.origin);
  }

  post(url: string, params: object, headers: Record<string, unknown>): Promise<LibOutput> {
    // The library signed JSON.stringify(params); send exactly those bytes.
    return this.send("POST", url, JSON.stringify(params), headers);
  }

  get(url: string, headers: Record<string, unknown>): Promise<LibOutput> {
    if (pathOf(url).startsWith(BILL_FILE_PATH)) return this.download(url, headers);
    return this.send("GET", url, undefined, headers);
  }

  /**
   * 下载账单 (https://pay.weixin.qq.com/doc/v3/merchant/4012556654): a signed GET of the download_url
   * whose answer is the bill file itself, unsigned; its integrity is the hash_value the signed
   * application answer carried. The file is handed on as the response stream, never buffered, so a
   * bill of any size parses in constant memory.
   */
  private async download(url: string, libHeaders: Record<string, unknown>): Promise<LibOutput> {
    const path = pathOf(url);
    this.options.onRequest?.("GET", path);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(libHeaders)) if (v !== undefined) headers[k] = String(v);
    headers["Accept-Encoding"] = "identity";
    const res = await this.open("GET", path, undefined, headers, false);
    if (res.statusCode === 200) return { status: 200, data: res };
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    return this.read("GET", path, {
      status: res.statusCode ?? 0,
      headers: res.headers,
      body: Buffer.concat(chunks).toString("utf8"),
    });
  }

  upload(): Promise<LibOutput> {
    return Promise.reject(new UnsupportedOperationError("wechatpay media upload is not part of PayBridge"));
  }

  private async send(
    method: "GET" | "POST",
    url: string,
    body: string | undefined,
    libHeaders: Record<string, unknown>,
  ): Promise<LibOutput> {
    const path = pathOf(url);
    this.options.onRequest?.(method, path);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(libHeaders)) if (v !== undefined) headers[k] = String(v);
    // Ask for identity encoding: the signature covers the decoded body and we read raw bytes.
    headers["Accept-Encoding"] = "identity";
    const serial = this.options.keys.requestSerial;
    if (serial) headers["Wechatpay-Serial"] = serial;
    if (body !== undefined) headers["Content-Length"] = Buffer.byteLength(body).toString();
    const response = await this.exchange(method, path, body, headers);
    return this.read(method, path, response);
  }

  private async read(method: string, path: string, res: RawResponse): Promise<LibOutput> {
    const what = `${method} ${path.split("?")[0]} answer`;
    const ok = res.status >= 200 && res.status < 300;
    if (ok) {
      if (path === "/v3/certificates") this.options.keys.acceptCertificates(res.headers, res.body);
      else await this.options.keys.verify(res.headers, res.body, what);
      return {
        status: res.status,
        data: res.body ? readV3Json(`${method} ${path.split("?")[0]}`, res.body) : undefined,
      };
    }
    // WeChat signs its error answers except some 5xx (500 SYSTEM_ERROR comes unsigned); a signed
    // error is verified so a tampered one is never believed, an unsigned one is only ever a failure.
    // The certificate download is how keys are obtained, so its own error cannot be verified yet.
    if (res.headers["wechatpay-signature"] !== undefined && path !== "/v3/certificates") {
      await this.options.keys.verify(res.headers, res.body, what);
    }
    throw errorFrom(res);
  }

  private async exchange(
    method: string,
    path: string,
    body: string | undefined,
    headers: Record<string, string>,
  ): Promise<RawResponse> {
    const res = await this.open(method, path, body, headers, true);
    return new Promise<RawResponse>((resolve, reject) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("error", (cause) => reject(lost(method, path, cause)));
      res.on("end", () => {
        let raw = Buffer.concat(chunks);
        if (res.headers["content-encoding"] === "gzip") raw = gunzipSync(raw);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: raw.toString("utf8") });
      });
    });
  }

  /**
   * Sends the request; resolves with the response as soon as its head arrives. `timeoutMs` keeps
   * guarding the body only when `bodyTimeout` is set: a streamed bill is read at its consumer's
   * pace, and a paused stream must not count as a dead connection.
   */
  private async open(
    method: string,
    path: string,
    body: string | undefined,
    headers: Record<string, string>,
    bodyTimeout: boolean,
  ): Promise<IncomingMessage> {
    const target = this.target;
    const agent: Agent | undefined =
      typeof this.options.agent === "function" ? await this.options.agent() : this.options.agent;
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise<IncomingMessage>((resolve, reject) => {
      let sent = false;
      const req = send(
        {
          protocol: target.protocol,
          hostname: target.hostname.replace(/^\[|\]$/g, ""),
          port: target.port || undefined,
          // The raw path, as signed: URL parsing would percent-encode "|" and break the signature.
          path,
          method,
          headers,
          timeout: this.options.timeoutMs,
          ...(agent ? { agent } : {}),
        },
        (res) => {
          if (!bodyTimeout) req.setTimeout(0);
          resolve(res);
        },
      );
      req.on("timeout", () =>
        req.destroy(
          new OutcomeUnknownError(
            `wechatpay ${method} ${path}: no answer within ${this.options.timeoutMs} ms`,
            {
              provider: WECHAT_V3_PROVIDER,
            },
          ),
        ),
      );
      req.on("error", (cause: NodeJS.ErrnoException) => {
        if (cause instanceof OutcomeUnknownError) return reject(cause);
        // Refused before anything was sent: nothing happened, retry safely.
        if (!sent || cause.code === "ECONNREFUSED" || cause.code === "ENOTFOUND") {
          return reject(
            new ProviderUnavailableError(`wechatpay ${method} ${path}: ${cause.message}`, {
              provider: WECHAT_V3_PROVIDER,
              cause,
            }),
          );
        }
        reject(lost(method, path, cause));
      });
      req.on("finish", () => {
        sent = true;
      });
      req.end(body);
    });
  }
}

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** The path with query of a library URL, whichever production host it was built for. */
export function pathOf(url: string): string {
  for (const origin of Object.values(WECHATPAY_ORIGINS))
    if (url.startsWith(origin)) return url.slice(origin.length);
  const parsed = /^https?:\/\/[^/]+(\/.*)$/.exec(url);
  return parsed?.[1] ?? url;
}

function lost(method: string, path: string, cause: unknown): PaymentError {
  return new OutcomeUnknownError(`wechatpay ${method} ${path}: the connection dropped before the answer`, {
    provider: WECHAT_V3_PROVIDER,
    cause,
  });
}

function errorFrom(res: RawResponse): PaymentError {
  let code: string | undefined;
  let message: string | undefined;
  try {
    const parsed = v3ErrorBodySchema.safeParse(JSON.parse(res.body));
    if (parsed.success) ({ code, message } = parsed.data);
  } catch {
    // not JSON: classified by status below
  }
  if (code) return wechatError({ code, message, httpStatus: res.status });
  if (res.status >= 500) {
    return new ProviderUnavailableError(`wechatpay HTTP ${res.status}`, {
      provider: WECHAT_V3_PROVIDER,
      httpStatus: res.status,
    });
  }
  return new ProviderError(`wechatpay HTTP ${res.status}: ${res.body.slice(0, 200)}`, {
    provider: WECHAT_V3_PROVIDER,
    httpStatus: res.status,
  });
}
