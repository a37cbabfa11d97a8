import { createServer, type IncomingHttpHeaders, request } from "node:http";
import type { AddressInfo } from "node:net";

export interface ProxiedResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A man in the middle between the provider and the sandbox: forwards requests unchanged and lets
 * a test rewrite the answer, to prove forged and tampered answers are refused.
 */
export async function startTamperProxy(
  target: string,
  mutate: (res: ProxiedResponse, path: string) => ProxiedResponse,
): Promise<{ origin: string; close(): Promise<void> }> {
  const upstream = new URL(target);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const forward = request(
        {
          hostname: upstream.hostname,
          port: upstream.port,
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (up) => {
          const body: Buffer[] = [];
          up.on("data", (c: Buffer) => body.push(c));
          up.on("end", () => {
            const out = mutate(
              {
                status: up.statusCode ?? 0,
                headers: { ...up.headers },
                body: Buffer.concat(body).toString("utf8"),
              },
              req.url ?? "",
            );
            const headers = { ...out.headers };
            delete headers["content-length"];
            delete headers["transfer-encoding"];
            res.writeHead(out.status, headers);
            res.end(out.body);
          });
        },
      );
      forward.end(Buffer.concat(chunks));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
