/** What runSandboxCli talks to: output streams, the signals that stop it, and the directory it runs in. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Calls `handler` once SIGINT or SIGTERM arrives; returns a function that stops listening. */
  onSignal(handler: (signal: string) => void): () => void;
  /** Relative --keys-dir paths resolve against this (the process cwd for the bin). */
  readonly cwd: string;
}

/** The real process: stdout, stderr, SIGINT and SIGTERM. */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    onSignal(handler) {
      const listener = (signal: NodeJS.Signals) => handler(signal);
      process.once("SIGINT", listener);
      process.once("SIGTERM", listener);
      return () => {
        process.off("SIGINT", listener);
        process.off("SIGTERM", listener);
      };
    },
    cwd: process.cwd(),
  };
}
