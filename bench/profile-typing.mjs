// Where the time of a keystroke goes (a helper for working on the typing benchmark, not a
// benchmark): types KEYS keys into the 20,000-edit discussion under CPU throttling and sums
// the DevTools timeline events by kind. Run after ./scripts/bench.sh has made the data:
//   node bench/profile-typing.mjs
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, launch } from '../tests/e2e/harness.mjs';
import { seed } from './seed.mjs';

const DATA = process.env.BENCH_DATA ?? path.join(os.tmpdir(), 'career-talk-bench-data');
const KEYS = Number(process.env.KEYS ?? 100);
const THROTTLE = Number(process.env.THROTTLE ?? 4);
// BENCH_DIST: another build (say, the one before a change), as bench/run.mjs takes it.
const server = await startServer({}, process.env.BENCH_DIST ? { dist: process.env.BENCH_DIST } : {});
const browser = await launch();
const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
const dump = fs.readFileSync(path.join(DATA, 'typing.json'), 'utf8');
await seed(context, dump);
const page = await context.newPage();
const cdp = await context.newCDPSession(page);
const id = Object.keys(JSON.parse(dump)).map((k) => k.match(/^ct1:doc:d\.([0-9a-f]{32}):/)?.[1]).find(Boolean);
await page.goto(`${server.url}/discussions/${id}/conversation`);
const field = page.getByTestId('answer-strengths');
await field.waitFor();
await field.click();
await page.keyboard.press('Control+End');
await cdp.send('Emulation.setCPUThrottlingRate', { rate: THROTTLE });
const events = [];
cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
if (process.env.CPU) {
  // Self time per function (build with KEEP_NAMES=1 trunk build --release to keep the wasm's names).
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  for (let i = 0; i < KEYS; i++) {
    await page.keyboard.type('abcdefgh '[i % 9]);
    await page.waitForTimeout(80);
  }
  const { profile } = await cdp.send('Profiler.stop');
  const self = {};
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const dt = {};
  profile.samples.forEach((id, i) => { dt[id] = (dt[id] ?? 0) + (profile.timeDeltas[i] ?? 0); });
  for (const n of profile.nodes) {
    const name = n.callFrame.functionName || `(anonymous ${n.callFrame.url.split('/').pop()})`;
    self[name] = (self[name] ?? 0) + (dt[n.id] ?? 0) / 1000;
  }
  const top = Object.entries(self).filter(([n]) => n !== '(idle)').sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 40));
  const script = Object.entries(self).filter(([n]) => !['(idle)', '(program)', '(garbage collector)'].includes(n)).reduce((a, [, t]) => a + t, 0);
  console.log(`self time per keystroke (ms, ${KEYS} keys, CPU ${THROTTLE}×), script in all ${(script / KEYS).toFixed(2)}:`);
  for (const [name, t] of top) console.log(`${(t / KEYS).toFixed(3).padStart(8)}  ${name.slice(0, 150)}`);
  await browser.close();
  server.close();
  process.exit(0);
}
await cdp.send('Tracing.start', { categories: 'devtools.timeline,v8.execute,disabled-by-default-devtools.timeline', transferMode: 'ReportEvents' });
for (let i = 0; i < KEYS; i++) {
  await page.keyboard.type('abcdefgh '[i % 9]);
  await page.waitForTimeout(80);
}
await cdp.send('Tracing.end');
await done;
const totals = {};
const main = events.filter((e) => e.ph === 'X' && e.dur);
for (const e of main) {
  const name = e.name === 'EventDispatch' ? `EventDispatch ${e.args?.data?.type}` : e.name;
  totals[name] = (totals[name] ?? 0) + e.dur / 1000;
}
const top = Object.entries(totals).sort((a, b) => b[1] - a[1]).slice(0, 25);
console.log(`per keystroke (ms, inclusive, ${KEYS} keys, CPU ${THROTTLE}×):`);
for (const [name, t] of top) console.log(`${(t / KEYS).toFixed(2).padStart(8)}  ${name}`);
await browser.close();
server.close();
