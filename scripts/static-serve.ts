/**
 * A plain static file server for a built site, with no lab API behind it: a
 * request to /api/… is a 404 like any other missing file. The offline build
 * (`dist-offline/`) runs on it as it would on any static host, and the normal
 * build (`dist/`) on it is the lab whose server does not answer.
 *
 *   node --import tsx scripts/static-serve.ts [dir] [--port N] [--base /course/lab/]
 *
 * `STATIC_DIR`, `STATIC_PORT` and `STATIC_BASE` say the same (a flag wins over
 * its variable); the defaults are `dist-offline`, 8190 and `/`. With a base
 * other than `/` the site is mounted under it (as on a host that serves it from
 * a sub-path) and `/` redirects there. It listens on 127.0.0.1 only and stops on
 * SIGINT or SIGTERM.
 */
import { existsSync } from 'node:fs';
import { extname, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance } from 'fastify';

export interface StaticOptions {
  /** The folder served (absolute). */
  dir: string;
  /** 0 picks a free port. */
  port: number;
  /** Where the site is mounted: `/`, or a path that starts and ends with `/`. */
  base: string;
}

export const STATIC_HOST = '127.0.0.1';

/** The content type of each kind of file a Vite build writes. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** The content type for a file name, or undefined to leave it to the MIME table. */
export function contentTypeFor(path: string): string | undefined {
  return CONTENT_TYPES[extname(path).toLowerCase()];
}

/**
 * `/course/lab` → `/course/lab/`; `/` stays `/`. Throws a sentence for a base
 * that is not an absolute path of plain segments.
 */
export function normalizeBase(raw: string): string {
  const base = raw.trim() === '' ? '/' : raw.trim();
  const segments = base.split('/').filter((s) => s !== '');
  const plain = /^[A-Za-z0-9._~-]+$/;
  if (!base.startsWith('/') || segments.some((s) => !plain.test(s) || s === '.' || s === '..')) {
    throw new Error(
      `The base "${raw}" is not a path like /course/lab/: it must start with / and hold only letters, digits and . _ ~ - between the slashes.`,
    );
  }
  return segments.length === 0 ? '/' : `/${segments.join('/')}/`;
}

function parsePort(raw: string): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) {
    throw new Error(`The port "${raw}" is not a number from 0 to 65535.`);
  }
  return port;
}

/** The options from the command line (flags win) and the environment. */
export function parseStaticArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd: string = process.cwd(),
): StaticOptions {
  let dir = env.STATIC_DIR;
  let port = env.STATIC_PORT;
  let base = env.STATIC_BASE;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.startsWith('--') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    if (flag !== '--port' && flag !== '--base') {
      if (arg.startsWith('-')) throw new Error(`Unknown option "${arg}" (use --port or --base).`);
      dir = arg;
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value.`);
    if (flag === '--port') port = value;
    else base = value;
  }
  return {
    dir: resolve(cwd, dir ?? 'dist-offline'),
    port: parsePort(port ?? '8190'),
    base: normalizeBase(base ?? '/'),
  };
}

/** The server for a built folder, not yet listening. */
export async function createStaticServer(options: StaticOptions): Promise<FastifyInstance> {
  if (!existsSync(join(options.dir, 'index.html'))) {
    const shown = relative(process.cwd(), options.dir) || '.';
    throw new Error(
      `${shown}/ has no index.html: build it first (npm run build:offline for dist-offline/, npm run build for dist/).`,
    );
  }
  const app = Fastify({ logger: false });
  await app.register(fastifyStatic, {
    root: options.dir,
    // Given without its last slash, the plugin also redirects `/course/lab` to `/course/lab/`,
    // so that the page's relative URLs resolve under the base.
    prefix: options.base === '/' ? '/' : options.base.slice(0, -1),
    redirect: true,
    index: 'index.html',
    setHeaders: (reply, path) => {
      const type = contentTypeFor(path);
      if (type) reply.header('content-type', type);
    },
  });
  if (options.base !== '/') {
    app.get('/', (_request, reply) => reply.redirect(options.base));
  }
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .type('text/plain; charset=utf-8')
      .send(`Not found: ${request.url} (a static site: no lab server here)\n`),
  );
  return app;
}

async function main(): Promise<void> {
  let options: StaticOptions;
  let app: FastifyInstance;
  try {
    options = parseStaticArgs(process.argv.slice(2));
    app = await createStaticServer(options);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
  const stop = (): void => {
    void app.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await app.listen({ host: STATIC_HOST, port: options.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shown = relative(process.cwd(), options.dir) || '.';
  console.log(
    `Serving ${shown}/ on http://${STATIC_HOST}:${port}${options.base} (static files only, no lab API)`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main();
}
