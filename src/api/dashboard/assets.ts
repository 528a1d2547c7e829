// The dashboard's files, read once at start: the `web/` folder at the package root (beside src/ and dist/, so
// the same code finds it when run from either) and the one vendored library, uPlot, from node_modules. Every
// file is served under /assets/<version>/, where the version is a digest of all of them: a page always loads
// the files it was written for, and they can be cached for a year.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, gzipSync, constants as zlibConstants } from 'node:zlib';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

const SERVED_EXTENSIONS = new Set(['.html', '.js', '.css', '.svg']);

/** Below this a compressed copy saves too little to be worth a header. */
const MIN_COMPRESSED_BYTES = 1024;

export interface Asset {
  contentType: string;
  body: Buffer;
  /** Present when compression saves something. */
  gzip?: Buffer;
  brotli?: Buffer;
  etag: string;
}

export interface DashboardAssets {
  /** The digest of every file, the path segment after /assets/. */
  version: string;
  /** By path under /assets/<version>/, e.g. `app.js`, `views/videos.js`, `vendor/uPlot.esm.js`. */
  files: ReadonlyMap<string, Asset>;
  /** The HTML shell for `/`, with its asset links pointing at this version. */
  indexHtml: Asset;
  /** Settles when every brotli copy is made (until then gzip is served). */
  brotliReady: Promise<void>;
}

/** The package root: the nearest folder above this file that holds package.json (from src/ or dist/ alike). */
export function packageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let folder = from;
  while (!existsSync(join(folder, 'package.json'))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error(`no package.json above ${from}`);
    folder = parent;
  }
  return folder;
}

/** Served files (not web/tsconfig.json, which only type-checks them), relative to `folder`, with forward slashes. */
function listFiles(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((path) => SERVED_EXTENSIONS.has(extname(path)) && statSync(join(folder, path)).isFile())
    .map((path) => path.split(sep).join('/'));
}

const brotli = promisify(brotliCompress);

/**
 * gzip is made at once (level 9: about 20 ms for all the files); brotli at its best quality takes about 0.6 s
 * for uPlot alone, so it is made on libuv's thread pool, off the event loop, and served once it is there.
 */
function makeAsset(path: string, body: Buffer): { asset: Asset; brotliReady: Promise<void> } {
  const contentType = CONTENT_TYPES[extname(path)] ?? 'application/octet-stream';
  const asset: Asset = {
    contentType,
    body,
    etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
  };
  if (body.length < MIN_COMPRESSED_BYTES) return { asset, brotliReady: Promise.resolve() };
  const gzip = gzipSync(body, { level: 9 });
  if (gzip.length < body.length) asset.gzip = gzip;
  const brotliReady = brotli(body, {
    params: {
      [zlibConstants.BROTLI_PARAM_QUALITY]: 11,
      [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  }).then(
    (compressed) => {
      if (compressed.length < body.length) asset.brotli = compressed;
    },
    () => undefined,
  );
  return { asset, brotliReady };
}

const VENDOR_FILES = {
  'vendor/uPlot.esm.js': 'uplot/dist/uPlot.esm.js',
  'vendor/uPlot.min.css': 'uplot/dist/uPlot.min.css',
};

const loaded = new Map<string, DashboardAssets>();

/** The files are the same for every app a process builds (tests build many): read and compressed once. */
export function dashboardAssets(root: string = packageRoot()): DashboardAssets {
  let assets = loaded.get(root);
  if (!assets) {
    assets = loadDashboardAssets(root);
    loaded.set(root, assets);
  }
  return assets;
}

export function loadDashboardAssets(root: string): DashboardAssets {
  const webFolder = join(root, 'web');
  const sources = new Map<string, Buffer>();
  for (const path of listFiles(webFolder).sort()) sources.set(path, readFileSync(join(webFolder, path)));
  // Resolved as Node resolves the package, from the package root: uPlot's own files, not a copy.
  const require = createRequire(join(root, 'package.json'));
  for (const [path, specifier] of Object.entries(VENDOR_FILES)) {
    sources.set(path, readFileSync(require.resolve(specifier)));
  }
  const template = sources.get('index.html');
  if (!template) throw new Error(`${webFolder}/index.html is missing`);
  sources.delete('index.html');

  const digest = createHash('sha256');
  for (const [path, body] of sources) digest.update(path).update('\0').update(body).update('\0');
  digest.update(template);
  const version = digest.digest('base64url').slice(0, 12);

  const files = new Map<string, Asset>();
  const pending: Promise<void>[] = [];
  for (const [path, body] of sources) {
    const made = makeAsset(path, body);
    files.set(path, made.asset);
    pending.push(made.brotliReady);
  }
  const index = makeAsset(
    'index.html',
    Buffer.from(template.toString('utf8').replaceAll('/assets/VERSION/', `/assets/${version}/`)),
  );
  pending.push(index.brotliReady);
  return { version, files, indexHtml: index.asset, brotliReady: Promise.all(pending).then(() => undefined) };
}
