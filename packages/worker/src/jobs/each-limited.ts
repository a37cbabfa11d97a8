/**
 * Runs `fn` over `items` with at most `concurrency` at once, and counts what came of them: a
 * throw is counted (and given to `onError`), never propagated, so one bad payment does not stop
 * the rest of a run.
 */
export async function eachLimited<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T) => Promise<boolean>,
  onError: (item: T, error: unknown) => void,
): Promise<{ changed: number; errors: number }> {
  let next = 0;
  let changed = 0;
  let errors = 0;
  const lane = async () => {
    for (let i = next++; i < items.length; i = next++) {
      const item = items[i] as T;
      try {
        if (await fn(item)) changed += 1;
      } catch (error) {
        errors += 1;
        onError(item, error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane));
  return { changed, errors };
}
