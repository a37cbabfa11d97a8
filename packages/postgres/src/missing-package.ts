/** Whether `error` is Node's "cannot find package" for `name` (ESM import or CommonJS require). */
export function isMissingPackage(error: unknown, name: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
    String((error as { message?: unknown }).message).includes(name)
  );
}
