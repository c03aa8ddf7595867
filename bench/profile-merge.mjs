// Where the time of a merge from a file goes (a helper for working on the merge benchmark,
// not a benchmark): opens the other side's file of the "commit per typing pause" data set
// under CPU throttling with the sampling profiler on, and prints the functions with the
// most time, inclusive (a function's callees count) and self. Build with
// KEEP_NAMES=1 trunk build --release to keep the wasm's names; run after
// ./scripts/bench.sh has made the data:
//   node bench/profile-merge.mjs            (PREFIX=merge for a commit per edit)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, launch } from '../tests/e2e/harness.mjs';
import { seed } from './seed.mjs';

const DATA = process.env.BENCH_DATA ?? path.join(os.tmpdir(), 'career-talk-bench-data');
const PREFIX = process.env.PREFIX ?? 'merge-paused';
const THROTTLE = Number(process.env.THROTTLE ?? 4);
const TOP = Number(process.env.TOP ?? 40);
const server = await startServer({}, { dist: process.env.BENCH_DIST });
const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
const dump = fs.readFileSync(path.join(DATA, `${PREFIX}-local.json`), 'utf8');
const expected = JSON.parse(fs.readFileSync(path.join(DATA, `${PREFIX}-expected.json`), 'utf8'));
await seed(context, dump);
const page = await context.newPage();
const cdp = await context.newCDPSession(page);
await page.goto(server.url + '/');
await page.getByTestId('open-file').waitFor({ state: 'attached' });
await cdp.send('Emulation.setCPUThrottlingRate', { rate: THROTTLE });
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
await cdp.send('Profiler.start');
const t0 = Date.now();
await page.getByTestId('open-file').setInputFiles(path.join(DATA, `${PREFIX}-other.ctalk`));
await page.waitForFunction((n) => document.querySelector('[data-testid=answer-long_term]')?.value.length === n, expected.long_term_chars, { timeout: 60000 });
const wall = Date.now() - t0;
const { profile } = await cdp.send('Profiler.stop');

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const nameOf = (n) => n.callFrame.functionName || `(anonymous ${n.callFrame.url.split('/').pop()})`;
const self = {};
const inclusive = {};
let busy = 0;
profile.samples.forEach((id, i) => {
  const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
  const leaf = byId.get(id);
  if (nameOf(leaf) === '(idle)') return;
  busy += dt;
  self[nameOf(leaf)] = (self[nameOf(leaf)] ?? 0) + dt;
  const seen = new Set();
  for (let n = id; n !== undefined; n = parent.get(n)) {
    const name = nameOf(byId.get(n));
    if (!seen.has(name)) {
      seen.add(name);
      inclusive[name] = (inclusive[name] ?? 0) + dt;
    }
  }
});
const print = (title, totals) => {
  console.log(title);
  for (const [name, t] of Object.entries(totals).sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
    console.log(`${t.toFixed(1).padStart(8)}  ${name.slice(0, 150)}`);
  }
};
console.log(`merge of ${PREFIX}-other.ctalk at CPU ${THROTTLE}×: ${wall} ms from choosing the file to the merged answer (busy ${busy.toFixed(0)} ms sampled)`);
print('\ninclusive (ms):', inclusive);
print('\nself (ms):', self);
await browser.close();
server.close();
