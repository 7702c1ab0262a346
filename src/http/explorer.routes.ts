import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';

/**
 * Serves the lineage explorer (built by Vite into dist/explorer) at /explorer. The files are read once at start
 * into memory: a handful of small files, served from a map, so no request path ever reaches the filesystem.
 */

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

interface Asset {
  body: Buffer;
  contentType: string;
  immutable: boolean;
}

export function registerExplorerRoutes(app: FastifyInstance, buildDir: string): void {
  const assets = loadAssets(buildDir);
  const index = assets.get('index.html');

  app.get('/explorer', async (_request, reply) => reply.redirect('/explorer/', 301));
  app.get('/explorer/*', async (request, reply) => {
    const wanted = (request.params as { '*': string })['*'];
    // Unknown paths are client-side routes of the single-page app: they get index.html.
    const asset = assets.get(wanted) ?? (wanted.startsWith('assets/') ? undefined : index);
    if (!asset) {
      return reply
        .code(index ? 404 : 503)
        .type('text/plain')
        .send(index ? 'not found' : 'the explorer is not built: run `npm run build`');
    }
    return reply
      .header('cache-control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .type(asset.contentType)
      .send(asset.body);
  });
}

function loadAssets(buildDir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!fs.existsSync(buildDir)) return assets;
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        walk(full);
        continue;
      }
      const relative = path.relative(buildDir, full).split(path.sep).join('/');
      assets.set(relative, {
        body: fs.readFileSync(full),
        contentType: CONTENT_TYPES[path.extname(entry.name)] ?? 'application/octet-stream',
        // Vite puts content hashes in asset names, so they never change under the same name.
        immutable: relative.startsWith('assets/'),
      });
    }
  };
  walk(buildDir);
  return assets;
}
