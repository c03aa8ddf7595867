// Live sessions through a real nats-server: typing shows up on the other device, the relay
// sees only ciphertext, and a relay restart mid-session loses nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setUp, screenshot } from './harness.mjs';
import { App, assertNoErrors, managerStarts, openLink } from './pages.mjs';
import { startRelay, tap, freePort } from './relay.mjs';
import { newSender, parseLink, publish, seal } from './envelope.mjs';

let env, relay, manager, employee, employeePage, employeeCtx, sniffer, liveLink;
before(async () => {
  relay = await startRelay();
  env = await setUp();
  await env.context.addInitScript((url) => localStorage.setItem('ct1:relay', url), relay.url);
  manager = new App(env.page, env.server.url);
  employeeCtx = await env.browser.newContext();
  await employeeCtx.addInitScript((url) => localStorage.setItem('ct1:relay', url), relay.url);
  employeePage = await employeeCtx.newPage();
  employee = new App(employeePage, env.server.url);
  sniffer = await tap(relay);
});
after(async () => {
  sniffer.close();
  await env.tearDown();
  await relay.stop();
});

const live = (page) => page.getByTestId('live-status');
async function waitValue(page, testid, expected, timeout = 10000) {
  await page.waitForFunction(
    ([id, text]) => document.querySelector(`[data-testid=${id}]`)?.value === text,
    [testid, expected],
    { timeout },
  );
}

test('a live session through the relay: both see each other type, encrypted end to end', async () => {
  await managerStarts(manager, { manager: 'Maria Lund', person: 'Sam Okafor', role: 'Engineer' });
  await manager.discussion().fill('prep-potential', 'PRIVATE leader prep');
  await manager.discussion().tab('share');
  await env.page.getByTestId('start-live').click();
    const link = await env.page.getByTestId('live-link').inputValue();
  liveLink = link;
  assert.match(link, /\/#live=[0-9a-f]{32}\.[0-9a-f]{32}\.[A-Za-z0-9_-]{43}\.[0-9a-f]{32}$/);
  await live(env.page).getByText('Live').waitFor();

  await openLink(employeePage, link);
  await live(employeePage).getByText('Live').waitFor();
  await employeePage.getByTestId('answer-strengths').waitFor({ timeout: 15000 });
  assert.equal(await employeePage.evaluate(() => location.hash), '');
  await screenshot(employeePage, 'live-employee');

  // The manager types; the employee sees it.
  await manager.discussion().tab('conversation');
  await manager.discussion().field('answer-strengths').pressSequentially('Calm under pressure', { delay: 20 });
  await waitValue(employeePage, 'answer-strengths', 'Calm under pressure');
  // The employee types; the manager sees it.
  await employeePage.getByTestId('notes').pressSequentially('Zoë 👩🏽‍💻 naïve — 日本 notes', { delay: 20 });
  await waitValue(env.page, 'notes', 'Zoë 👩🏽‍💻 naïve — 日本 notes');
    assert.match(await env.page.getByTestId('live-peers').textContent(), /Sam Okafor \(employee\)/);
  // Normal traffic raises no warnings.
    for (const page of [env.page, employeePage]) {
    const warnings = await page.getByTestId('live-warning').allTextContents();
    assert.deepEqual(warnings, [], 'normal traffic raised a warning');
  }

  // The relay carried plenty, and none of it readable.
  const seen = sniffer.bytes();
  assert.ok(seen.length > 1000, `the relay saw ${seen.length} bytes`);
  for (const secret of ['Calm under pressure', 'notes', 'PRIVATE', 'Maria', 'Sam Okafor', 'na\u00efve']) {
    assert.ok(!seen.includes(Buffer.from(secret)), `"${secret}" crossed the relay in plaintext`);
  }
  // The leader's prep never reached the employee.
  assert.ok(!(await employeePage.evaluate(() => JSON.stringify(Object.keys(localStorage)))).includes('ct1:doc:p.'));
  await screenshot(env.page, 'live-manager');
  assertNoErrors(env.errors);
});

test('the relay stops and restarts mid-session: edits continue and converge', async () => {
  await relay.stop();
  await live(env.page).getByText(/Reconnecting/).waitFor({ timeout: 10000 });
  await manager.discussion().field('answer-long_term').fill('Written while the relay was down');
  await employeePage.getByTestId('answer-development_areas').fill('Also written offline');
  await relay.start();
  await live(env.page).getByText('Live').waitFor({ timeout: 15000 });
  await waitValue(employeePage, 'answer-long_term', 'Written while the relay was down', 15000);
  await waitValue(env.page, 'answer-development_areas', 'Also written offline', 15000);
});

test('both type in the same answer at once: every character of both is kept, carets stay put', async () => {
  const a = env.page.getByTestId('answer-next_12_months');
  const b = employeePage.getByTestId('answer-next_12_months');
  await a.click();
  await b.click();
    // About five seconds of both typing at once.
  const runA = 'aaaa '.repeat(16);
  const runB = 'bbbb '.repeat(16);
  const typeA = a.pressSequentially(runA, { delay: 60 });
  const typeB = b.pressSequentially(runB, { delay: 60 });
  await Promise.all([typeA, typeB]);
  await env.page.waitForFunction(() => {
    const v = document.querySelector('[data-testid=answer-next_12_months]').value;
    return (v.match(/a/g) || []).length === 64 && (v.match(/b/g) || []).length === 64;
  }, null, { timeout: 15000 });
  const final = await a.inputValue();
  await waitValue(employeePage, 'answer-next_12_months', final, 15000);
    // Each typist's own run of characters stayed together: the caret never jumped.
  assert.ok(final.includes(runA), final);
  assert.ok(final.includes(runB), final);
});

test('garbage and tampered messages from the relay are dropped with a warning; the session goes on', async () => {
  const { room } = parseLink(liveLink);
  const net = await import('node:net');
  const s = net.connect(relay.port, '127.0.0.1');
  await new Promise((r) => s.once('connect', r));
  const junk = Buffer.from('CTL2\x00' + 'x'.repeat(80));
  s.write(`CONNECT {"verbose":false}\r\nPUB ctalk.${room} ${junk.length}\r\n`);
  s.write(junk);
  s.write('\r\nPUB ctalk.' + room + ' 5\r\nhello\r\nPING\r\n');
  await env.page.getByTestId('live-warning').waitFor({ timeout: 10000 });
  assert.match(await env.page.getByTestId('live-warning').textContent(), /Dropped a message (that could not be decrypted|that is not from this app)/);
  s.destroy();
  // Still live: typing still arrives.
  await manager.discussion().field('answer-knows_what_it_takes').fill('Yes, after the warning');
  await waitValue(employeePage, 'answer-knows_what_it_takes', 'Yes, after the warning');
});

test('a key holder sending bytes that crash Automerge is dropped; the app and its storage are unharmed', async () => {
  const fs = await import('node:fs');
  const crash = fs.readFileSync(new URL('../../core/tests/regressions/stored_doc_crash_1', import.meta.url));
  const oom = fs.readFileSync(new URL('../../core/tests/regressions/stored_doc_oom_1', import.meta.url));
  const stored = () => env.page.evaluate(() => JSON.stringify(Object.entries(localStorage).filter(([k]) => k.startsWith('ct1:doc:')).sort()));
  await manager.waitSaved();
  const before = await stored();
  // As the raw chunk, and inside a sync message (no heads, needs or filters; one change),
  // signed by a sender of its own as anyone holding the link can.
  const inMessage = (chunk) => Buffer.concat([Buffer.from([0x42, 0, 0, 0, 1]), Buffer.from([chunk.length & 0x7f | 0x80, chunk.length >> 7]), chunk]);
  const stranger = newSender();
  const frames = [crash, oom, inMessage(crash), inMessage(oom)]
    .map((bytes, i) => seal(liveLink, stranger, { kind: 'sync', seq: i + 1, bytes }));
  await publish(relay, liveLink, frames);
  await env.page.getByTestId('live-warning').getByText(/Dropped a sync message that could not be read/).waitFor({ timeout: 10000 });
  // Still live, nothing stored changed until the next edit, and that edit arrives.
  assert.equal(await env.page.getByTestId('crashed').count(), 0, 'the app did not crash');
  assert.equal(await stored(), before, 'stored documents changed');
  await manager.discussion().field('answer-knows_what_it_takes').fill('Yes, after the crash attempt');
  await waitValue(employeePage, 'answer-knows_what_it_takes', 'Yes, after the crash attempt');
});

test('a peer that drops and rejoins ten times loses nothing', async () => {
  const words = [];
  for (let i = 0; i < 10; i++) {
    // Drop: the page goes away without a goodbye, then the link is opened again.
    await employeePage.goto(env.server.url + '/');
    const word = `rejoin${i}`;
    words.push(word);
    await openLink(employeePage, liveLink);
    await employeePage.getByTestId('answer-short_term').waitFor({ timeout: 15000 });
    const field = employeePage.getByTestId('answer-short_term');
    await field.press('End');
    await field.pressSequentially(` ${word}`);
    await env.page.waitForFunction(
      (w) => document.querySelector('[data-testid=answer-short_term]').value.includes(w), word, { timeout: 15000 },
    );
  }
  const text = await manager.discussion().value('answer-short_term');
  for (const w of words) assert.ok(text.includes(w), `lost ${w}: ${text}`);
});

test('someone else with the link cannot speak as the leader or end the session', async () => {
  const { host } = parseLink(liveLink);
  const [mallory, eve] = [newSender(), newSender()];
  const presence = (name) => Buffer.from(JSON.stringify({ name, role: 'leader', focus: null }));
  await publish(relay, liveLink, [
    // Claiming the leader's sender id, signed with a key that is not the leader's.
    seal(liveLink, mallory, { kind: 'presence', seq: 1, bytes: presence('Mallory posing as Maria'), from: host }),
    seal(liveLink, mallory, { kind: 'bye', seq: 2, bytes: Buffer.from('end'), from: host }),
    // As herself, properly signed: her "end" is only her own goodbye.
    seal(liveLink, mallory, { kind: 'bye', seq: 3, bytes: Buffer.from('end') }),
    // Last, another stranger's id and key with Mallory's signature: its warning (only the
    // latest shows) says everything before it was read.
    seal(liveLink, mallory, { kind: 'presence', seq: 4, bytes: presence('Mallory as Eve'), from: eve.id, publicKey: eve.publicKey }),
  ]);
  for (const page of [env.page, employeePage]) {
    await page.getByTestId('live-warning').getByText(/signature does not match/).waitFor({ timeout: 10000 });
  }
  // The session is up on both sides, and the spoof shows nowhere.
  for (const page of [env.page, employeePage]) {
    assert.equal(await page.getByTestId('live-ended').count(), 0, 'the session ended');
    await live(page).getByText('Live').waitFor();
    assert.doesNotMatch(await page.getByTestId('live-peers').textContent(), /Mallory/);
  }
  assert.match(await employeePage.getByTestId('live-peers').textContent(), /Maria Lund \(leader\)/);
  await manager.discussion().tab('conversation');
  await manager.discussion().field('answer-willing').fill('Still live after the spoof');
  await waitValue(employeePage, 'answer-willing', 'Still live after the spoof');
  // The next test: the leader's own End still ends it.
});

test('ending the session tells the others, and the old link no longer joins', async () => {
  await manager.discussion().tab('share');
  await env.page.getByTestId('end-live').click();
    await employeePage.getByTestId('live-ended').waitFor({ timeout: 10000 });
  assert.equal(await employeePage.getByTestId('live-bar').count(), 0);
  // The employee's copy stays, and the retired link is refused.
  assert.equal(await employeePage.getByTestId('answer-strengths').inputValue(), 'Calm under pressure');
  await employeePage.goto(env.server.url + '/');
  await openLink(employeePage, liveLink);
  await employeePage.getByTestId('notice').getByText(/this live session has ended/).waitFor();
});

test('a crafted live link for a discussion this device has asks, then exchanges nothing with the other history', async () => {
  // Everything stored, but the paired-sync bookkeeping of the employee's own pairing (its
  // mailbox keeps running in the background: positions read, bundle numbers).
  const storage = (page) => page.evaluate(() => JSON.stringify(Object.entries(localStorage).sort().map(([k, v]) => {
    if (!k.startsWith('ct1:meta:')) return [k, v];
    const meta = JSON.parse(v);
    for (const f of ['mailbox_read', 'sent_heads', 'ack_due', 'respond', 'synced_at', 'bundle_seq', 'seen_seq', 'peer_heads']) delete meta[f];
    return [k, JSON.stringify(meta)];
  })));
  // Someone else starts a live session on a discussion of their own…
  const ctx = await env.browser.newContext();
  await ctx.addInitScript((url) => localStorage.setItem('ct1:relay', url), relay.url);
  const strangerPage = await ctx.newPage();
  const stranger = new App(strangerPage, env.server.url);
  await managerStarts(stranger, { manager: 'Mallory Grey', person: 'Una Stone', role: 'Analyst' });
  await stranger.discussion().tab('conversation');
  await stranger.discussion().fill('answer-strengths', 'Planted by a stranger');
  await stranger.waitSaved();
  await stranger.discussion().tab('share');
  await strangerPage.getByTestId('start-live').click();
  const theirs = await strangerPage.getByTestId('live-link').inputValue();
  // …and sends the employee a link naming the employee's discussion (ids are not secret).
  const samId = liveLink.split('#live=')[1].split('.')[0];
  const [, rest] = theirs.split('#live=');
  const crafted = `${env.server.url}/#live=${[samId, ...rest.split('.').slice(1)].join('.')}`;

  await employee.open('/');
  const before = await storage(employeePage);
  await employeePage.goto(crafted);
  const prompt = employeePage.getByTestId('link-prompt');
  await prompt.waitFor();
  assert.match(await prompt.textContent(), /Join the live session on Sam Okafor's career discussion/);
  await employeePage.getByTestId('link-yes').click();
  await live(employeePage).getByText('Live').waitFor({ timeout: 15000 });
  // Each side sees the other's hello prove another first change: refused, and said so.
  await employeePage.getByTestId('live-warning').getByText(/another discussion under the same id: nothing was exchanged/).waitFor({ timeout: 15000 });
  await strangerPage.getByTestId('live-warning').getByText(/another discussion under the same id: nothing was exchanged/).waitFor({ timeout: 15000 });
  await screenshot(employeePage, 'live-crafted-link-refused', { fullPage: false });
  // A few sync rounds later: nothing of either history crossed.
  await employeePage.waitForTimeout(4500);
  assert.equal(await employeePage.getByTestId('answer-strengths').inputValue(), 'Calm under pressure');
  assert.equal(await storage(employeePage), before, 'the employee device stored something');
  await stranger.discussion().tab('conversation');
  assert.equal(await strangerPage.getByTestId('answer-strengths').inputValue(), 'Planted by a stranger');
  assert.ok(!(await storage(strangerPage)).includes('Calm under pressure'), 'the stranger received the employee\'s history');
  await ctx.close();
});
