import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * A young-generation collection on demand (V8's `gc({ type: "minor" })`), for ratio benchmarks
 * whose sides allocate: without it, a scavenge comes every ~1,500 notifications, costs several ms
 * of CPU (helper threads included) and lands on whichever side filled the nursery, so a round's
 * ratio swung by ±10% depending on where it fell. Collecting at the end of every slice, inside the
 * slice's timing, charges each side for its own garbage. `gc` is exposed by `node --expose-gc`
 * (`pnpm bench`); without the flag it is exposed here at run time, the way V8's flags allow
 * (https://nodejs.org/api/v8.html#v8setflagsfromstringflags), in a fresh context that sees it.
 */
export function minorGc(): () => void {
  const exposed = (globalThis as { gc?: (options?: { type: "minor" | "major" }) => void }).gc;
  const gc = exposed ?? exposeGc();
  return () => gc({ type: "minor" });
}

function exposeGc(): (options?: { type: "minor" | "major" }) => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as (options?: { type: "minor" | "major" }) => void;
}
