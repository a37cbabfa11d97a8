/**
 * The sandbox child process of `pnpm demo:serve` (started by sandbox-child.ts with
 * child_process.fork): runs both simulators, tells the shop where they are, and plays the buyer
 * when the shop's sandbox-only routes ask. It stops when the shop closes the channel or exits.
 */
import type { SandboxMessage, SandboxRequest } from "./sandbox-protocol.js";
import { endpointsOf, simulatorBuyer, startDemoSimulators } from "./simulators.js";

const send = process.send?.bind(process);
if (!send)
  throw new Error("sandbox-process.js runs as the demo server's child (child_process.fork), not on its own");
const reply = (message: SandboxMessage) => send(message);

const simulators = await startDemoSimulators();
const buyer = simulatorBuyer(simulators);
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  void simulators.close().then(() => process.exit(0));
};
// The shop closing the channel (or dying) ends the sandbox; Ctrl-C reaches the whole process group.
process.once("disconnect", stop);
process.once("SIGINT", stop);
process.once("SIGTERM", stop);

process.on("message", (request: SandboxRequest) => {
  const done =
    request.op === "pay"
      ? buyer.pay(request.wallet, request.outTradeNo)
      : buyer.failWechat(request.outTradeNo, request.reason);
  done.then(
    () => reply({ type: "reply", id: request.id }),
    (error: unknown) =>
      reply({ type: "reply", id: request.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
reply({ type: "ready", endpoints: endpointsOf(simulators) });
