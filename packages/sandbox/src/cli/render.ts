import type { StartedSimulator } from "./simulator.js";

/** The human-readable report: one block per simulator, then its control API with a curl each. */
export function renderText(started: readonly StartedSimulator[]): string {
  const out: string[] = ["PayBridge sandbox is running. Ctrl-C (SIGINT) or SIGTERM stops it.", ""];
  for (const sim of started) {
    out.push(sim.title);
    const width = Math.max(...sim.rows.map(([label]) => label.length));
    for (const [label, value] of sim.rows) out.push(`  ${label.padEnd(width)}  ${value}`);
    out.push("");
    for (const note of sim.notes) out.push(`  ${note}`);
    out.push("", "  Test-control API (plain HTTP, no signature):");
    for (const route of sim.control) {
      out.push(`    ${route.method} ${new URL(route.url).pathname}: ${route.purpose}`);
      out.push(`      ${route.curl}`);
    }
    out.push("");
  }
  return `${out.join("\n")}\n`;
}

/** The --json report: `{ "<id>": description, ... }` on one line, so a script can read the first line. */
export function renderJson(started: readonly StartedSimulator[]): string {
  const control = (s: StartedSimulator) => ({ ...s.description, control: s.control });
  return `${JSON.stringify(Object.fromEntries(started.map((s) => [s.id, control(s)])))}\n`;
}
