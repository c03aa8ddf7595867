// Benchmark (not a test), run by bench/run.mjs: a paired bundle arrives on the leader's
// page → the merged words and the merge review are on screen, CPU throttled on that page.
// The leader and the employee are paired through a real nats-server (JetStream) on
// loopback; the employee writes a new answer each round, and the leader's page notes when
// the WebSocket frame carrying a delivery arrived (before the app reads it) and when the
// field shows the words with the review line beside them (after the next frame).
import { App, managerStarts, shareLink } from '../tests/e2e/pages.mjs';
import { startRelay } from '../tests/e2e/relay.mjs';

/// Notes, in the page, when each relay frame holding a mailbox delivery (subscription id
/// `d<n>`) arrives: an event listener added before the app's `onmessage` runs first.
function watchDeliveries() {
  const Native = window.WebSocket;
  window.__deliveries = [];
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (ev) => {
        const at = performance.now();
        const bytes = typeof ev.data === 'string' ? new TextEncoder().encode(ev.data) : new Uint8Array(ev.data);
        const text = new TextDecoder('latin1').decode(bytes);
        if (/(^|\r\n)MSG \S+ d\d+ /.test(text)) window.__deliveries.push(at);
      });
    }
  };
}

export async function pairedReview(row, { browser, url, rounds, throttle, rate, pct }) {
  const relay = await startRelay();
  const contexts = [];
  try {
    const device = async () => {
      const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
      await context.addInitScript((u) => localStorage.setItem('ct1:relay', u), relay.url);
      contexts.push(context);
      const page = await context.newPage();
      return { context, page, cdp: await context.newCDPSession(page) };
    };
    const leader = await device();
    await leader.context.addInitScript(watchDeliveries);
    // The leader prepares and shares by link (pairing asked); the employee says yes.
    const md = await managerStarts(new App(leader.page, url), { manager: 'Maria Lund', person: 'Sam Okafor' });
    await md.tab('conversation');
    await md.fill('answer-strengths', 'Calm in incidents; explains trade-offs well.');
    const link = await shareLink(leader.page);
    await md.tab('conversation');
    const employee = await device();
    await employee.page.goto(link);
    await employee.page.getByTestId('link-sync').check();
    await employee.page.getByTestId('link-yes').click();
    await employee.page.getByTestId('tab-conversation').click();
    const line = (page) => page.locator('.page-head').getByTestId('sync-status');
    await line(employee.page).getByText(/^Paired with Maria Lund$/).waitFor({ timeout: 20000 });
    await line(leader.page).getByText(/Synced with Sam Okafor|Paired with Sam Okafor/).waitFor({ timeout: 20000 });
    const ed = new App(employee.page, url).discussion();

    await throttle(leader.cdp, rate);
    const times = [];
    for (let i = 0; i < rounds; i++) {
      const words = `Round ${i}: lead the card-issuing rewrite, then mentor two juniors.`;
      await ed.fill('answer-short_term', words);
      const shown = await leader.page.evaluate((w) => new Promise((resolve, reject) => {
        const field = () => document.querySelector('[data-testid=answer-short_term]');
        const done = () => requestAnimationFrame(() => resolve(performance.now()));
        const check = () => field()?.value === w && document.querySelector('[data-testid=review-marker]');
        if (check()) return done();
        const obs = new MutationObserver(() => { if (check()) { obs.disconnect(); done(); } });
        obs.observe(document, { childList: true, subtree: true, attributes: true, characterData: true });
        // A textarea's value is not an attribute: look each frame too.
        const poll = () => (check() ? (obs.disconnect(), done()) : requestAnimationFrame(poll));
        poll();
        setTimeout(() => reject(new Error(`the leader never showed round ${w}`)), 30000);
      }), words);
      const arrived = await leader.page.evaluate((t) => window.__deliveries.filter((d) => d <= t).at(-1), shown);
      if (arrived === undefined) throw new Error('no delivery reached the leader before the words showed');
      times.push(shown - arrived);
      await employee.page.waitForTimeout(300);
    }
    await throttle(leader.cdp, 1);
    const [p50, p95] = [pct(times, 0.5), pct(times, 0.95)];
    row(`Paired bundle received → merged words and merge review on the leader's screen, through JetStream on loopback (CPU ${rate}× on the leader's page), ${rounds} bundles`,
      `p50 ${p50.toFixed(1)} ms / p95 ${p95.toFixed(1)} ms`, '≤ 100 ms (median)', p50 <= 100, `max ${Math.max(...times).toFixed(0)} ms`);
  } finally {
    for (const c of contexts) await c.close();
    await relay.stop();
  }
}
