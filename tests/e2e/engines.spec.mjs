// The main flows (flows.mjs) in all three engines: Chromium through Playwright, WebKit
// (WebKitGTK's MiniBrowser, as Safari on an iPad is WebKit) and Firefox through WebDriver.
// Each flow gets a fresh server and relay; each device is a browser of its own.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { ARTIFACTS, launch, screenshot, startServer } from './harness.mjs';
import { startRelay } from './relay.mjs';
import { FLOWS } from './flows.mjs';
import { ENGINES, startEngine } from './webdriver.mjs';

const TABLET = { width: 768, height: 1024 };
const REFUSED = /WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/' failed/;

/// Chromium through Playwright, with the same `device()` as the WebDriver engines.
async function chromium() {
  const browser = await launch();
  return {
    name: 'chromium',
    async newPage({ viewport = TABLET, touch = false } = {}) {
      const ctx = await browser.newContext({ viewport, hasTouch: touch });
      const page = await ctx.newPage();
      page.__errors = [];
      page.on('pageerror', (e) => page.__errors.push(String(e)));
      page.on('console', (m) => { if (m.type() === 'error' && !REFUSED.test(m.text())) page.__errors.push(m.text()); });
      page.errors = async () => page.__errors;
      return page;
    },
    close: () => browser.close(),
  };
}

const wanted = (process.env.ENGINES ?? 'chromium,webkit,firefox').split(',');
const REQUIRED = process.env.CI === 'true';

for (const name of wanted) {
  const available = name === 'chromium' || ENGINES[name]?.available();
  if (!available && REQUIRED) {
    test(`${name} is installed`, () => assert.fail(`${name}'s driver or browser is missing: run ./scripts/setup.sh`));
    continue;
  }
  describe(name, () => {
  let engine;
  before(async () => {
    if (available) engine = name === 'chromium' ? await chromium() : await startEngine(name);
  });
  after(async () => engine?.close());

  for (const [flow, run] of Object.entries(FLOWS)) {
    test(`${name}: ${flow}`, { skip: !available && `${name} is not installed here` }, async () => {
      const server = await startServer();
      const relay = await startRelay();
      const pages = [];
      try {
        await run({
          url: server.url,
          stopServer: () => server.close(),
          shot: (page, label) => shoot(page, `${name}-${flow}-${label}`),
          device: async ({ touch = false } = {}) => {
            const page = await engine.newPage({ viewport: TABLET, touch });
            pages.push(page);
            // The relay of this run (the app reads it from the device's storage).
            await page.goto(server.url + '/');
            await page.evaluate((u) => localStorage.setItem('ct1:relay', u), relay.url);
            return page;
          },
        });
        for (const page of pages) assert.deepEqual(await page.errors(), [], `${name} reported errors`);
      } catch (e) {
        for (const [i, page] of pages.entries()) await shoot(page, `${name}-${flow}-failed-${i}`).catch(() => {});
        if (engine.log) e.message += `\n--- ${name} driver log (last lines):\n${engine.log().split('\n').slice(-20).join('\n')}`;
        throw e;
      } finally {
        for (const page of pages) await (typeof page.context === 'function' ? page.context().close() : page.close()).catch(() => {});
        await relay.stop();
        await server.close().catch(() => {});
      }
    });
  }
  });
}

async function shoot(page, name) {
  if (typeof page.context === 'function') return screenshot(page, name, { fullPage: false });
  return page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`) });
}
