import type { ServerResponse } from "node:http";

/** At most this many open console streams; more is refused rather than held open. */
export const MAX_STREAMS = 16;

/**
 * Server-sent events for the merchant console: while a console is open, the server takes a
 * snapshot of the orders every `intervalMs` and sends it only when it differs from the last one.
 * The page patches what changed in place, so nothing under the shop owner's cursor is replaced.
 */
export class ConsoleFeed {
  private readonly streams = new Set<ServerResponse>();
  private timer: NodeJS.Timeout | undefined;
  private last = "";
  private busy = false;

  constructor(
    private readonly snapshot: () => Promise<unknown>,
    private readonly intervalMs = 300,
  ) {}

  get open(): number {
    return this.streams.size;
  }

  /** Adds a stream (already answered with text/event-stream headers); false when full. */
  async add(stream: ServerResponse): Promise<boolean> {
    if (this.streams.size >= MAX_STREAMS) return false;
    this.streams.add(stream);
    stream.on("close", () => {
      this.streams.delete(stream);
      if (this.streams.size === 0) this.stop();
    });
    this.last = JSON.stringify(await this.snapshot());
    stream.write(`event: orders\ndata: ${this.last}\n\n`);
    this.timer ??= setInterval(() => void this.tick(), this.intervalMs);
    return true;
  }

  /** Sends a fresh snapshot now (after the console's own actions), if anything changed. */
  async tick(): Promise<void> {
    if (this.busy || this.streams.size === 0) return;
    this.busy = true;
    try {
      const data = JSON.stringify(await this.snapshot());
      if (data === this.last) return;
      this.last = data;
      for (const s of this.streams) s.write(`event: orders\ndata: ${data}\n\n`);
    } catch {
      // A snapshot that fails (the ledger closing at shutdown) is retried at the next tick.
    } finally {
      this.busy = false;
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  close(): void {
    this.stop();
    for (const s of this.streams) s.end();
    this.streams.clear();
  }
}
