import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { notFound, sendError } from './errors';

/**
 * Serves the built app from `staticDir` when it has an index.html, with an SPA
 * fallback: a GET outside /api that matches no file gets index.html. Every
 * other unknown route gets a 404 JSON error.
 */
export async function installStatic(app: FastifyInstance, staticDir: string | null): Promise<void> {
  const root = staticDir && existsSync(join(staticDir, 'index.html')) ? staticDir : null;
  if (root) {
    await app.register(fastifyStatic, { root, wildcard: true, index: 'index.html' });
  }
  app.setNotFoundHandler((request, reply) => {
    const isApi = request.url === '/api' || request.url.startsWith('/api/');
    if (root && !isApi && (request.method === 'GET' || request.method === 'HEAD')) {
      return reply.type('text/html; charset=utf-8').sendFile('index.html', root);
    }
    return sendError(reply, notFound(request));
  });
}
