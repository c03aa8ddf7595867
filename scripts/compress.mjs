// Writes a brotli (.br, best quality) and a gzip (.gz) copy beside every text and wasm file
// of a build, for a server that sends them as they are (Caddy's `precompressed br gzip`, see
// deploy/caddy/Caddyfile): nothing is compressed per request. A copy that would not be
// smaller is not written.
//
//   node scripts/compress.mjs [dir]       (default: dist)
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const dir = path.resolve(process.argv[2] ?? 'dist');
const COMPRESSIBLE = /\.(html|js|mjs|css|wasm|svg|json|webmanifest|txt)$/;

function walk(d) {
  return fs.readdirSync(d, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)],
  );
}

let before = 0;
let after = 0;
for (const file of walk(dir).filter((f) => COMPRESSIBLE.test(f))) {
  const body = fs.readFileSync(file);
  const br = zlib.brotliCompressSync(body, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: zlib.constants.BROTLI_MAX_QUALITY,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length,
    },
  });
  const gz = zlib.gzipSync(body, { level: zlib.constants.Z_BEST_COMPRESSION });
  for (const [ext, packed] of [['.br', br], ['.gz', gz]]) {
    if (packed.length < body.length) fs.writeFileSync(file + ext, packed);
    else fs.rmSync(file + ext, { force: true });
  }
  before += body.length;
  after += Math.min(br.length, body.length);
}
console.log(`${process.argv[2] ?? 'dist'}: ${(before / 1024).toFixed(0)} KiB → ${(after / 1024).toFixed(0)} KiB brotli`);
