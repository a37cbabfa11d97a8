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
  /** What every request's options share, worked out once from the origin. */
  private readonly protocol: string;
  private readonly hostname: string;
  private readonly port: string | undefined;
  private readonly requestFn: typeof httpRequest;

  constructor(private readonly options: TransportOptions) {
    this.target = new URL(options.origin);
    this.protocol = this.target.protocol;
    // An IPv6 literal's brackets are URL syntax, not part of the host node:http connects to.
    this.hostname = this.target.hostname.replace(/^\[|\]$/g, "");
    this.port = this.target.port || undefined;
    this.requestFn = this.protocol === "https:" ? httpsRequest : httpRequest;
  }

  post(url: string, params: object, headers: Record<string, unknown>): Promise<LibOutput> {
    // The library signed JSON.stringify(params); send exactly those bytes.
    return this.send("POST", pathOf(url), JSON.stringify(params), headers);
  }

  get(url: string, headers: Record<string, unknown>): Promise<LibOutput> {
    const path = pathOf(url);
    if (path.startsWith(BILL_FILE_PATH)) return this.download(path, headers);
    return this.send("GET", path, undefined, headers);
  }

  /**
   * 下载账单 (https://pay.weixin.qq.com/doc/v3/merchant/4012556654): a signed GET of the download_url
   * whose answer is the bill file itself, unsigned; its integrity is the hash_value the signed
   * application answer carried. The file is handed on as the response stream, never buffered, so a
   * bill of any size parses in constant memory.
   */
  private async download(path: string, libHeaders: Record<string, unknown>): Promise<LibOutput> {
    this.options.onRequest?.("GET", path);
    const headers = copyHeaders(libHeaders);
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

  private send(
    method: "GET" | "POST",
    path: string,
    body: string | undefined,
    libHeaders: Record<string, unknown>,
  ): Promise<LibOutput> {
    this.options.onRequest?.(method, path);
    const headers = copyHeaders(libHeaders);
    // Ask for identity encoding: the signature covers the decoded body and we read raw bytes.
    headers["Accept-Encoding"] = "identity";
    const serial = this.options.keys.requestSerial;
    if (serial) headers["Wechatpay-Serial"] = serial;
    if (body !== undefined) headers["Content-Length"] = Buffer.byteLength(body).toString();
    // One promise per exchange and a synchronous read when the key is held (the case of every call
    // but the first after a rotation): each async hop was a measurable share of PayBridge's own
    // cost per call in the refund + query benchmark (docs/performance.md, section 1).
    return this.exchange(method, path, body, headers).then((res) => this.read(method, path, res));
  }

  private read(method: string, path: string, res: RawResponse): LibOutput | Promise<LibOutput> {
    const route = `${method} ${withoutQuery(path)}`;
    const what = `${route} answer`;
    const ok = res.status >= 200 && res.status < 300;
    if (ok) {
      const answer = () => ({
        status: res.status,
        data: res.body ? readV3Json(route, res.body) : undefined,
      });
      if (path === "/v3/certificates") {
        this.options.keys.acceptCertificates(res.headers, res.body);
        return answer();
      }
      const pending = this.options.keys.verify(res.headers, res.body, what);
      return pending === undefined ? answer() : pending.then(answer);
    }
    // WeChat signs its error answers except some 5xx (500 SYSTEM_ERROR comes unsigned); a signed
    // error is verified so a tampered one is never believed, an unsigned one is only ever a failure.
    // The certificate download is how keys are obtained, so its own error cannot be verified yet.
    if (res.headers["wechatpay-signature"] !== undefined && path !== "/v3/certificates") {
      const pending = this.options.keys.verify(res.headers, res.body, what);
      if (pending !== undefined)
        return pending.then(() => {
          throw errorFrom(res);
        });
    }
    throw errorFrom(res);
  }

  private exchange(
    method: string,
    path: string,
    body: string | undefined,
    headers: Record<string, string>,
  ): Promise<RawResponse> {
    return new Promise<RawResponse>((resolve, reject) => {
      // As with open: the request's own errors count until the head arrives, the body's after.
      let head = false;
      const refuse = (error: unknown) => {
        if (!head) reject(error);
      };
      this.start({
        method,
        path,
        body,
        headers,
        bodyTimeout: true,
        reject: refuse,
        onResponse: (res) => {
          head = true;
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("error", (cause) => reject(lost(method, path, cause)));
          res.on("end", () => {
            let raw = Buffer.concat(chunks);
            if (res.headers["content-encoding"] === "gzip") raw = gunzipSync(raw);
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: raw.toString("utf8") });
          });
        },
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
    return new Promise<IncomingMessage>((resolve, reject) => {
      this.start({ method, path, body, headers, bodyTimeout, reject, onResponse: resolve });
    });
  }

  /** Sends the request; its `onResponse` gets the response head, its `reject` a typed error (see open). */
  private start(request: OutgoingRequest): void {
    const agent = this.options.agent;
    if (typeof agent !== "function") {
      this.startOn(agent, request);
      return;
    }
    // A proxy tunnel, opened on the first request (transport-agent.ts); the same Agent after.
    agent().then((tunnel) => this.startOn(tunnel, request), request.reject);
  }

  private startOn(agent: Agent | undefined, request: OutgoingRequest): void {
    const { method, path, body, headers, bodyTimeout, reject, onResponse } = request;
    let sent = false;
    const req = this.requestFn(
      {
        protocol: this.protocol,
        hostname: this.hostname,
        port: this.port,
        // The raw path, as signed: URL parsing would percent-encode "|" and break the signature.
        path,
        method,
        headers,
        timeout: this.options.timeoutMs,
        // Undefined: Node's global agent, as when the option is left out.
        agent,
      },
      (res) => {
        if (!bodyTimeout) req.setTimeout(0);
        onResponse(res);
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
  }
}

/** The library's headers as strings, its undefined ones left out. */
function copyHeaders(libHeaders: Record<string, unknown>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const k in libHeaders) {
    const v = libHeaders[k];
    if (v !== undefined) headers[k] = String(v);
  }
  return headers;
}

/** `path` without its query string (split only when it has one). */
function withoutQuery(path: string): string {
  const q = path.indexOf("?");
  return q === -1 ? path : path.slice(0, q);
}

const ORIGINS: readonly string[] = Object.values(WECHATPAY_ORIGINS);

/** What start and startOn need to send one request and report how it went. */
interface OutgoingRequest {
  readonly method: string;
  /** The path with query, exactly as signed. */
  readonly path: string;
  readonly body: string | undefined;
  readonly headers: Record<string, string>;
  /** Whether `timeoutMs` keeps guarding the body once the head has arrived (see open). */
  readonly bodyTimeout: boolean;
  /** Gets what failed: the tunnel's opening, or the request itself as a typed PaymentError. */
  readonly reject: (error: unknown) => void;
  /** Gets the response as soon as its head arrives. */
  readonly onResponse: (res: IncomingMessage) => void;
}

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** The path with query of a library URL, whichever production host it was built for. */
export function pathOf(url: string): string {
  for (const origin of ORIGINS) if (url.startsWith(origin)) return url.slice(origin.length);
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
