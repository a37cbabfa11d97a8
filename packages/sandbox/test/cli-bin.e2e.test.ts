import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPayAndQuery, exitOf, firstJsonLine, spawn, type WechatReport } from "./cli-harness.js";

// The built command exactly as package.json "bin" names it: the test runs the ESM build, not the
// sources, so `pnpm run build` must come first (the root `test` script does that).
const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as {
  bin: Record<string, string>;
};
const bin = join(packageDir, pkg.bin["paybridge-sandbox"] ?? "missing");
const tmp = mkdtempSync(join(tmpdir(), "pb-cli-bin-"));

beforeAll(() => {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`npx --yes pnpm@10.34.9 run build\` first`);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("paybridge-sandbox built bin (child process)", () => {
  it("is an executable node script", () => {
    expect(pkg.bin["paybridge-sandbox"]).toBe("./dist/esm/cli/bin.js");
    expect(readFileSync(bin, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
    accessSync(bin, constants.X_OK);
  });

  it("starts, prints JSON, serves the real provider from the key files it wrote, and stops on SIGTERM", async () => {
    const child = spawn(
      process.execPath,
      [bin, "--json", "--wechat=0", "--keys-dir", "keys", "--allow-http-notify"],
      {
        cwd: tmp,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    try {
      const report = (await firstJsonLine(child)) as { wechat: WechatReport };
      expect(report.wechat.keyFiles?.merchantPrivateKey).toBe(
        join(tmp, "keys", "wechat", "apiclient_key.pem"),
      );
      await createPayAndQuery(report.wechat);
      child.kill("SIGTERM");
      expect(await exitOf(child)).toBe(0);
      await expect(fetch(`${report.wechat.origin}/sandbox/control/requests`)).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });

  it("stops on SIGINT too, and says so", async () => {
    const child = spawn(process.execPath, [bin, "--wechat"], { cwd: tmp, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const started = new Promise<void>((resolve) =>
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString("utf8");
        if (out.includes("Test-control API")) resolve();
      }),
    );
    await started;
    child.kill("SIGINT");
    expect(await exitOf(child)).toBe(0);
    expect(out).toContain("Received SIGINT; simulators stopped.");
  });

  it("exits 2 on a bad flag with a message naming it", () => {
    const result = spawnSync(process.execPath, [bin, "--wechat=port"], { cwd: tmp, encoding: "utf8" });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("paybridge-sandbox: --wechat: port must be an integer from 0 to 65535");
  });
});
