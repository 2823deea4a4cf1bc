/**
 * URL of a module beside `baseUrl` (an `import.meta.url`), for modules started by path rather
 * than imported: worker entries, child processes, Vitest's global setup and reporters.
 * `relative` is written as in the sources (`./load-worker.ts`); when `baseUrl` is the compiled
 * package (`dist/…/x.js`) the sibling is the compiled `.js`, which tsc cannot rewrite for us
 * because it only rewrites import specifiers, not strings.
 */
export function siblingModuleUrl(relative: string, baseUrl: string): string {
  const url = new URL(relative, baseUrl);
  if (isCompiledModule(baseUrl)) url.pathname = url.pathname.replace(/\.ts$/, '.js');
  return url.href;
}

/** True when `moduleUrl` is the compiled package's JavaScript rather than a TypeScript source. */
export function isCompiledModule(moduleUrl: string): boolean {
  return /\.js$/.test(new URL(moduleUrl).pathname);
}
