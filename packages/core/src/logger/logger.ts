/**
 * The logger port: the shape of pino's logger (object first, message second), so a pino instance
 * can be passed as is. PayBridge never logs through anything but a redacting wrapper.
 */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: object): Logger;
  /**
   * Whether a line at `level` would be written (pino's logger.isLevelEnabled). Optional: a logger
   * without it is taken to write every level. Wrappers skip their work for a disabled level.
   */
  isLevelEnabled?(level: string): boolean;
}

export type LogLevel = "debug" | "info" | "warn" | "error";

export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
  isLevelEnabled: () => false,
};

/** A logger that keeps lines in memory; for tests and for the demo's event table. */
export class MemoryLogger implements Logger {
  readonly lines: { level: string; obj: object; msg: string | undefined }[];
  constructor(
    private readonly bindings: object = {},
    lines?: { level: string; obj: object; msg: string | undefined }[],
  ) {
    this.lines = lines ?? [];
  }
  private push(level: string, obj: object, msg?: string): void {
    this.lines.push({ level, obj: { ...this.bindings, ...obj }, msg });
  }
  debug(obj: object, msg?: string): void {
    this.push("debug", obj, msg);
  }
  info(obj: object, msg?: string): void {
    this.push("info", obj, msg);
  }
  warn(obj: object, msg?: string): void {
    this.push("warn", obj, msg);
  }
  error(obj: object, msg?: string): void {
    this.push("error", obj, msg);
  }
  child(bindings: object): Logger {
    return new MemoryLogger({ ...this.bindings, ...bindings }, this.lines);
  }
  text(): string {
    return this.lines.map((l) => `${l.level} ${l.msg ?? ""} ${JSON.stringify(l.obj)}`).join("\n");
  }
}
