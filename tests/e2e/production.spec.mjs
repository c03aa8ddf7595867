// The app as a team runs it: Caddy (deploy/caddy/Caddyfile, `tls internal`) serving the
// compressed build and passing wss://<site>/relay to nats-server (deploy/nats/relay.conf,
// JetStream). No test here sets a relay: every page uses its own origin's /relay.
// A whole discussion with a reload; a share link on a second device that then stays in
// sync through the relay; a live session whose traffic goes through Caddy and is ciphertext
// on the NATS side; a reload with the server gone (service worker); a new build shown by
// the update banner.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { collectErrors, screenshot } from './harness.mjs';
import { App, assertNoErrors, managerStarts, openLink, shareLink } from './pages.mjs';
import { OPERATOR, startProduction } from './production.mjs';
import { readMailboxes, tap } from './relay.mjs';

const TEXT = 'Zoë 👩🏽‍💻 naïve — 日本';
let prod, browser, manager, managerCtx, discussionPath;
const errors = [];
const sockets = [];

async function device() {
  const context = await browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  collectErrors(page, errors);
  page.on('websocket', (ws) => sockets.push(ws.url()));
  return { context, page, app: new App(page, prod.url) };
}

async function waitValue(page, testid, expected, timeout = 15000) {
  await page.waitForFunction(
    ([id, text]) => document.querySelector(`[data-testid=${id}]`)?.value === text,
    [testid, expected],
    { timeout },
  );
}

before(async () => {
  prod = await startProduction();
  browser = await prod.launch();
  ({ context: managerCtx, app: manager } = await device());
});
after(async () => {
  await browser?.close();
  await prod?.close();
});

test('a whole discussion from the production server, kept across a reload', async () => {
  const d = await managerStarts(manager, { manager: 'Maria Lund', person: 'Sam Okafor' });
  await d.fill('prep-potential', `PRIVATE prep ${TEXT}`);
  await d.tab('conversation');
  await d.fill('answer-strengths', `Calm in incidents. ${TEXT}`);
  await manager.waitSaved();
  discussionPath = new URL(manager.page.url()).pathname;
  await manager.page.reload();
  await manager.page.getByTestId('answer-strengths').waitFor();
  assert.equal(await d.value('answer-strengths'), `Calm in incidents. ${TEXT}`);
  // The page came over HTTPS from Caddy, and its service worker took over.
  assert.equal(new URL(manager.page.url()).origin, prod.origin);
  await manager.page.waitForFunction(() => navigator.serviceWorker?.controller !== null, null, { timeout: 15000 });
  await screenshot(manager.page, 'production-manager');
  assertNoErrors(errors);
});

test('a share link opens on a second device, and the two stay in sync through /relay', async () => {
  const link = await shareLink(manager.page);
  assert.ok(link.startsWith(`${prod.origin}/#`), link);
  const employee = await device();
  await openLink(employee.page, link);
  await employee.page.getByTestId('tab-conversation').click();
  await waitValue(employee.page, 'answer-strengths', `Calm in incidents. ${TEXT}`);
  // Paired by the share: the employee's answer reaches the manager with no link back.
  await employee.app.discussion().fill('answer-next_12_months', `Mentor two juniors. ${TEXT}`);
  const line = employee.page.locator('.page-head').getByTestId('sync-status');
  await line.getByText(/Sent; Maria Lund's device picks it up/).waitFor({ timeout: 20000 })
    .catch(async (e) => { throw new Error(`the sync line says: ${await line.textContent().catch(() => '(none)')}`); });
  await screenshot(employee.page, 'production-employee');
  await manager.open(discussionPath);
  // Merged by itself (on the page that stayed open, or after the reload): what came is
  // there to review, which survives the reload.
  await waitValue(manager.page, 'answer-next_12_months', `Mentor two juniors. ${TEXT}`);
  await manager.page.getByTestId('review-marker').getByText(/from Sam Okafor/).waitFor();
  assert.equal(await manager.discussion().value('answer-next_12_months'), `Mentor two juniors. ${TEXT}`);
  // Both devices reached the relay only at this site's /relay, over TLS.
  assert.ok(sockets.length > 0, 'no socket was opened');
  assert.deepEqual([...new Set(sockets)], [`wss://127.0.0.1:${new URL(prod.origin).port}/relay`]);
  // What the relay keeps is ciphertext.
  const stored = Buffer.concat((await readMailboxes(prod.relay, OPERATOR)).map((m) => m.payload));
  assert.ok(stored.length > 0, 'the relay holds no bundle');
  for (const secret of ['Maria', 'Sam', 'Calm in incidents', 'Mentor', 'PRIVATE', 'na\u00efve']) {
    assert.ok(!stored.includes(Buffer.from(secret)), `"${secret}" is readable on the relay`);
  }
  await employee.context.close();
  assertNoErrors(errors);
});

test('a live session through Caddy\'s wss://…/relay: both type, the relay sees ciphertext', async () => {
  const sniffer = await tap(prod.relay, OPERATOR);
  try {
    await manager.discussion().tab('share');
    await manager.page.getByTestId('start-live').click();
    const link = await manager.page.getByTestId('live-link').inputValue();
    await manager.page.getByTestId('live-status').getByText('Live').waitFor();
    const guest = await device();
    await openLink(guest.page, link);
    await guest.page.getByTestId('live-status').getByText('Live').waitFor({ timeout: 15000 });
    await guest.page.getByTestId('answer-long_term').waitFor({ timeout: 15000 });

    await manager.discussion().tab('conversation');
    await manager.discussion().field('answer-long_term').pressSequentially('Principal engineer', { delay: 20 });
    await waitValue(guest.page, 'answer-long_term', 'Principal engineer');
    await guest.page.getByTestId('notes').pressSequentially(`${TEXT} notes`, { delay: 20 });
    await waitValue(manager.page, 'notes', `${TEXT} notes`);

    const seen = sniffer.bytes();
    assert.ok(seen.length > 1000, `the relay saw ${seen.length} bytes of the session`);
    for (const secret of ['Principal engineer', 'notes', 'PRIVATE', 'Maria', 'Sam Okafor', 'na\u00efve']) {
      assert.ok(!seen.includes(Buffer.from(secret)), `"${secret}" crossed the relay in plaintext`);
    }
    await manager.discussion().tab('share');
    await manager.page.getByTestId('end-live').click();
    await guest.context.close();
  } finally {
    sniffer.close();
  }
  assertNoErrors(errors);
});

test('with the server gone, the app reloads from its service worker and keeps edits', async () => {
  await manager.open(discussionPath);
  await manager.page.waitForFunction(() => navigator.serviceWorker?.controller !== null, null, { timeout: 15000 });
  await prod.caddy.stop();
  try {
    await manager.page.reload();
    await manager.page.getByTestId('answer-development_areas').waitFor();
    await manager.discussion().fill('answer-development_areas', 'Written with the server gone');
    await manager.waitSaved();
    await manager.page.reload();
    await manager.page.getByTestId('answer-development_areas').waitFor();
    assert.equal(await manager.discussion().value('answer-development_areas'), 'Written with the server gone');
    assert.equal(await manager.discussion().value('answer-strengths'), `Calm in incidents. ${TEXT}`);
  } finally {
    await prod.caddy.start();
  }
  // The paired socket failed while the server was away: the browser says so itself.
  assertNoErrors(errors.splice(0).filter((e) => !/ERR_CONNECTION_REFUSED/.test(String(e))));
});

test('a new build on the server shows the update banner, and reloads only when asked', async () => {
  await manager.open('/');
  const before = await manager.page.evaluate(() => caches.keys());
  const version = await prod.deployNewBuild();
  await manager.page.reload();
  const banner = manager.page.getByTestId('update-banner');
  await banner.waitFor({ timeout: 20000 });
  // The new build waits (installed beside the old one) until the person asks.
  assert.ok((await manager.page.evaluate(() => caches.keys())).includes(before[0]), 'the old build was dropped before it was asked to');
  await screenshot(manager.page, 'production-update', { fullPage: false });
  await banner.getByRole('button', { name: 'Reload now' }).click();
  await manager.page.waitForFunction((v) => caches.keys().then((k) => k.length === 1 && k[0] === `career-talk-${v}`), version, { timeout: 20000 });
  assert.notDeepEqual(await manager.page.evaluate(() => caches.keys()), before);
  // Still the same people, after the update.
  await manager.page.getByText('Sam Okafor').first().waitFor();
  assertNoErrors(errors);
});
