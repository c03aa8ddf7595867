// Hostile input is rendered as text: script payloads typed into every field, or arriving by
// link, file or live session, never run (a page-level canary stays unset), and huge text does not break
// the layout. The Content-Security-Policy forbids inline script (the app's loader is a file).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { setUp, screenshot, ARTIFACTS } from './harness.mjs';
import { App, assertNoErrors, openLink } from './pages.mjs';

const PAYLOADS = [
  '<script>window.__pwned = "script"</script>',
  '<img src=x onerror="window.__pwned = \'img\'">',
  'javascript:window.__pwned = "url"',
  '<svg onload="window.__pwned = \'svg\'"><circle r=5 /></svg>',
  '\u202Etxt.exe \u2067bidi\u2069 override',
  '"><iframe srcdoc="<script>parent.__pwned=1</script>">',
];
const ALL = PAYLOADS.join(' | ');

let env, app;
before(async () => {
  env = await setUp();
  app = new App(env.page, env.server.url);
  await env.context.addInitScript(() => {
    window.__pwned = undefined;
    window.alert = () => { window.__pwned = 'alert'; };
  });
});
after(async () => env.tearDown());

async function pwned(page) {
  return page.evaluate(() => window.__pwned ?? null);
}

test('script payloads in every field stay text, here and on the other device', async () => {
  await app.open('/');
  const csp = await env.page.locator('meta[http-equiv=Content-Security-Policy]').getAttribute('content');
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval';/);
  assert.ok(!csp.includes("'unsafe-inline'"));
  assert.equal(await env.page.locator('script:not([src])').count(), 0, 'an inline script is in the page');

  await env.page.getByTestId('manager-name').fill(PAYLOADS[1]);
  await env.page.getByTestId('manager-name').press('Tab');
  await app.people().addPerson({ name: PAYLOADS[0], role: PAYLOADS[3], team: PAYLOADS[4] });
  // Shown literally in the list.
  assert.ok((await env.page.getByTestId('person-link').first().textContent()).includes('<script>'));
  await env.page.getByTestId('person-link').first().click();
  await app.person().startDiscussion();
  const d = app.discussion();
  for (const f of ['prep-potential', 'prep-path', 'prep-strengths', 'prep-needs', 'prep-next_assignment']) await d.fill(f, ALL);
  await d.fill('prep-timing', PAYLOADS[2]);
  await d.tab('conversation');
  for (const q of ['short_term', 'long_term', 'knows_what_it_takes', 'willing', 'strengths', 'development_areas', 'next_12_months', 'next_assignment']) {
    await d.fill(`answer-${q}`, ALL);
  }
  await d.interject('strengths', 'strengths');
  await d.tab('plan');
  await d.addAction({ text: ALL });
  for (const tab of ['gap', 'record', 'conversation']) await d.tab(tab);
  assert.equal(await pwned(env.page), null);
  await screenshot(env.page, 'hostile-manager');

  // Through a link to the other device.
  await d.tab('share');
  await env.page.getByTestId('make-link').click();
  const link = await env.page.getByTestId('share-link').inputValue();
  const ctx = await env.browser.newContext();
  await ctx.addInitScript(() => { window.alert = () => { window.__pwned = 'alert'; }; });
  const page = await ctx.newPage();
  await openLink(page, link);
  await page.getByTestId('tab-reflect').waitFor();
  await visitTabs(page);
  assert.equal(await pwned(page), null);
  assert.ok((await page.getByTestId('record').textContent()).includes('<img src=x onerror='));
  await ctx.close();
  assertNoErrors(env.errors);
});

async function visitTabs(page) {
  for (const tab of ['conversation', 'plan', 'record']) {
    await page.getByTestId(`tab-${tab}`).click();
    await page.waitForTimeout(100);
  }
}

test('the same payloads arriving as a file stay text', async () => {
  await app.discussion().tab('share');
  const [download] = await Promise.all([
    env.page.waitForEvent('download'),
    env.page.getByTestId('download-file').click(),
  ]);
  const file = path.join(ARTIFACTS, 'hostile.ctalk');
  fs.writeFileSync(file, fs.readFileSync(await download.path()));
  const ctx = await env.browser.newContext();
  await ctx.addInitScript(() => { window.alert = () => { window.__pwned = 'alert'; }; });
  const page = await ctx.newPage();
  const other = new App(page, env.server.url);
  await other.open('/');
  await page.getByTestId('open-file').setInputFiles(file);
  await page.getByTestId('tab-reflect').waitFor();
  await visitTabs(page);
  assert.equal(await pwned(page), null);
  assert.ok((await page.getByTestId('record').textContent()).includes('<svg onload='));
  await ctx.close();
});

test('the same payloads typed in a live session stay text on the peer', async () => {
  const ctx = await env.browser.newContext();
  // No relay listens: the two tabs talk over BroadcastChannel.
  await ctx.addInitScript(() => {
    localStorage.setItem('ct1:relay', 'ws://127.0.0.1:9');
    window.alert = () => { window.__pwned = 'alert'; };
  });
  const tabA = await ctx.newPage();
  const a = new App(tabA, env.server.url);
  await a.open('/');
  await tabA.getByTestId('manager-name').fill(PAYLOADS[5]);
  await tabA.getByTestId('manager-name').press('Tab');
  await a.people().addPerson({ name: PAYLOADS[1], role: 'Engineer' });
  await tabA.getByTestId('person-link').first().click();
  await a.person().startDiscussion();
  await a.discussion().tab('share');
  await tabA.getByTestId('start-live').click();
  const link = await tabA.getByTestId('live-link').inputValue();
  const tabB = await ctx.newPage();
  await openLink(tabB, link);
  await tabB.getByTestId('live-bar').waitFor();
  await tabB.getByTestId('live-peers').getByText(/iframe/).waitFor({ timeout: 10000 });
  await a.discussion().tab('conversation');
  await a.discussion().fill('answer-strengths', ALL);
  await tabB.waitForFunction((t) => document.querySelector('[data-testid=answer-strengths]')?.value === t, ALL, { timeout: 10000 });
  await visitTabs(tabB);
  assert.equal(await pwned(tabA), null);
  assert.equal(await pwned(tabB), null);
  await screenshot(tabB, 'hostile-live-peer');
  await ctx.close();
});

test('a megabyte of text in one answer neither breaks the layout nor loses a character', async () => {
  const big = 'x'.repeat(1024 * 1024);
  await app.discussion().tab('conversation');
  await app.discussion().field('notes').fill(big);
  await app.waitSaved();
  const overflow = await env.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
  await app.discussion().tab('record');
  const overflowRecord = await env.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflowRecord <= 0, `the record scrolls sideways by ${overflowRecord}px`);
  await app.reload();
  await app.discussion().tab('conversation');
  assert.equal((await app.discussion().value('notes')).length, big.length);
  assert.equal(await pwned(env.page), null);
});
