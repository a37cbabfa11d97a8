import { describe, expect, it } from "vitest";
import { parseCliArgs } from "./args.js";
import { CliUsageError } from "./errors.js";

const parse = (...argv: string[]) => parseCliArgs(argv, (p) => `/abs/${p}`);

function usageError(...argv: string[]): CliUsageError {
  try {
    parse(...argv);
  } catch (error) {
    if (error instanceof CliUsageError) return error;
    throw error;
  }
  throw new Error(`expected ${argv.join(" ")} to be rejected`);
}

describe("parseCliArgs", () => {
  it("defaults: every simulator on a free port, loopback, keys in memory, platform-certificate mode, text", () => {
    expect(parse()).toEqual({
      help: false,
      simulators: [
        { id: "wechat", port: 0 },
        { id: "alipay", port: 0 },
      ],
      host: "127.0.0.1",
      allowRemote: false,
      keysDir: undefined,
      wechatMode: "platform_certificate",
      wechatSwitch: undefined,
      alipayMode: "public_key",
      alipayRotateEveryMs: undefined,
      json: false,
      allowHttpNotify: false,
      wechatSubMerchants: [],
      alipayAuthorizations: [],
    });
  });

  it("reads sub-merchants and ISV authorisations, naming the flag when one does not fit", () => {
    const o = parse(
      "--wechat-sub-mchid",
      "1900000109",
      "--wechat-sub-mchid=1900000110:wxsub0000000001",
      "--alipay-app-auth-token",
      "tokenA",
      "--alipay-app-auth-token",
      "tokenB:2021000149610002:2088100000000002",
    );
    expect(o.wechatSubMerchants).toEqual([
      { mchid: "1900000109", appids: [] },
      { mchid: "1900000110", appids: ["wxsub0000000001"] },
    ]);
    expect(o.alipayAuthorizations).toEqual([
      { appAuthToken: "tokenA", authAppId: "2021000149620001", sellerId: "2088100000620001" },
      { appAuthToken: "tokenB", authAppId: "2021000149610002", sellerId: "2088100000000002" },
    ]);
    expect(usageError("--wechat-sub-mchid", "abc").message).toMatch(/--wechat-sub-mchid.*numeric MCHID/);
    expect(usageError("--wechat-sub-mchid", "1", "--wechat-sub-mchid", "1").message).toMatch(/given twice/);
    expect(usageError("--alipay", "--wechat-sub-mchid", "1").message).toMatch(/needs the WeChat simulator/);
    expect(usageError("--alipay-app-auth-token", "t:123").message).toMatch(/AUTH_APP_ID must be 16 digits/);
    expect(usageError("--alipay-app-auth-token", "t:2021000149610002:1234").message).toMatch(
      /SELLER_ID must be 2088/,
    );
    expect(usageError("--wechat", "--alipay-app-auth-token", "t").message).toMatch(
      /needs the Alipay simulator/,
    );
    expect(
      usageError("--alipay-mode=certificate", "--alipay-rotate-every-ms=5000", "--alipay-app-auth-token=t")
        .message,
    ).toMatch(/--alipay-rotate-every-ms.*--alipay-app-auth-token/);
  });

  it("reads the switch mode and its ramp flags, naming the flag when they do not fit", () => {
    expect(parse("--wechat-mode", "switch").wechatSwitch).toBeUndefined();
    expect(parse("--wechat-mode=switch", "--wechat-switch-ratio", "0.25").wechatSwitch).toEqual({
      ratio: 0.25,
    });
    const ramp = parse("--wechat-mode=switch", "--wechat-switch-day-ms=1000").wechatSwitch;
    expect(ramp?.schedule?.map((s) => [s.afterMs, s.ratio])).toEqual([
      [0, 0.001],
      [1000, 0.01],
      [2000, 0.05],
      [3000, 0.1],
      [4000, 0.2],
      [5000, 0.5],
      [6000, 1],
    ]);
    expect(() => parse("--wechat-switch-ratio=0.5")).toThrow(
      /--wechat-switch-ratio: needs --wechat-mode switch/,
    );
    expect(() => parse("--wechat-mode=switch", "--wechat-switch-ratio=2")).toThrow(
      /--wechat-switch-ratio: must be a number from 0 to 1/,
    );
    expect(() => parse("--wechat-mode=switch", "--wechat-switch-day-ms=0")).toThrow(
      /--wechat-switch-day-ms: must be a positive/,
    );
    expect(() =>
      parse("--wechat-mode=switch", "--wechat-switch-ratio=0.1", "--wechat-switch-day-ms=5"),
    ).toThrow(/not both/);
  });

  it("starts only the simulators named, in a fixed order", () => {
    expect(parse("--alipay=9001").simulators).toEqual([{ id: "alipay", port: 9001 }]);
    expect(parse("--alipay", "--wechat=9000").simulators).toEqual([
      { id: "wechat", port: 9000 },
      { id: "alipay", port: 0 },
    ]);
  });

  it("reads --wechat with and without a port", () => {
    expect(parse("--wechat").simulators).toEqual([{ id: "wechat", port: 0 }]);
    expect(parse("--wechat=8870").simulators).toEqual([{ id: "wechat", port: 8870 }]);
    expect(parse("--wechat=0").simulators).toEqual([{ id: "wechat", port: 0 }]);
    expect(parse("--wechat=65535").simulators).toEqual([{ id: "wechat", port: 65535 }]);
  });

  it("reads the other options", () => {
    const o = parse(
      "--wechat=9000",
      "--host",
      "::1",
      "--keys-dir",
      "keys",
      "--wechat-mode",
      "public_key",
      "--alipay-mode=certificate",
      "--json",
      "--allow-http-notify",
    );
    expect(o).toMatchObject({
      allowHttpNotify: true,
      host: "::1",
      keysDir: "/abs/keys",
      wechatMode: "public_key",
      alipayMode: "certificate",
      json: true,
    });
    expect(parse("--keys-dir=/tmp/k").keysDir).toBe("/abs//tmp/k");
    expect(parse("-h").help).toBe(true);
    expect(parse("--help").help).toBe(true);
  });

  it("reads --alipay-rotate-every-ms only with certificate mode and a period of at least a second", () => {
    expect(
      parse("--alipay-mode", "certificate", "--alipay-rotate-every-ms", "5000").alipayRotateEveryMs,
    ).toBe(5000);
    expect(() => parse("--alipay-rotate-every-ms", "5000")).toThrow(/--alipay-rotate-every-ms.*certificate/);
    expect(() => parse("--alipay-mode=certificate", "--alipay-rotate-every-ms", "10")).toThrow(
      /--alipay-rotate-every-ms.*at least 1000/,
    );
    expect(() => parse("--alipay-mode=certificate", "--alipay-rotate-every-ms", "soon")).toThrow(
      /--alipay-rotate-every-ms/,
    );
  });

  it("accepts loopback hosts and refuses others without --allow-remote", () => {
    for (const host of [
      "127.0.0.1",
      "127.8.9.10",
      "localhost",
      "::1",
      "0:0:0:0:0:0:0:1",
      "::ffff:127.0.0.1",
    ]) {
      expect(parse("--host", host).host).toBe(host);
    }
    for (const host of ["0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "example.com", "::ffff:10.0.0.1"]) {
      const e = usageError("--host", host);
      expect(e.flag).toBe("--host");
      expect(e.message).toContain(`${host} is not a loopback address`);
      expect(e.message).toContain("--allow-remote");
      expect(parse("--host", host, "--allow-remote")).toMatchObject({ host, allowRemote: true });
    }
  });

  it.each([
    [["--wechat=-1"], "--wechat", "port must be an integer from 0 to 65535"],
    [["--wechat=65536"], "--wechat", "port must be an integer from 0 to 65535"],
    [["--wechat=80a"], "--wechat", 'not "80a"'],
    [["--wechat=1.5"], "--wechat", "port must be"],
    [["--wechat", "8870"], "--wechat", "write the port as --wechat=8870"],
    [["--alipay=http"], "--alipay", 'not "http"'],
    [["--alipay", "9001"], "--alipay", "write the port as --alipay=9001"],
    [["--alipay-mode", "cert"], "--alipay-mode", 'must be one of public_key, certificate, not "cert"'],
    [
      ["--wechat-mode", "rsa"],
      "--wechat-mode",
      'must be one of platform_certificate, public_key, switch, not "rsa"',
    ],
    [["--host"], "--host", "needs a value"],
    [["--host", ""], "--host", "needs a host name or address"],
    [["--keys-dir"], "--keys-dir", "needs a value"],
    [["--keys-dir="], "--keys-dir", "needs a directory"],
    [["--json=yes"], "--json", "takes no value"],
    [["--port=1"], "--port", "unknown option"],
    [["-x"], "-x", "unknown option"],
    [["serve"], "serve", "unexpected argument"],
  ])("rejects %j naming %s", (argv, flag, text) => {
    const e = usageError(...argv);
    expect(e.flag).toBe(flag);
    expect(e.message.startsWith(`${flag}: `)).toBe(true);
    expect(e.message).toContain(text);
  });
});
