// Paired sync through a real nats-server with JetStream: the manager and the employee are
// never online at the same time, and still end with the same record and every word. The
// relay keeps only ciphertext; a garbled message is skipped with a warning and later ones
// still arrive; either side can stop the pairing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setUp, screenshot } from './harness.mjs';
import { App, assertNoErrors, managerStarts, openLink, shareLink } from './pages.mjs';
import { startRelay, readMailboxes, publishRaw } from './relay.mjs';
import { newSender, seal } from './envelope.mjs';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import * as Automerge from '@automerge/automerge';

let env, relay, managerCtx, employeeCtx;
const errors = [];

const FIRST = 'Zoë 👩🏽‍💻 naïve — 日本: calm in incidents.';
const LATER = 'Lead the card-issuing rewrite.';
const THEIRS = 'I would like to mentor two juniors.';
const PREP = 'Could run the platform group within two years.';

before(async () => {
  relay = await startRelay();
  env = await setUp();
  managerCtx = env.context;
  employeeCtx = await env.browser.newContext({ viewport: { width: 1200, height: 900 } });
  for (const ctx of [managerCtx, employeeCtx]) {
    await ctx.addInitScript((url) => localStorage.setItem('ct1:relay', url), relay.url);
  }
});
after(async () => {
  await env.tearDown();
  await relay.stop();
});

/// Opens a device again (a new page in its own browser context: same storage).
async function reopen(ctx, path) {
  const page = await ctx.newPage();
  page.on('pageerror', (e) => errors.push(e));
  const app = new App(page, env.server.url);
  await app.open(path);
  return app;
}

const status = (page) => page.locator('.page-head').getByTestId('sync-status');

/// Waits for the heading's sync line to match `expected`; says what it showed if not.
async function waitStatus(page, expected, timeout = 15000) {
  try {
    await status(page).getByText(expected).waitFor({ timeout });
  } catch (e) {
    const shown = await status(page).textContent().catch(() => '(no sync line)');
    throw new Error(`the sync line never said ${expected}; it says: ${shown}`);
  }
}

/// Does `edit` on `page`, and waits until its bundle is on the relay and the line says so
/// (it said "Sent" already for what went before the edit).
async function sent(page, edit, says = /picks it up when it is next online/) {
  // The newest stream sequence (a count would not do: a subject keeps its last 16).
  const last = async () => Math.max(0, ...(await readMailboxes(relay).catch(() => [])).map((m) => m.seq));
  const kept = await last();
  await edit();
  await new App(page, env.server.url).waitSaved();
  for (let t = 0; (await last()) <= kept; t++) {
    assert.ok(t < 30, 'the edit never reached the relay');
    await page.waitForTimeout(500);
  }
  await waitStatus(page, says, 15000);
}

async function waitValue(page, testid, value) {
  await page.waitForFunction(
    ([t, v]) => document.querySelector(`[data-testid="${t}"]`)?.value === v,
    [testid, value],
    { timeout: 15000 },
  );
}

async function both(page, name) {
  for (const [w, h] of [[768, 1024], [1024, 768]]) {
    await page.setViewportSize({ width: w, height: h });
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, `${name}-${w}x${h}`, { fullPage: false });
  }
}

test('two devices never online together end with the same record and every word', async () => {
  // The manager prepares, writes an answer, and shares by link (pairing is on by default).
  const md = await managerStarts(new App(env.page, env.server.url), { manager: 'Maria Lund', person: 'Sam Okafor' });
  await md.fill('prep-potential', PREP);
  await md.tab('conversation');
  await md.fill('answer-strengths', FIRST);
  const link = await shareLink(env.page);
  const path = new URL(env.page.url()).pathname.replace(/\/share$/, '/conversation');
  // After sharing, another edit: it goes through the mailbox, not the link. Sam's device
  // has not taken anything in yet, so the line claims no more than that.
  await md.tab('conversation');
  await sent(env.page, () => md.fill('answer-next_assignment', LATER), /^Sync starts once Sam Okafor takes in what you send$/);
  await env.page.getByTestId('tab-share').click();
  await env.page.getByTestId('pairing').waitFor();
  await both(env.page, 'paired-1-manager-sent');
  await env.page.close();

  // Later, the employee opens the link: the edit made after it was shared is there too.
  const employeePage = await employeeCtx.newPage();
  employeePage.on('pageerror', (e) => errors.push(e));
  // The question names Maria and asks about sync, ticked: her yes pairs them.
  await employeePage.goto(link);
  const asked = employeePage.getByTestId('link-prompt');
  await asked.waitFor();
  assert.match(await asked.textContent(), /Open your career discussion with Maria Lund\?/);
  assert.equal(await asked.getByTestId('link-sync').isChecked(), true);
  await asked.getByTestId('link-yes').click();
  await employeePage.getByTestId('notice').first().waitFor();
  await employeePage.getByTestId('tab-conversation').click();
  const employee = new App(employeePage, env.server.url).discussion();
  await waitValue(employeePage, 'answer-next_assignment', LATER);
  // Its own first changes (its device key, for Maria to pin, and its yes) went out: no
  // words of hers did, so the line does not say "Sent", nor "synced".
  await waitStatus(employeePage, /^Paired with Maria Lund$/, 15000);
  await both(employeePage, 'paired-2-employee-synced');

  // The relay goes away; the employee keeps working: the change waits on the device.
  await relay.stop();
  await employee.fill('answer-next_12_months', THEIRS);
  // The browser is online; only the relay is gone, and the line tells the two apart.
  await waitStatus(employeePage, '1 change waiting to send (the sync service cannot be reached)', 15000);
  await both(employeePage, 'paired-3-employee-offline');
  // It comes back: the change goes out; then the employee closes.
  await relay.start();
  await waitStatus(employeePage, /Sent; Maria Lund's device picks it up/, 20000);
  await employeePage.close();

  // The manager opens again, days later: the employee's words are merged and reviewed.
  const manager = await reopen(managerCtx, path);
  await manager.page.getByTestId('notice').getByText(/^Through sync: Merged /).first().waitFor({ timeout: 15000 });
  assert.equal(await manager.discussion().value('answer-next_12_months'), THEIRS);
  assert.equal(await manager.discussion().value('answer-strengths'), FIRST);
  await manager.page.getByTestId('review-marker').waitFor();
  await waitStatus(manager.page, /Synced with Sam Okafor (just now|\d+ minutes? ago)/, 15000);
  await both(manager.page, 'paired-4-manager-merged');

  // The relay stored only ciphertext: no names, no answers, no preparation.
  const stored = await readMailboxes(relay);
  assert.ok(stored.length >= 2, `the stream holds ${stored.length} messages`);
  const all = Buffer.concat(stored.map((m) => m.payload));
  for (const secret of ['Sam', 'Maria', 'Okafor', 'calm in incidents', 'card-issuing', 'mentor', 'platform group', 'Engineer']) {
    assert.ok(!all.includes(Buffer.from(secret)), `"${secret}" is readable on the relay`);
  }
  for (const m of stored) {
    assert.match(m.subject, /^ctmb\.[0-9a-f]{32}\.(leader|employee)$/);
  }

  // A garbled message in the mailbox is skipped with a warning; the next change still arrives.
  const mailbox = stored[0].subject.split('.')[1];
  await publishRaw(relay, `ctmb.${mailbox}.employee`, Buffer.from('CTL2 this is not a sealed bundle'));
  await waitStatus(manager.page, /skipped/, 15000);
  await manager.page.close();
  const employeeAgain = await reopen(employeeCtx, path);
  await sent(employeeAgain.page, () => employeeAgain.discussion().fill('answer-short_term', 'Tech lead next year.'));
  await employeeAgain.page.close();
  const managerAgain = await reopen(managerCtx, path);
  await managerAgain.page.getByTestId('notice').getByText(/^Through sync: Merged /).first().waitFor({ timeout: 15000 });
  assert.equal(await managerAgain.discussion().value('answer-short_term'), 'Tech lead next year.');

  // The manager stops the pairing; the employee's device is told the next time it is online.
  await managerAgain.page.getByTestId('tab-share').click();
  await managerAgain.page.getByTestId('stop-pairing').click();
  await managerAgain.page.getByTestId('pairing').getByText('You turned sync off').waitFor();
  // The stop reaches the relay before the manager leaves.
  await managerAgain.page.waitForTimeout(3000);
  await both(managerAgain.page, 'paired-5-manager-stopped');
  await managerAgain.page.close();
  const employeeLast = await reopen(employeeCtx, path);
  await waitStatus(employeeLast.page, 'Maria Lund turned sync off', 15000);
  // Nothing already merged was removed.
  assert.equal(await employeeLast.discussion().value('answer-short_term'), 'Tech lead next year.');
  assert.equal(await employeeLast.discussion().value('answer-next_12_months'), THEIRS);
  await both(employeeLast.page, 'paired-6-employee-told');
  assertNoErrors(errors.concat(env.errors));
});

test('a live session pairs the two devices: after it, changes still arrive without meeting', async () => {
  const managerPage = await managerCtx.newPage();
  managerPage.on('pageerror', (e) => errors.push(e));
  const manager = new App(managerPage, env.server.url);
  await manager.open('/');
  await manager.people().addPerson({ name: 'Tess Ueda', role: 'Analyst' });
  await manager.people().openPerson('Tess Ueda');
  await manager.person().startDiscussion();
  const path = new URL(managerPage.url()).pathname.replace(/\/[a-z]+$/, '/conversation');
  await manager.discussion().tab('share');
  await managerPage.getByTestId('start-live').click();
  const link = await managerPage.getByTestId('live-link').inputValue();

  // Tess joins on her device; the session carries the pairing with the record.
  const tessCtx = await env.browser.newContext({ viewport: { width: 1200, height: 900 } });
  await tessCtx.addInitScript((url) => localStorage.setItem('ct1:relay', url), relay.url);
  const tessPage = await tessCtx.newPage();
  tessPage.on('pageerror', (e) => errors.push(e));
  await openLink(tessPage, link);
  await tessPage.getByTestId('answer-strengths').waitFor({ timeout: 20000 });
  // The host asked for sync; nothing syncs until Tess says yes.
  await waitStatus(tessPage, 'Maria Lund asks to keep your devices in sync', 20000);
  await tessPage.getByTestId('tab-share').click();
  await tessPage.getByTestId('pairing-yes').click();
  await waitStatus(tessPage, /^(Paired with|Synced with|Sent;)/, 20000);
  await tessPage.close();

  // After the session, apart: the manager writes, and closes.
  await manager.open(path);
  await sent(managerPage, () => manager.discussion().fill('answer-strengths', 'Thorough reviews.'));
  await managerPage.close();

  // Tess opens the app later: the words are there.
  const tess = await reopen(tessCtx, path);
  await waitValue(tess.page, 'answer-strengths', 'Thorough reviews.');
  await tessCtx.close();
  assertNoErrors(errors.concat(env.errors));
});

test('the sender can share without pairing: both sides say sync is off', async () => {
  const page = await managerCtx.newPage();
  page.on('pageerror', (e) => errors.push(e));
  const manager = new App(page, env.server.url);
  await manager.open('/');
  await manager.people().addPerson({ name: 'Uma Vance', role: 'Analyst' });
  await manager.people().openPerson('Uma Vance');
  await manager.person().startDiscussion();
  await manager.discussion().tab('share');
  await page.getByTestId('pair-when-sharing').uncheck();
  await page.getByTestId('make-link').click();
  const link = await page.getByTestId('share-link').inputValue();
  await waitStatus(page, 'Sync turned off by you: changes go by link or file');
  const umaCtx = await env.browser.newContext();
  await umaCtx.addInitScript((url) => localStorage.setItem('ct1:relay', url), relay.url);
  const uma = await umaCtx.newPage();
  await openLink(uma, link);
  await uma.getByTestId('notice').first().waitFor();
  await waitStatus(uma, 'Maria Lund turned sync off: changes go by link or file');
  await umaCtx.close();
  await page.close();
});

/// The pairing a share link carries (mailbox id and key, in the shared record), read the way
/// anyone holding the link could.
function pairingOf(link) {
  const bytes = Buffer.from(link.split('#ct=')[1], 'base64url');
  const n = bytes[4 + 1 + 1 + 16];
  const payload = bytes.subarray(4 + 1 + 1 + 16 + 1 + 32 * n + 4);
  const doc = Automerge.load(new Uint8Array(payload));
  const [mailbox, key] = String(doc.pairing).split('.');
  return { id: String(doc.id), mailbox, key };
}

test('a bundle that stops the app is skipped at the next start; later ones still arrive', async () => {
  const CRASH = fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '../../core/tests/regressions/stored_doc_checked_crash_1'));
  const page = await managerCtx.newPage();
  const manager = new App(page, env.server.url);
  await manager.open('/');
  await manager.people().addPerson({ name: 'Vic Wren', role: 'Designer' });
  await manager.people().openPerson('Vic Wren');
  await manager.person().startDiscussion();
  const link = await shareLink(page);
  const path_ = new URL(page.url()).pathname.replace(/\/share$/, '/conversation');
  await page.close();
  const vicCtx = await env.browser.newContext();
  await vicCtx.addInitScript((url) => localStorage.setItem('ct1:relay', url), relay.url);
  const vic = await vicCtx.newPage();
  const vicErrors = [];
  vic.on('console', (m) => { if (m.type() === 'error') vicErrors.push(m.text()); });
  await openLink(vic, link);
  await vic.getByTestId('notice').first().waitFor();
  await vic.close();

  // Someone holding the link puts a whole-record bundle of crashing bytes in the mailbox.
  const { id, mailbox, key } = pairingOf(link);
  const head = Buffer.concat([Buffer.from('CTK1'), Buffer.from([1, 1]), Buffer.from(id, 'hex'), Buffer.from([0])]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(Buffer.concat([head, CRASH])));
  const pkg = Buffer.concat([head, crc, CRASH]);
  const frame = seal(`#live=${id}.${mailbox}.${key}.${'00'.repeat(16)}`, newSender(), { kind: 'sync', seq: Date.now(), bytes: pkg });
  await publishRaw(relay, `ctmb.${mailbox}.leader`, frame);

  // Vic opens the app: it stops on that message, reloads, says so, and moves past it.
  const again = await vicCtx.newPage();
  again.on('console', (m) => { if (m.type() === 'error') vicErrors.push(m.text()); });
  await again.goto(env.server.url + path_);
  await again.getByTestId('notice').filter({ hasText: 'arrived through sync could not be read' }).waitFor({ timeout: 20000 });
  // The manager's device reads that subject too (for the manager's other devices): the same
  // happens there. Then the manager's next change still arrives, while Vic's app is open.
  const m2 = await reopen(managerCtx, path_);
  await m2.page.getByTestId('notice').filter({ hasText: 'arrived through sync could not be read' }).waitFor({ timeout: 20000 });
  await m2.discussion().fill('answer-strengths', 'Clear sketches.');
  try {
    await waitValue(again, 'answer-strengths', 'Clear sketches.');
  } catch (e) {
    const shown = await again.locator('.page-head').getByTestId('sync-status').textContent().catch(() => 'none');
    const mshown = await m2.page.locator('.page-head').getByTestId('sync-status').textContent().catch(() => 'none');
    const stored = await readMailboxes(relay);
    throw new Error(`not arrived; vic: ${shown}; manager: ${mshown}; stream: ${stored.map((m) => m.subject + ':' + m.payload.length).join(', ')}; url ${again.url()}; console: ${vicErrors.join(' | ').slice(0, 500)}`);
  }
  await m2.page.close();
  await vicCtx.close();
});
