export * from "./in-person-loop.js";
