import { ValidationError } from "@paybridge/core";
import { describe, expect, it } from "vitest";
import { parseWorkerArgs } from "./worker-args.js";

describe("paybridge-worker arguments", () => {
  it("parses the modes", () => {
    expect(parseWorkerArgs(["--app", "a.js"])).toMatchObject({ app: "a.js", mode: "run" });
    expect(parseWorkerArgs(["--app", "a.js", "--health"]).mode).toBe("health");
    expect(parseWorkerArgs(["--app", "a.js", "--once", "prune,pollRefunds"]).jobs).toEqual([
      "prune",
      "pollRefunds",
    ]);
    expect(parseWorkerArgs(["--app", "a.js", "--once", "all"]).jobs).toHaveLength(7);
  });

  it("names the flag that is wrong", () => {
    expect(() => parseWorkerArgs([])).toThrow(/--app is required/);
    expect(() => parseWorkerArgs(["--app", "a.js", "--once", "nope"])).toThrow(/unknown job nope/);
    expect(() => parseWorkerArgs(["--app", "a.js", "--engine", "cron"])).toThrow(ValidationError);
    expect(() => parseWorkerArgs(["--app", "a.js", "--health-every-ms", "5"])).toThrow(/>= 1000/);
    expect(() => parseWorkerArgs(["--app"])).toThrow(/needs a value/);
  });
});
