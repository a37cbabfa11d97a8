import { h, setAttr, setText } from "./dom.js";

// A unified state shown whole: number, name, Chinese label, and the provider's raw status.
export function stateBadge(kind) {
  const badge = h("span", { class: "badge", "data-kind": kind });
  const raw = h("span", { class: "raw mono" });
  return { el: h("span", { class: "state" }, badge, raw), badge, raw };
}

export function updateBadge(parts, s) {
  setAttr(parts.badge, "data-state", s.state);
  setText(parts.badge, `${s.state} ${s.name} ${s.label}`);
  setText(parts.raw, s.rawStatus || "");
}
