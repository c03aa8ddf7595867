// Benchmark (not a test): a cold first visit — an employee opening the app on a new device,
// nothing cached, no service worker — through the production set-up (Caddy with the
// precompressed build, HTTPS, HTTP/2: tests/e2e/production.mjs), in headless Chromium with
// the CPU throttled 4× and the network shaped like DevTools' "Fast 4G" (9 Mbps down,
// 1.5 Mbps up, 60 ms) and "Slow 4G" (1.6 Mbps, 750 kbps, 150 ms). Time: from the navigation
// to the first screen ready to type in (the manager's name field); median of 5 each. The
// budgets are issue #19's (first visit in a second).
//
// Part of ./scripts/bench.sh (bench/run.mjs); alone: `node bench/cold-visit.mjs`, which
// replaces its rows in bench/results.md.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.RUNS ?? 5);
export const PROFILES = [
  { name: '4G (9 Mbps, 60 ms RTT)', down: 9_000_000, up: 1_500_000, rtt: 60, budget: 1000 },
  { name: 'slow 4G (1.6 Mbps, 150 ms RTT)', down: 1_600_000, up: 750_000, rtt: 150, budget: 2500 },
];
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

/// A page in a fresh context (nothing cached) with the CPU 4× slower and the network shaped
/// like `profile`.
export async function throttledPage(browser, profile) {
  const context = await browser.newContext({ viewport: { width: 768, height: 1024 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: profile.rtt, downloadThroughput: profile.down / 8, uploadThroughput: profile.up / 8,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  return { context, page, cdp };
}

/// Measures; calls `row(what, value, budget, ok, note)` once per network profile.
export async function coldVisit(row) {
  const { startProduction } = await import('../tests/e2e/production.mjs');
  const prod = await startProduction();
  const browser = await prod.launch();
  try {
    for (const profile of PROFILES) {
      const times = [];
      let bytes = 0;
      for (let i = 0; i < RUNS; i++) {
        const { context, page, cdp } = await throttledPage(browser, profile);
        let received = 0;
        cdp.on('Network.loadingFinished', (e) => { received += e.encodedDataLength; });
        const start = Date.now();
        await page.goto(`${prod.url}/`, { waitUntil: 'commit' });
        await page.getByTestId('manager-name').waitFor({ timeout: 120000 });
        times.push(Date.now() - start);
        bytes = Math.max(bytes, received);
        await context.close();
      }
      const m = median(times);
      row(`Cold first visit through the production server (Caddy, brotli, HTTP/2), CPU 4×, ${profile.name}`,
        `${(m / 1000).toFixed(2)} s`, `≤ ${(profile.budget / 1000).toFixed(1)} s`, m <= profile.budget,
        `median of ${RUNS}: ${times.map((t) => (t / 1000).toFixed(2)).join(' / ')} s; ${(bytes / 1024).toFixed(0)} KB over the wire`);
    }
  } finally {
    await browser.close();
    await prod.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rows = [];
  await coldVisit((what, value, budget, ok, note) => {
    rows.push(`| ${ok ? '✓' : '✗ missed'} | ${what} | ${value} (${note}) | ${budget} |`);
    console.log(`${ok ? '✓' : '✗'} ${what}: ${value} (budget ${budget}) — ${note}`);
  });
  const file = path.join(ROOT, 'bench/results.md');
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => !l.includes('| Cold first visit through the production server'));
  // After the last row of the first table (the results; bench/notes.md follows).
  let end = lines.findIndex((l) => l.startsWith('|---'));
  while (lines[end + 1]?.startsWith('|')) end += 1;
  lines.splice(end + 1, 0, ...rows);
  fs.writeFileSync(file, lines.join('\n'));
  console.log('bench/results.md: cold-visit rows written');
}
