import { describe, expect, it } from "vitest";
import { httpOrigin, isLoopbackHost } from "./host.js";

describe("isLoopbackHost", () => {
  it("knows loopback addresses", () => {
    for (const h of ["127.0.0.1", "127.255.0.3", "LOCALHOST", "::1", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"]) {
      expect(isLoopbackHost(h), h).toBe(true);
    }
    for (const h of [
      "0.0.0.0",
      "::",
      "128.0.0.1",
      "10.1.2.3",
      "::ffff:192.168.0.1",
      "localhost.example",
      "1270.0.0.1",
    ]) {
      expect(isLoopbackHost(h), h).toBe(false);
    }
  });

  it("builds origins with IPv6 in brackets", () => {
    expect(httpOrigin("127.0.0.1", 80)).toBe("http://127.0.0.1:80");
    expect(httpOrigin("::1", 8080)).toBe("http://[::1]:8080");
    expect(httpOrigin("localhost", 1)).toBe("http://localhost:1");
  });
});
