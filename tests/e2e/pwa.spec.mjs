// Offline on a tablet: the app shell works with no network, updates wait for the user,
// storage warnings and backups, and facilitation mode at tablet sizes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setUp, screenshot } from './harness.mjs';
import { App, assertNoErrors } from './pages.mjs';

// The server can pretend a new build was deployed.
const deployed = { build: 1 };
const overrides = {
  '/sw.js': (body) => (deployed.build === 1 ? body : body.replace(/const VERSION = "([0-9a-f]+)"/, 'const VERSION = "$1-b2"')),
  '/index.html': (body) => (deployed.build === 1 ? body : body.replace('<title>', '<meta name="build" content="2" /><title>')),
};

let env, app;
before(async () => {
  env = await setUp({ overrides });
  app = new App(env.page, env.server.url);
});
after(async () => env.tearDown());

async function controlled(page) {
  await page.waitForFunction(() => navigator.serviceWorker && navigator.serviceWorker.controller !== null, null, { timeout: 15000 });
}

test('after one online visit the app loads and edits offline, and keeps the edits', async () => {
  await app.open('/');
  await controlled(env.page);
  await app.people().addPerson({ name: 'Omar Quinn', role: 'Engineer' });
  await app.people().openPerson('Omar Quinn');
  await app.person().startDiscussion();
  const url = new URL(env.page.url()).pathname;

  await env.context.setOffline(true);
  await env.page.goto(env.server.url + url.replace('/prepare', '/conversation'));
  await env.page.getByTestId('save-state').waitFor();
  await app.discussion().fill('answer-long_term', 'Written with no network');
  await app.waitSaved();
  await env.page.reload();
  await env.page.getByTestId('answer-long_term').waitFor();
  assert.equal(await app.discussion().value('answer-long_term'), 'Written with no network');
  await env.context.setOffline(false);
  assertNoErrors(env.errors.filter((e) => !/ERR_INTERNET_DISCONNECTED|Failed to fetch|net::/.test(String(e))));
});

test('a new build replaces the cache, and only when the user asks', async () => {
  await app.open('/');
  await controlled(env.page);
  const before = await env.page.evaluate(() => caches.keys());
  assert.equal(before.length, 1);

  deployed.build = 2;
  await env.page.reload();
  const banner = env.page.getByTestId('update-banner');
  await banner.waitFor({ timeout: 15000 });
  // Nothing reloads by itself: the old version still runs until asked.
  assert.equal(await env.page.locator('meta[name=build]').count(), 0);
  await banner.getByRole('button', { name: 'Reload now' }).click();
  await env.page.waitForFunction(() => document.querySelector('meta[name=build]')?.content === '2', null, { timeout: 15000 });
  const after = await env.page.evaluate(() => caches.keys());
  assert.equal(after.length, 1);
  assert.notEqual(after[0], before[0]);
  deployed.build = 1;
});

test('storage nearly full is flagged, and nothing is lost', async () => {
  await app.open('/');
  await app.people().openPerson('Omar Quinn');
  await env.page.getByTestId('discussion-item').first().getByRole('link').click();
  await app.discussion().tab('conversation');
  await env.page.evaluate(() => localStorage.setItem('filler', 'x'.repeat(4_200_000)));
  await app.discussion().fill('answer-strengths', 'Patient mentor');
  await env.page.getByTestId('nearly-full').waitFor();
  await app.waitSaved();
  await screenshot(env.page, 'nearly-full');
  await env.page.evaluate(() => localStorage.removeItem('filler'));
  await app.reload();
  assert.equal(await app.discussion().value('answer-strengths'), 'Patient mentor');
});

test('export everything, then import it on a fresh device: all there, nothing doubled', async () => {
  await app.open('/settings');
  const [download] = await Promise.all([
    env.page.waitForEvent('download'),
    env.page.getByTestId('export-everything').click(),
  ]);
  const file = path.join(os.tmpdir(), `backup-${Date.now()}.json`);
  fs.writeFileSync(file, fs.readFileSync(await download.path()));
  assert.match(await env.page.getByTestId('last-backup').textContent(), /Last backup: /);

  const fresh = await env.browser.newContext();
  const page = await fresh.newPage();
  const other = new App(page, env.server.url);
  await other.open('/settings');
  for (let i = 0; i < 2; i++) {
    await page.getByTestId('import-backup').setInputFiles(file);
    await page.getByTestId('notice').getByText(/taken in/).waitFor();
    await page.getByTestId('notice').getByRole('button', { name: 'Dismiss' }).click();
  }
  await other.open('/');
  assert.deepEqual(await other.people().names(), ['Omar Quinn']);
  await other.people().openPerson('Omar Quinn');
  assert.equal(await page.getByTestId('discussion-item').count(), 1);
  await page.getByTestId('discussion-item').first().getByRole('link').click();
  await other.discussion().tab('conversation');
  assert.equal(await other.discussion().value('answer-long_term'), 'Written with no network');
  await fresh.close();
});

test('a backup reminder appears after 30 days without one', async () => {
  const ctx = await env.browser.newContext();
  const page = await ctx.newPage();
  const a = new App(page, env.server.url);
  await page.clock.setFixedTime(new Date('2026-01-01T10:00:00'));
  await a.open('/');
  assert.equal(await page.getByTestId('backup-reminder').count(), 0);
  await page.clock.setFixedTime(new Date('2026-02-15T10:00:00'));
  await a.reload();
  await page.getByTestId('backup-reminder').waitFor();
  assert.match(await page.getByTestId('backup-reminder').textContent(), /45 days without a backup/);
  await ctx.close();
});

for (const [name, viewport] of [['portrait', { width: 768, height: 1024 }], ['landscape', { width: 1024, height: 768 }]]) {
  test(`facilitation mode on a tablet (${name})`, async () => {
    const ctx = await env.browser.newContext({ viewport, hasTouch: true, isMobile: true });
    const page = await ctx.newPage();
    const a = new App(page, env.server.url);
    await a.open('/');
    await a.people().addPerson({ name: 'Pia Reyes', role: 'Designer' });
    await screenshot(page, `tablet-${name}-people`);
    await a.people().openPerson('Pia Reyes');
    await a.person().startDiscussion();
    await a.discussion().fill('prep-strengths', 'Turns research into decisions');
    await a.discussion().tab('conversation');
    await screenshot(page, `tablet-${name}-discussion`);

    await page.getByTestId('start-meeting').click();
    await page.getByTestId('meeting').waitFor();
    assert.equal(await page.getByTestId('meeting-progress').textContent(), 'Question 1 of 8');
    assert.match(await page.getByTestId('meeting-reminder').textContent(), /uninterrupted/);
    await page.getByTestId('meeting-answer').fill('Lead design for the mobile app');
    for (let i = 2; i <= 5; i++) await page.getByTestId('meeting-next').click();
    assert.equal(await page.getByTestId('meeting-progress').textContent(), 'Question 5 of 8');
    assert.equal(await page.getByTestId('meeting-title').textContent(), 'Key strengths');
    await page.getByTestId('toggle-prep').click();
    assert.match(await page.getByTestId('meeting-prep').textContent(), /Turns research into decisions/);
    await page.getByTestId('meeting-answer').fill('Research synthesis');
    // Touch targets are at least 44×44 px.
    for (const id of ['meeting-prev', 'meeting-next', 'toggle-prep']) {
      const box = await page.getByTestId(id).boundingBox();
      assert.ok(box.width >= 44 && box.height >= 44, `${id} is ${box.width}×${box.height}`);
    }
    // The field being typed in stays visible.
    await page.getByTestId('meeting-answer').focus();
    const field = await page.getByTestId('meeting-answer').boundingBox();
    assert.ok(field.y >= 0 && field.y + 40 <= viewport.height, 'the answer field is on screen');
    await screenshot(page, `tablet-${name}-meeting`);
    await page.getByTestId('meeting-prev').click();
    assert.equal(await page.getByTestId('meeting-progress').textContent(), 'Question 4 of 8');
    await a.waitSaved();
    await page.getByRole('link', { name: 'Exit' }).click();
    assert.equal(await a.discussion().value('answer-short_term'), 'Lead design for the mobile app');
    assert.equal(await a.discussion().value('answer-strengths'), 'Research synthesis');
    await ctx.close();
  });
}
