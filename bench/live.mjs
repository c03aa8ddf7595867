// Benchmark (not a test): keystroke on A → visible on B through nats-server on loopback.
// Prints p50/p95 over 500 edits. Run: ./scripts/bench-live.sh   (target: p95 ≤ 50 ms)
import { setUp } from '../tests/e2e/harness.mjs';
import { App, openLink } from '../tests/e2e/pages.mjs';
import { startRelay } from '../tests/e2e/relay.mjs';

const EDITS = Number(process.env.EDITS ?? 500);
const relay = await startRelay();
const env = await setUp();
try {
  await env.context.addInitScript((url) => localStorage.setItem('ct1:relay', url), relay.url);
  const a = new App(env.page, env.server.url);
  await a.open('/');
  await a.people().addPerson({ name: 'Bench Mark' });
  await a.people().openPerson('Bench Mark');
  await a.person().startDiscussion();
  await a.discussion().tab('share');
  await env.page.getByTestId('start-live').click();
  const link = await env.page.getByTestId('live-link').inputValue();
  const ctx = await env.browser.newContext();
  await ctx.addInitScript((url) => localStorage.setItem('ct1:relay', url), relay.url);
  const b = await ctx.newPage();
  // The app asks before joining a session from a link.
  await openLink(b, link);
  await b.getByTestId('answer-strengths').waitFor({ timeout: 20000 });
  await a.discussion().tab('conversation');
  // B records when each new length becomes visible, by its own clock; A stamps each key.
  await b.evaluate(() => {
    window.__seen = [];
    const el = document.querySelector('[data-testid=answer-strengths]');
    const poll = () => {
      window.__seen.push([el.value.length, performance.timeOrigin + performance.now()]);
      requestAnimationFrame(poll);
    };
    poll();
  });
  const field = env.page.getByTestId('answer-strengths');
  await field.click();
  const sent = [];
  for (let i = 0; i < EDITS; i++) {
    const t = await env.page.evaluate(() => performance.timeOrigin + performance.now());
    await env.page.keyboard.type(String.fromCharCode(97 + (i % 26)));
    sent.push([i + 1, t]);
    await env.page.waitForTimeout(20);
  }
  await b.waitForFunction((n) => document.querySelector('[data-testid=answer-strengths]').value.length >= n, EDITS, { timeout: 30000 });
  const seen = await b.evaluate(() => window.__seen);
  const latencies = sent.map(([len, t]) => {
    const hit = seen.find(([l]) => l >= len);
    return hit ? hit[1] - t : Infinity;
  }).sort((x, y) => x - y);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  console.log(`live keystroke → visible on the peer, ${EDITS} edits via nats-server on loopback`);
  console.log(`p50 ${pct(50).toFixed(1)} ms   p95 ${pct(95).toFixed(1)} ms   max ${latencies.at(-1).toFixed(1)} ms   (target p95 ≤ 50 ms)`);
  await ctx.close();
} finally {
  await env.tearDown();
  await relay.stop();
}
