/**
 * The bundle check `npm run build` runs after Vite: the normal app must not
 * ship msw. Offline mode loads the simulation (src/mocks/, and msw with it)
 * through a lazy import, so msw belongs in a chunk of its own that only offline
 * mode fetches; if anything imports it statically, it lands in the entry chunk
 * (or a chunk the entry imports statically) and every page load pays for it.
 *
 *   node --import tsx scripts/check-bundle.ts [dir]   (default: dist)
 *
 * It reads the entry from `<dir>/index.html` (its module scripts and
 * modulepreload links), follows the static imports between chunks, and looks
 * for strings that only msw's own code contains. It prints one line and exits
 * 0 when none is there, or names the chunk and the strings and exits 1.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

/**
 * Strings found in msw 2.15's browser code and in no code of the app: its log
 * prefix, its documentation links, its worker protocol and its interceptors'
 * error class (the one left when only `HttpResponse` is imported). Not
 * "mockServiceWorker": the app's own code may name the worker's file.
 */
export const MSW_MARKERS = [
  '[MSW]',
  'mswjs.io',
  'INTEGRITY_CHECK_REQUEST',
  'MOCKING_ENABLED',
  'x-msw-intention',
  'InterceptorError',
] as const;

/** The msw markers a chunk's code contains. */
export function mswMarkersIn(code: string): string[] {
  return MSW_MARKERS.filter((marker) => code.includes(marker));
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(tag);
  return match ? (match[2] ?? match[3] ?? match[4]) : undefined;
}

/** The JavaScript an HTML page loads before it runs: module scripts' `src` and modulepreload links' `href`. */
export function entryModules(html: string): string[] {
  const found: string[] = [];
  for (const [tag] of html.matchAll(/<script\b[^>]*>/gi)) {
    const src = attribute(tag, 'src');
    if (src && attribute(tag, 'type')?.toLowerCase() === 'module') found.push(src);
  }
  for (const [tag] of html.matchAll(/<link\b[^>]*>/gi)) {
    const href = attribute(tag, 'href');
    if (href && attribute(tag, 'rel')?.toLowerCase() === 'modulepreload') found.push(href);
  }
  return found;
}

/**
 * The relative modules a chunk imports statically (`import … from "./x.js"`,
 * `import "./x.js"`, `export … from "./x.js"`); a dynamic `import("./x.js")`
 * is not one of them.
 */
export function staticImports(code: string): string[] {
  const specifiers = new Set<string>();
  const pattern =
    /(?<![\w$.])(?:import|export)\s*(?:[\w$\s{},*]*?\bfrom\s*)?(["'`])(\.{1,2}\/[^"'`\s]+)\1/g;
  for (const match of code.matchAll(pattern)) specifiers.add(match[2]!);
  return [...specifiers];
}

export interface ChunkReport {
  /** The chunk's path, relative to the folder checked. */
  file: string;
  bytes: number;
  gzipBytes: number;
  markers: string[];
}

/** The entry chunks named by index.html and every chunk they import statically, in that order. */
function collectChunks(dir: string, html: string): ChunkReport[] {
  const queue = entryModules(html)
    .filter((src) => !/^[a-z]+:/i.test(src)) // another origin's script is not the app's
    .map((src) => join(dir, src.replace(/^\.?\//, '')));
  const seen = new Set<string>();
  const chunks: ChunkReport[] = [];
  for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
    if (seen.has(path)) continue;
    seen.add(path);
    if (!existsSync(path))
      throw new Error(`${relative(dir, path)} is named by the build but missing.`);
    const code = readFileSync(path);
    const text = code.toString('utf8');
    chunks.push({
      file: relative(dir, path),
      bytes: code.length,
      gzipBytes: gzipSync(code).length,
      markers: mswMarkersIn(text),
    });
    for (const specifier of staticImports(text)) queue.push(join(dirname(path), specifier));
  }
  return chunks;
}

const kB = (bytes: number): string => `${(bytes / 1000).toFixed(1)} kB`;

/** Checks a built folder: `ok` and the one line to print. */
export function checkBundle(dir: string): { ok: boolean; line: string } {
  const indexHtml = join(dir, 'index.html');
  const shown = relative(process.cwd(), dir) || '.';
  if (!existsSync(indexHtml)) {
    return {
      ok: false,
      line: `Bundle check failed: ${shown}/index.html is missing (run vite build first).`,
    };
  }
  const chunks = collectChunks(dir, readFileSync(indexHtml, 'utf8'));
  const [entry, ...imported] = chunks;
  if (!entry) {
    return {
      ok: false,
      line: `Bundle check failed: ${shown}/index.html loads no module script, so there is no entry chunk to check.`,
    };
  }
  const guilty = chunks.filter((chunk) => chunk.markers.length > 0);
  if (guilty.length > 0) {
    const where = guilty
      .map((chunk) => `${chunk.file} (${chunk.markers.map((m) => `"${m}"`).join(', ')})`)
      .join(' and ');
    return {
      ok: false,
      line:
        `Bundle check failed: msw is in the normal app's entry code: ${where}. ` +
        `Something imports msw or src/mocks/ statically; load them only through the lazy import in src/main.tsx, behind the offline flag.`,
    };
  }
  const others =
    imported.length === 0
      ? ', which imports no other chunk statically'
      : ` or in the ${imported.length} chunk${imported.length === 1 ? '' : 's'} it imports statically (${kB(imported.reduce((sum, c) => sum + c.bytes, 0))})`;
  return {
    ok: true,
    line: `Bundle check: no msw in the entry chunk ${entry.file} (${kB(entry.bytes)}, ${kB(entry.gzipBytes)} gzipped)${others}.`,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  let result: { ok: boolean; line: string };
  try {
    result = checkBundle(resolve(process.argv[2] ?? 'dist'));
  } catch (error) {
    result = { ok: false, line: `Bundle check failed: ${(error as Error).message}` };
  }
  (result.ok ? console.log : console.error)(result.line);
  process.exitCode = result.ok ? 0 : 1;
}
