// The parts of the app loaded when first opened (src/parts.rs, split by scripts/split.mjs):
// the first visit does not fetch them; each opens when asked for, online, and offline once
// the service worker has the app; a part that does not arrive says so and comes with a
// retry that works once the network is back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setUp, screenshot } from './harness.mjs';
import { App, assertNoErrors } from './pages.mjs';

let env, app;
before(async () => {
  env = await setUp();
  app = new App(env.page, env.server.url);
});
after(async () => env.tearDown());

// Each part: where it is opened, and what shows once it is there.
const PARTS = [
  { module: 'team', open: (p) => p.getByTestId('open-team').click(), shows: 'team-grid' },
  { module: 'hr', open: (p) => p.getByTestId('open-hr').click(), shows: 'hr-csv' },
  { module: 'settings', open: (p) => p.getByTestId('settings-link').click(), shows: 'storage-status' },
  { module: 'compare', open: (p) => p.getByText('Ann Lee', { exact: true }).first().click(), shows: 'compare' },
  { module: 'share', open: (p) => p.getByTestId('tab-share').click(), shows: 'make-link' },
  { module: 'record', open: (p) => p.getByTestId('tab-record').click(), shows: 'signoff' },
  { module: 'meeting', open: (p) => p.getByTestId('start-meeting').click(), shows: 'meeting' },
];

/// The part modules the page has asked for so far (by module name).
function watchParts(page) {
  const asked = new Set();
  page.on('request', (r) => {
    const m = new URL(r.url()).pathname.match(/^\/split_([a-z]+)-[0-9a-f]{16}\.wasm$/);
    if (m) asked.add(m[1]);
  });
  return asked;
}

/// Walks through every part in the order of PARTS, from the people list.
async function visitEach(page, asked) {
  for (const part of PARTS) {
    if (part.module === 'team' || part.module === 'hr' || part.module === 'compare') await app.open('/');
    if (part.module === 'share') {
      // From the person's page (where compare was opened) into their latest discussion.
      await page.getByTestId('discussion-item').first().locator('a').click();
      await page.getByTestId('tab-prepare').waitFor();
    }
    if (part.module === 'meeting') await page.getByTestId('tab-conversation').click();
    const before = new Set(asked);
    await part.open(page);
    await page.getByTestId(part.shows).first().waitFor();
    assert.equal(await page.getByTestId('part-failed').count(), 0, `${part.module}: no failure shown`);
    if (asked) assert.ok(asked.has(part.module) && !before.has(part.module), `${part.module} is fetched when first opened`);
  }
}

test('the first visit leaves the rare parts out; each part opens when asked for, and offline afterwards', async () => {
  const asked = watchParts(env.page);
  await app.open('/');
  await env.page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 15000 });
  assert.deepEqual([...asked], [], 'no part module in the first load');
  await app.people().addPerson({ name: 'Ann Lee', role: 'Engineer' });
  // Two discussions, so that the comparison has something to show.
  for (let i = 0; i < 2; i++) {
    await app.open('/');
    await app.people().openPerson('Ann Lee');
    await app.person().startDiscussion();
    await app.discussion().tab('conversation');
    await app.discussion().fill('answer-strengths', `Strength ${i + 1}`);
    await app.waitSaved();
  }
  // The person's page holds the comparison, the only part opened on the way.
  assert.deepEqual([...asked], ['compare'], 'no other part module for the people list and a discussion');
  asked.clear();
  await visitEach(env.page, asked);
  assert.deepEqual([...asked].sort(), PARTS.map((p) => p.module).sort());

  // Offline, in a fresh page of the same browser: every part comes from the service worker.
  await env.context.setOffline(true);
  const offline = await env.context.newPage();
  const errors = [];
  offline.on('pageerror', (e) => errors.push(e));
  const main = app;
  app = new App(offline, env.server.url);
  try {
    await visitEach(offline, null);
    await screenshot(offline, 'parts-offline-meeting');
  } finally {
    app = main;
    await offline.close();
    await env.context.setOffline(false);
  }
  assertNoErrors(errors);
  assertNoErrors(env.errors);
});

test('a part that does not arrive says so, and the retry brings it once the network is back', async () => {
  // No service worker: the module must come from the network, which refuses it at first.
  const context = await env.browser.newContext({ viewport: { width: 1024, height: 768 }, serviceWorkers: 'block' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  let refuse = true;
  await context.route(/\/split_team-[0-9a-f]{16}\.wasm$/, (route) => (refuse ? route.abort('connectionfailed') : route.continue()));
  try {
    const other = new App(page, env.server.url);
    await other.open('/');
    await other.people().addPerson({ name: 'Ann Lee', role: 'Engineer' });
    await other.waitSaved();
    const stored = () => page.evaluate(() => Object.fromEntries(Object.entries(localStorage)));
    const before = await stored();
    await other.open('/team');
    const failed = page.getByTestId('part-failed');
    await failed.waitFor();
    assert.match(await failed.textContent(), /^The team picture could not be loaded\.\s*Try again$/);
    // The rest of the app still works: the header and the way back.
    await page.getByTestId('save-state').waitFor();
    await screenshot(page, 'part-failed');
    assert.deepEqual(await stored(), before, 'a part that did not arrive changes nothing stored');
    refuse = false;
    await page.getByTestId('part-retry').click();
    await page.getByRole('heading', { name: 'Team picture' }).waitFor();
    assert.equal(await failed.count(), 0);
    assertNoErrors(errors);
  } finally {
    await context.close();
  }
});

test('a part on a slow network shows what is loading, then the part', async () => {
  // No service worker, and the team picture's module held back for a while.
  const context = await env.browser.newContext({ viewport: { width: 768, height: 1024 }, serviceWorkers: 'block', hasTouch: true });
  await context.route(/\/split_team-[0-9a-f]{16}\.wasm$/, async (route) => {
    await new Promise((r) => setTimeout(r, 2500));
    await route.continue();
  });
  const errors = [];
  try {
    for (const [width, height] of [[768, 1024], [1024, 768]]) {
      const page = await context.newPage();
      page.on('pageerror', (e) => errors.push(e));
      await page.setViewportSize({ width, height });
      const other = new App(page, env.server.url);
      await other.open('/');
      if (width === 768) {
        await other.people().addPerson({ name: 'Ann Lee', role: 'Engineer' });
        await other.waitSaved();
      }
      await page.getByTestId('open-team').click();
      const loading = page.getByTestId('part-loading');
      await loading.waitFor();
      assert.equal((await loading.textContent()).trim(), 'Loading the team picture…');
      assert.equal(await loading.getByRole('progressbar', { name: 'Loading the team picture' }).count(), 1);
      // Shown once the load has taken a moment (a fast one does not flash).
      await page.waitForFunction(() => getComputedStyle(document.querySelector('.part-loading')).opacity === '1');
      await screenshot(page, `part-loading-${width}x${height}`, { fullPage: false });
      await page.getByTestId('team-grid').waitFor();
      assert.equal(await loading.count(), 0, 'the loading line goes once the part is there');
      await page.close();
    }
    assertNoErrors(errors);
  } finally {
    await context.close();
  }
});
