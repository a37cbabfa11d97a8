export interface SurfaceName {
  readonly kind: string;
  /** The declaring file (repository-relative) and the declared name: two exports with one `from` mean one thing. */
  readonly from: string;
}
/** Package name -> package.json export key -> exported name. */
export type Surface = Record<string, Record<string, Record<string, SurfaceName>>>;
export interface LibraryEntry {
  readonly pkg: string;
  readonly entry: string;
  readonly specifier: string;
  readonly source: string;
}
export const repoRoot: string;
export const surfaceFile: string;
export function libraryEntries(): LibraryEntry[];
export function computeSurface(): Surface;
export function rootClashes(surface: Surface): { name: string; uses: { pkg: string; from: string }[] }[];
export function renderSurface(surface: Surface): string;
