// Benchmarks (not tests): bundle size, start-up, typing, merge and storage, measured in
// headless Chromium on this machine against the release build (dist/), with data generated
// by the core (`core/examples/bench_data.rs`). Prints one table and writes bench/results.md.
// `--check` exits non-zero when a budget is missed. Run: ./scripts/bench.sh [check]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MADE_BY, TRACE, replayLibraries, requireInputs } from './inputs.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DIST = path.resolve(process.env.BENCH_DIST ?? path.join(ROOT, 'dist')); // BENCH_DIST: another build, to compare
const DATA = process.env.BENCH_DATA ?? path.join(os.tmpdir(), 'career-talk-bench-data');
const RUNS = Number(process.env.RUNS ?? 5);
const KEYS = Number(process.env.KEYS ?? 1000);
const THROTTLE = 4;
const check = process.argv.includes('--check');
// ONLY=typing,merge runs some of the measures (while working on one).
const want = (name) => !process.env.ONLY || process.env.ONLY.split(',').includes(name);

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(s.length * p))]; };
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const ms = (n) => `${n.toFixed(1)} ms`;
const rows = [];
function row(what, value, budget, ok, note = '') {
  rows.push({ what, value, budget, ok, note });
  console.log(`${ok === null ? ' ' : ok ? '✓' : '✗'} ${what}: ${value}${budget ? ` (budget ${budget})` : ''}${note ? ` — ${note}` : ''}`);
}

// Every input the chosen measures read, checked before anything starts: a missing or
// unreadable one is a line naming it and what produces it, and exit status 1.
{
  const data = (name) => ({ file: path.join(DATA, name), base: DATA, madeBy: MADE_BY.data });
  const npm = path.join(ROOT, 'node_modules');
  const inputs = [
    { file: path.join(DIST, 'index.html'), base: DIST, madeBy: MADE_BY.dist },
    { file: path.join(npm, 'playwright-core', 'package.json'), base: npm, madeBy: MADE_BY.npm },
  ];
  const floor = process.env.FLOOR_PKG;
  if (want('bundle') && floor && fs.existsSync(floor) && fs.existsSync(path.join(DATA, 'automerge-only.wasm'))) {
    inputs.push(...['career-talk-floor_bg.wasm', 'career-talk-floor.js'].map((f) => ({ file: path.join(floor, f), madeBy: MADE_BY.floor })),
      { file: path.join(DATA, 'automerge-only.wasm'), madeBy: MADE_BY.floor });
  }
  if (want('startup')) inputs.push(data('team-100.json'), data('team-50x10.json'));
  if (want('typing')) inputs.push(data('typing.json'));
  // A merge data set is measured when its expected result is there, as before.
  for (const prefix of ['merge', 'merge-paused']) {
    if (want('merge') && fs.existsSync(path.join(DATA, `${prefix}-expected.json`))) {
      inputs.push(...[`${prefix}-expected.json`, `${prefix}-local.json`, `${prefix}-other.ctalk`].map(data));
    }
  }
  if (want('storage')) inputs.push(data('team-50.json'), data('team-50.plain.json'));
  if (want('replay')) {
    inputs.push({ file: TRACE, madeBy: MADE_BY.trace }, ...replayLibraries(),
      { file: path.join(npm, '@automerge/automerge/dist/mjs/entrypoints/fullfat_base64.js'), base: npm, madeBy: MADE_BY.npm });
    // A replay module is measured when its directory is there, as before.
    for (const pkg of ['replay-z-web', 'replay-3-web']) {
      if (!fs.existsSync(path.join(DATA, pkg))) continue;
      inputs.push(...['career_talk_replay.js', 'career_talk_replay_bg.wasm'].map((f) => ({ file: path.join(DATA, pkg, f), madeBy: MADE_BY.replay })));
    }
  }
  requireInputs(inputs, 'bench');
}
// Loaded once the inputs are known to be there (the harness needs playwright-core).
const { startServer, launch } = await import('../tests/e2e/harness.mjs');
const { startPageServer } = await import('./page-server.mjs');
const { seed } = await import('./seed.mjs');

const server = await startServer({}, { dist: DIST });
const browser = await launch();

async function page({ storage } = {}) {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  if (storage) {
    await seed(context, fs.readFileSync(path.join(DATA, storage), 'utf8'));
  }
  const p = await context.newPage();
  const cdp = await context.newCDPSession(p);
  return { context, page: p, cdp };
}
const throttle = (cdp, rate) => cdp.send('Emulation.setCPUThrottlingRate', { rate });

// 1. Bundle: every asset a cold first load fetches.
if (want('bundle')) {
  const { context, page: p } = await page();
  const fetched = new Set();
  p.on('response', (r) => { const u = new URL(r.url()); if (u.origin === server.url) fetched.add(u.pathname); });
  await p.goto(server.url + '/');
  await p.getByTestId('save-state').waitFor();
  await p.waitForTimeout(1500); // the service worker's precache
  let raw = 0, gz = 0, br = 0;
  const files = [];
  for (const f of fetched) {
    const file = path.join(DIST, f === '/' ? 'index.html' : decodeURIComponent(f));
    if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) continue;
    const bytes = fs.readFileSync(file);
    const g = zlib.gzipSync(bytes, { level: 9 }).length;
    const b = zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
    raw += bytes.length; gz += g; br += b;
    files.push(`${path.basename(file)} ${kb(bytes.length)} / ${kb(g)} / ${kb(b)}`);
  }
  row('Bundle, cold first load, every file the first screen fetches (raw / gzip -9 / brotli -q 11)', `${kb(raw)} / ${kb(gz)} / ${kb(br)}`, '≤ 450 KB brotli', br <= 450 * 1024, `${files.length} files`);
  // The parts loaded when first opened (each page's `part`): not in the first load.
  const parts = fs.readdirSync(DIST).filter((f) => /^(split|chunk)_.*-[0-9a-f]{16}\.wasm$/.test(f));
  const partsBr = parts.reduce((n, f) => n + zlib.brotliCompressSync(fs.readFileSync(path.join(DIST, f)), { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length, 0);
  const named = parts.filter((f) => f.startsWith('split_')).map((f) => f.match(/^split_([a-z]+)/)[1]);
  row('Parts loaded when first opened (brotli -q 11)', `${kb(partsBr)} in ${parts.length} modules (${named.join(', ')}, and ${parts.length - named.length} shared by several)`, 'informational', null);
  // What the framework and the CRDT take on their own (built by scripts/bench.sh).
  const brotli = (f) => zlib.brotliCompressSync(fs.readFileSync(f), { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  const floor = process.env.FLOOR_PKG;
  const automerge = path.join(DATA, 'automerge-only.wasm');
  if (floor && fs.existsSync(floor) && fs.existsSync(automerge)) {
    const leptos = brotli(path.join(floor, 'career-talk-floor_bg.wasm')) + brotli(path.join(floor, 'career-talk-floor.js'));
    const crdt = brotli(automerge);
    row('Bundle floors, brotli -q 11 (same release settings, wasm-opt -Oz)', `the smallest Leptos app shaped like ours (router, two pages, a form; bench/floor): ${kb(leptos)}; Automerge editing, saving and loading alone (the replay module): ${kb(crdt)}; together ${kb(leptos + crdt)} of the 450 KB budget`, '', null);
  }
  console.log('   ' + files.join('\n   '));
  await context.close();
}

// 2. Start-up: 200 discussions stored (a year of 100 people), and 1,000 (ten years of 50
// people), warm (service worker), CPU 4× slower.
const STARTUPS = [
  { storage: 'team-100.json', discussions: 200, people: 100, budget: 300 },
  { storage: 'team-50x10.json', discussions: 1000, people: 50, budget: 600 },
];
for (const s of want('startup') ? STARTUPS : []) {
  const { context, page: p, cdp } = await page({ storage: s.storage });
  await p.goto(server.url + '/');
  await p.getByTestId('person-row').first().waitFor();
  await p.evaluate(() => navigator.serviceWorker.ready);
  await p.reload();
  await p.getByTestId('person-row').first().waitFor();
  await throttle(cdp, THROTTLE);
  const times = [];
  for (let i = 0; i < RUNS; i++) {
    await p.reload({ waitUntil: 'commit' });
    const t = await p.evaluate((people) => new Promise((resolve) => {
      const done = () => requestAnimationFrame(() => resolve(performance.now()));
      const ready = () => document.querySelectorAll('[data-testid=person-link]').length >= people;
      if (ready()) return done();
      new MutationObserver((_, obs) => { if (ready()) { obs.disconnect(); done(); } })
        .observe(document, { childList: true, subtree: true });
    }), s.people);
    const controlled = await p.evaluate(() => !!navigator.serviceWorker.controller);
    if (!controlled) throw new Error('start-up was not served by the service worker');
    times.push(t);
  }
  await throttle(cdp, 1);
  row(`Start-up to people list painted (${s.discussions.toLocaleString('en')} discussions of ${s.people} people, warm, CPU ${THROTTLE}×), median of ${RUNS}`, ms(median(times)), `≤ ${s.budget} ms`, median(times) <= s.budget, `runs: ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
  await context.close();
}

// 3. Typing into an answer of a discussion that holds 20,000 edits.
if (want('typing')) {
  const { context, page: p, cdp } = await page({ storage: 'typing.json' });
  const id = Object.keys(JSON.parse(fs.readFileSync(path.join(DATA, 'typing.json'), 'utf8')))
    .map((k) => k.match(/^ct1:doc:d\.([0-9a-f]{32}):/)?.[1]).find(Boolean);
  await p.goto(`${server.url}/discussions/${id}/conversation`);
  // One of the answers the 20,000 edits went into: type at its end, at a fast typist's pace.
  const field = p.getByTestId('answer-strengths');
  await field.waitFor();
  const before = (await field.inputValue()).length;
  await field.click();
  await p.keyboard.press('Control+End');
  const text = 'Calm under pressure; mentors new engineers. ';
  // Keystroke → painted: from the keydown's timestamp to the task after the next frame.
  const typeKeys = async (pg, selector) => {
    await pg.evaluate((sel) => {
      window.__lat = [];
      document.querySelector(sel).addEventListener('keydown', (e) => {
        const t0 = e.timeStamp;
        requestAnimationFrame(() => setTimeout(() => window.__lat.push(performance.now() - t0), 0));
      }, { capture: true });
    }, selector);
    // About 12 keys a second (a fast typist); keys sent faster than the app keeps up would
    // measure a growing queue rather than the latency of one keystroke.
    for (let i = 0; i < KEYS; i++) {
      await pg.keyboard.type(text[i % text.length]);
      await pg.waitForTimeout(80);
    }
    await pg.waitForTimeout(500);
    return pg.evaluate(() => window.__lat);
  };
  await throttle(cdp, THROTTLE);
  const lat = await typeKeys(p, '[data-testid=answer-strengths]');
  await throttle(cdp, 1);
  const typed = await field.inputValue();
  if (typed.length !== before + KEYS) throw new Error(`typed ${KEYS} keys onto ${before} characters but the field holds ${typed.length}`);
  // The browser's own floor, in the same run: a bare page with one textarea holding the same
  // text, no script, the same keys at the same throttle.
  const bare = await context.newPage();
  const bareCdp = await context.newCDPSession(bare);
  await bare.setContent('<!doctype html><textarea rows=3 style="width:540px;font:16px sans-serif"></textarea>');
  await bare.locator('textarea').fill(typed.slice(0, before));
  await bare.locator('textarea').click();
  await bare.keyboard.press('Control+End');
  await throttle(bareCdp, THROTTLE);
  const floor = await typeKeys(bare, 'textarea');
  // The budget is what the app adds over the browser's own editing of such a field.
  const added = (p) => pct(lat, p) - pct(floor, p);
  row(`Typing, keystroke → painted, ~12 keys/s into an answer of a 20,000-edit discussion (CPU ${THROTTLE}×), p50 / p95 of ${lat.length}`, `${ms(pct(lat, 0.5))} / ${ms(pct(lat, 0.95))}; added over the bare textarea ${ms(added(0.5))} / ${ms(added(0.95))}`, 'added p95 ≤ 8 ms', added(0.95) <= 8,
    `a bare textarea with the same ${before} characters, no script, same keys and throttle: ${ms(pct(floor, 0.5))} / ${ms(pct(floor, 0.95))}`);
  await context.close();
}

// 4. Merge: two replicas diverged by 10,000 edits each; open the other's file, merge, render.
// Once with a commit per edit (the worst case) and once with a commit per typing pause of
// 30 characters, as the app commits.
// The budget is for the second, what people's documents hold; the first is the worst case.
for (const [prefix, how, budget] of [['merge', 'a commit per edit', null], ['merge-paused', 'a commit per typing pause of 30 characters, as the app commits', 150]]) {
  if (!want('merge') || !fs.existsSync(path.join(DATA, `${prefix}-expected.json`))) continue;
  const times = [];
  const expected = JSON.parse(fs.readFileSync(path.join(DATA, `${prefix}-expected.json`), 'utf8'));
  for (let i = 0; i < RUNS; i++) {
    const { context, page: p } = await page({ storage: `${prefix}-local.json` });
    await p.goto(server.url + '/');
    await p.getByTestId('open-file').waitFor({ state: 'attached' });
    await p.evaluate((want) => {
      window.__merged = new Promise((resolve) => {
        const input = document.querySelector('[data-testid=open-file]');
        input.addEventListener('change', (e) => {
          const t0 = e.timeStamp;
          const poll = () => {
            const el = document.querySelector('[data-testid=answer-long_term]');
            if (el && el.value.length === want) requestAnimationFrame(() => resolve(performance.now() - t0));
            else requestAnimationFrame(poll);
          };
          poll();
        }, { capture: true });
      });
    }, expected.long_term_chars);
    await p.getByTestId('open-file').setInputFiles(path.join(DATA, `${prefix}-other.ctalk`));
    times.push(await p.evaluate(() => window.__merged));
    await context.close();
  }
  const changes = expected.changes_per_side ? `, ${expected.changes_per_side.toLocaleString('en')} changes per side` : '';
  row(`Merge 10,000 + 10,000 edits (${how}${changes}) from a file and render, median of ${RUNS}`, ms(median(times)), budget ? `≤ ${budget} ms` : '', budget ? median(times) <= budget : null, `runs: ${times.map((t) => t.toFixed(0)).join(', ')} ms (includes reading the file)`);
}

// 6. Storage: a year of a 50-person team, stored vs the same content as plain JSON.
if (want('storage')) {
  const dump = JSON.parse(fs.readFileSync(path.join(DATA, 'team-50.json'), 'utf8'));
  // localStorage counts UTF-16 code units per key and value.
  const stored = Object.entries(dump).reduce((n, [k, v]) => n + k.length + v.length, 0);
  const plain = fs.readFileSync(path.join(DATA, 'team-50.plain.json'), 'utf8').length;
  const ratio = stored / plain;
  row('Storage, a year of a 50-person team (100 discussions + prep)', `${kb(stored)} stored vs ${kb(plain)} plain JSON = ${ratio.toFixed(2)}×`, '≤ 1.5× and ≤ 5 MB', ratio <= 1.5 && stored <= 5 * 1024 * 1024);
}

// 5. Side by side with JS Automerge and Yjs, in one page of the same browser
// (bench/replay.html; the libraries load through an import map, see bench/page-server.mjs).
function runNode(args, env = {}) {
  const out = execFileSync('node', args, { cwd: ROOT, env: { ...process.env, ...env }, maxBuffer: 1 << 26 }).toString();
  return out.trim().split('\n');
}
if (want('replay')) {
  const pages = await startPageServer({ root: ROOT, data: DATA });
  const trace = '/bench/' + path.relative(path.join(ROOT, 'bench'), TRACE).split(path.sep).join('/');
  for (const [label, pkg] of [["the app's release settings (opt-level z, Automerge at 2, wasm-opt -Oz)", 'replay-z-web'], ['opt-level 3 throughout, no wasm-opt', 'replay-3-web']]) {
    if (!fs.existsSync(path.join(DATA, pkg))) continue;
    const context = await browser.newContext();
    const p = await context.newPage();
    p.on('pageerror', (e) => console.error('replay page:', e.message));
    await p.goto(`${pages.url}/bench/replay.html?pkg=/data/${pkg}&trace=${trace}&runs=${RUNS}`);
    let replay;
    try {
      replay = await p.evaluate(() => window.__replay);
    } catch (e) {
      // The page names what failed (e.g. the trace's path and HTTP status): one line, exit 1.
      console.error(`bench: the replay page (${pkg}) failed: ${e.message.split('\n')[0].replace(/^page\.evaluate: (Error: )?/, '')}`);
      await browser.close();
      await pages.close();
      await server.close();
      process.exit(1);
    }
    const { results: r, edits, every, runs } = replay;
    await context.close();
    const ratio = r.ours.replay / r.automerge.replay;
    const line = (n) => `${ms(r[n].replay)} replay, ${kb(r[n].bytes)} saved, ${ms(r[n].load)} load`;
    row(`Replay automerge-paper in one page (${edits.toLocaleString('en')} edits, a commit per ${every}), core wasm built with ${label}, median of ${runs}`,
      `ours ${line('ours')}; @automerge/automerge ${line('automerge')}; yjs ${line('yjs')}; ours/JS Automerge = ${ratio.toFixed(2)}× time, ${(r.ours.bytes / r.automerge.bytes).toFixed(3)}× size`,
      '≤ 0.66× JS Automerge time, size ≤', ratio <= 0.66 && r.ours.bytes <= r.automerge.bytes);
  }
  await pages.close();
}

// 7. Live: keystroke → visible on the peer through nats-server on loopback.
if (want('live')) {
  const out = runNode(['bench/live.mjs'], { EDITS: String(process.env.LIVE_EDITS ?? 300) });
  const m = out.join('\n').match(/p50 ([\d.]+) ms\s+p95 ([\d.]+) ms/);
  const [p50, p95] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  row(`Live keystroke → visible on the peer via nats-server on loopback, ${process.env.LIVE_EDITS ?? 300} edits`, `p50 ${ms(p50)} / p95 ${ms(p95)}`, 'p95 ≤ 50 ms', p95 <= 50);
}

// 8. Paired sync: the core and a real nats-server with JetStream, both online and after a
// month away (core/examples/bench_mailbox.rs).
if (want('paired')) {
  const out = execFileSync('cargo', ['run', '--release', '-q', '-p', 'career-core', '--example', 'bench_mailbox'],
    { cwd: ROOT, maxBuffer: 1 << 26 }).toString();
  console.log(out.trim());
  const m = out.match(/p50 ([\d.]+) ms p95 ([\d.]+) ms/);
  const [p50, p95] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  row('Paired sync: save on A → merged on B through JetStream on loopback, both online, 300 edits (core, no browser)',
    `p50 ${ms(p50)} / p95 ${ms(p95)}`, 'p95 ≤ 50 ms', p95 <= 50);
  const c = out.match(/catch-up .*?: ([\d.]+) ms to connect, read (\d+) kept bundles/);
  row('Paired sync: catch-up after a month offline (1,000 bundles published meanwhile; the relay keeps the last 16)',
    c ? `${ms(Number(c[1]))}, ${c[2]} bundles read, all 1,000 edits merged` : 'not measured', 'informational', null);
}

// 8b. A paired bundle arriving → the merge review on screen (bench/paired-review.mjs).
if (want('paired-review')) {
  const { pairedReview } = await import('./paired-review.mjs');
  await pairedReview(row, { browser, url: server.url, rounds: Number(process.env.PAIRED_ROUNDS ?? 20), throttle, rate: THROTTLE, pct });
}

// 9. A cold first visit through the production set-up (Caddy, HTTPS, precompressed) on
// shaped networks (bench/cold-visit.mjs).
if (want('cold')) {
  const { coldVisit } = await import('./cold-visit.mjs');
  await coldVisit(row);
  // The same first visit with nothing but the floors (built by scripts/bench.sh).
  const floorPkg = process.env.FLOOR_PKG;
  const automerge = path.join(DATA, 'automerge-only.wasm');
  if (floorPkg && fs.existsSync(floorPkg) && fs.existsSync(automerge)) {
    const { coldFloor } = await import('./cold-floor.mjs');
    await coldFloor(row, { floorPkg, automerge });
  }
}

const chromium = browser.version();
await browser.close();
await server.close();

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const md = [
  '# Benchmark results',
  '',
  `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
    `${os.type()} ${os.release()}, headless Chromium ${chromium}. Release build (\`dist/\`). ` +
    `Data from \`core/examples/bench_data.rs\`. Run: \`./scripts/bench.sh\` (\`./scripts/bench.sh check\` fails on a missed budget).`,
  '',
  '| | measure | result | budget |',
  '|---|---|---|---|',
  ...rows.map((r) => `| ${r.ok === null ? '' : r.ok ? '✓' : '✗ missed'} | ${r.what} | ${r.value}${r.note ? ` (${r.note})` : ''} | ${r.budget} |`),
  '',
].join('\n');
fs.writeFileSync(path.join(ROOT, 'bench/results.md'), md + (fs.existsSync(path.join(ROOT, 'bench/notes.md')) ? '\n' + fs.readFileSync(path.join(ROOT, 'bench/notes.md'), 'utf8') : ''));
console.log('\nwritten to bench/results.md');
if (check && rows.some((r) => r.ok === false)) {
  console.error('bench check: a budget was missed');
  process.exit(1);
}
