// A static server for the in-page replay (bench/replay.html): the repository's bench/ (with
// the automerge-paper trace, /bench/data/automerge-paper.json.gz) and node_modules/, the
// benchmark data directory as /data/, and an import map for the npm libraries, resolved from
// their package.json "exports" the way a browser bundler would (browser and import
// conditions), so no bundler is needed.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json', '.gz': 'application/gzip' };
const CONDITIONS = ['browser', 'module', 'import', 'default'];

function resolveTarget(target) {
  if (typeof target === 'string') return target;
  if (target && typeof target === 'object') {
    for (const c of CONDITIONS) if (c in target) { const r = resolveTarget(target[c]); if (r) return r; }
  }
  return null;
}

/// Import-map entries for every export of `pkg` (e.g. lib0/observable → /node_modules/lib0/observable.js).
function entries(root, pkg) {
  const json = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', pkg, 'package.json'), 'utf8'));
  const out = {};
  const exports = json.exports ?? { '.': json.module ?? json.main };
  for (const [sub, target] of Object.entries(exports)) {
    if (sub.includes('*')) continue;
    const file = resolveTarget(target);
    if (!file || !/\.m?js$/.test(file)) continue;
    out[sub === '.' ? pkg : `${pkg}/${sub.slice(2)}`] = `/node_modules/${pkg}/${file.replace(/^\.\//, '')}`;
  }
  return out;
}

export function importMap(root) {
  const imports = {
    ...entries(root, 'lib0'),
    ...entries(root, 'isomorphic.js'),
    ...entries(root, 'yjs'),
    // Automerge's own browser condition expects a bundler to load its .wasm; its default
    // ESM entry carries the wasm inline (base64) and works in a page as it is.
    '@automerge/automerge': '/node_modules/@automerge/automerge/dist/mjs/entrypoints/fullfat_base64.js',
  };
  return JSON.stringify({ imports });
}

export function startPageServer({ root, data }) {
  const map = `<script type="importmap">${importMap(root)}</script>`;
  const mounts = [['/data/', data], ['/node_modules/', path.join(root, 'node_modules')], ['/bench/', path.join(root, 'bench')]];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    const mount = mounts.find(([prefix]) => url.pathname.startsWith(prefix));
    const file = mount && path.join(mount[1], decodeURIComponent(url.pathname.slice(mount[0].length)));
    if (!file || !file.startsWith(mount[1]) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    if (file.endsWith('replay.html')) res.end(fs.readFileSync(file, 'utf8').replace('<!--IMPORTMAP-->', map));
    else fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((r) => server.close(r)),
  })));
}
