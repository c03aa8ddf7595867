// Benchmark (not a test): the floor under the cold first visit (issue #19). A page that
// loads only what any build of this app must load before its first screen — the smallest
// Leptos app shaped like ours (bench/floor) started, and Automerge's editing, saving and
// loading (the replay module, built with the shipped settings) compiled — measured like
// bench/cold-visit.mjs: fresh Chromium context, CPU 4×, DevTools' 4G and slow 4G, brotli.
// Served over plain HTTP on loopback (no TLS round trips, unlike the production set-up),
// so the times are a lower bound for any build that ships Automerge in the first module.
//
// Needs the floors ./scripts/bench.sh builds (FLOOR_PKG, BENCH_DATA/automerge-only.wasm);
// part of bench/run.mjs when they are there.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { PROFILES, throttledPage } from './cold-visit.mjs';

const RUNS = Number(process.env.RUNS ?? 5);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>floor</title>
<link rel="modulepreload" href="/career-talk-floor.js">
<link rel="preload" as="fetch" type="application/wasm" href="/career-talk-floor_bg.wasm" crossorigin>
<link rel="preload" as="fetch" type="application/wasm" href="/automerge-only.wasm" crossorigin>
</head><body><script type="module">
import init from '/career-talk-floor.js';
const automerge = WebAssembly.compileStreaming(fetch('/automerge-only.wasm'));
await init({ module_or_path: '/career-talk-floor_bg.wasm' });
await automerge;
document.body.dataset.ready = '1';
</script></body></html>`;

/// Calls `row(what, value, budget, ok, note)` once per network profile (`ok` is null: the
/// budget is the app's, shown beside the floor).
export async function coldFloor(row, { floorPkg, automerge }) {
  const br = (bytes) => zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } });
  const files = {
    '/': { type: 'text/html; charset=utf-8', body: br(Buffer.from(PAGE)) },
    '/career-talk-floor.js': { type: 'text/javascript', body: br(fs.readFileSync(path.join(floorPkg, 'career-talk-floor.js'))) },
    '/career-talk-floor_bg.wasm': { type: 'application/wasm', body: br(fs.readFileSync(path.join(floorPkg, 'career-talk-floor_bg.wasm'))) },
    '/automerge-only.wasm': { type: 'application/wasm', body: br(fs.readFileSync(automerge)) },
  };
  const server = http.createServer((req, res) => {
    const f = files[new URL(req.url, 'http://x').pathname];
    if (!f) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'content-type': f.type, 'content-encoding': 'br', 'cache-control': 'no-store' });
    res.end(f.body);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/`;
  const { launch } = await import('../tests/e2e/harness.mjs');
  const browser = await launch();
  const total = Object.values(files).reduce((n, f) => n + f.body.length, 0);
  try {
    for (const profile of PROFILES) {
      const times = [];
      for (let i = 0; i < RUNS; i++) {
        const { context, page } = await throttledPage(browser, profile);
        const start = Date.now();
        await page.goto(url, { waitUntil: 'commit' });
        await page.waitForFunction(() => document.body?.dataset.ready === '1', null, { timeout: 120000 });
        times.push(Date.now() - start);
        await context.close();
      }
      const m = median(times);
      row(`Cold first visit floor: the smallest Leptos app started + Automerge compiled, plain HTTP (a lower bound), CPU 4×, ${profile.name}`,
        `${(m / 1000).toFixed(2)} s`, `the app's budget ≤ ${(profile.budget / 1000).toFixed(1)} s`, null,
        `median of ${RUNS}: ${times.map((t) => (t / 1000).toFixed(2)).join(' / ')} s; ${(total / 1024).toFixed(0)} KB brotli`);
    }
  } finally {
    await browser.close();
    server.close();
  }
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  const data = process.env.BENCH_DATA ?? '/tmp/career-talk-bench-data';
  await coldFloor((what, value, budget, ok, note) => console.log(`  ${what}: ${value} (${budget}) — ${note}`),
    { floorPkg: process.env.FLOOR_PKG ?? path.join(data, 'floor'), automerge: path.join(data, 'automerge-only.wasm') });
}
