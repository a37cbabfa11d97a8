import { describe, expect, it } from "vitest";
import { z } from "zod";
import { withFastPath } from "../schemas/fast-path.js";
import { fastPathDisagreements } from "./fast-path-agreement.js";

const inputs = [{ n: 1 }, { n: -1 }, { n: "1" }, null, { n: 2, extra: true }];

describe("fastPathDisagreements", () => {
  it("finds none when the fast path accepts a subset of what the schema accepts, with its output", () => {
    const schema = withFastPath(z.object({ n: z.number().int().positive() }), (v) =>
      typeof v === "object" && v !== null && "n" in v && v.n === 1 && Object.keys(v).length === 1
        ? { n: 1 }
        : undefined,
    );
    expect(fastPathDisagreements(schema, inputs)).toEqual({ checked: 5, taken: 1, disagreements: [] });
  });

  it("reports an input the fast path accepts and the schema refuses, with the schema's issues", () => {
    const schema = withFastPath(z.object({ n: z.number().int().positive() }), (v) =>
      typeof v === "object" && v !== null && "n" in v && typeof v.n === "number" ? { n: v.n } : undefined,
    );
    const { taken, disagreements } = fastPathDisagreements(schema, inputs);
    expect(taken).toBe(3);
    expect(disagreements).toHaveLength(1);
    expect(disagreements[0]).toMatchObject({ kind: "schema_refuses", input: { n: -1 }, fast: { n: -1 } });
    expect(disagreements[0]?.kind === "schema_refuses" && disagreements[0].issues[0]?.path).toEqual(["n"]);
  });

  it("reports a different output, strictly: a key holding undefined is a difference", () => {
    const schema = withFastPath(z.object({ n: z.number(), note: z.string().optional() }), (v) =>
      typeof v === "object" && v !== null && "n" in v && typeof v.n === "number"
        ? { n: v.n, note: undefined }
        : undefined,
    );
    const { disagreements } = fastPathDisagreements(schema, [{ n: 1 }]);
    expect(disagreements).toEqual([
      { kind: "different_output", input: { n: 1 }, fast: { n: 1, note: undefined }, schema: { n: 1 } },
    ]);
  });

  it("refuses a schema without a fast path", () => {
    expect(() => fastPathDisagreements(z.string(), ["x"])).toThrow(/no fast path/);
  });
});
