// Deleting for real (issue #20): a discussion and a person go from this device with every
// storage entry of theirs — a scan of localStorage finds none of their names, ids or text —
// while every other entry stays byte for byte; the sheet says what goes and what deletion
// cannot reach; the employee deletes their copy the same way; a deletion stopped part-way
// is finished by the next start.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setUp, screenshot } from './harness.mjs';
import { App, assertNoErrors, mentioning, newDiscussionWithNote, openLink, otherDevice, shareLink, stored } from './pages.mjs';

let env, app;
before(async () => {
  env = await setUp({ device: { viewport: { width: 768, height: 1024 }, hasTouch: true } });
  app = new App(env.page, env.server.url);
});
after(async () => env.tearDown());

const HARD = 'Zoë 👩🏽‍💻 naïve — 日本';

/// The keys whose entries are not byte for byte the same in `before` and `after` (changed,
/// removed or added), leaving out keys `skip` says may change.
function changed(before, after, skip) {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => !skip(k) && before[k] !== after[k]);
}

async function eraseFromSheet(page, testid, { shot } = {}) {
  await page.getByTestId(testid).click();
  const sheet = page.getByTestId('erase-sheet');
  await sheet.waitFor();
  const goes = (await sheet.getByTestId('erase-goes').textContent()).replace(/\s+/g, ' ');
  const stays = (await sheet.getByTestId('erase-stays').textContent()).replace(/\s+/g, ' ');
  if (shot) await screenshot(page, shot, { fullPage: false });
  await sheet.getByTestId('erase-confirm').click();
  await page.waitForURL(/\/$/);
  return { goes, stays };
}

test('a discussion and then a person are deleted with every entry of theirs; the rest is untouched', async () => {
  const page = env.page;
  await app.open('/');
  await page.getByTestId('manager-name').fill('Maria Lund');
  await page.getByTestId('manager-name').press('Tab');
  await app.people().addPerson({ name: 'Sam Okafor', role: 'Engineer' });
  await app.people().addPerson({ name: 'Ana Reyes', role: 'Designer' });
  const sam1 = await newDiscussionWithNote(app, 'Sam Okafor', `first-sam-note ${HARD}`);
  const sam2 = await newDiscussionWithNote(app, 'Sam Okafor', 'second-sam-note');
  await app.discussion().tab('prepare');
  await app.discussion().fill('prep-potential', 'private-sam-potential');
  await app.waitSaved();
  const ana = await newDiscussionWithNote(app, 'Ana Reyes', 'ana-note');
  // Sam's second discussion goes to his device: a copy deletion cannot reach.
  await app.open(`/discussions/${sam2}/prepare`);
  const link = await shareLink(page);
  const sam = await otherDevice(env);
  await openLink(sam.page, link);
  await sam.page.getByTestId('notes').or(sam.page.getByTestId('tab-conversation')).first().waitFor();

  // 1. One discussion, from its record.
  let before = await stored(page);
  await app.open(`/discussions/${sam1}/record`);
  const one = await eraseFromSheet(page, 'erase-discussion', { shot: 'erase-discussion-sheet-768x1024' });
  assert.match(one.goes, /the discussion/);
  assert.match(one.goes, /your private preparation/);
  assert.doesNotMatch(one.stays, /other person's device/, 'never shared: no copy elsewhere is claimed');
  await page.getByTestId('notice').filter({ hasText: 'The discussion was deleted from this device.' }).waitFor();
  let after = await stored(page);
  assert.deepEqual(mentioning(after, [sam1, 'first-sam-note', HARD]), []);
  assert.deepEqual(changed(before, after, (k) => k.includes(sam1) || k === 'ct1:index'), [], 'nothing else changed');

  // 2. The person, from their page: the sheet names what goes and what stays.
  before = await stored(page);
  await app.open('/');
  await app.people().openPerson('Sam Okafor');
  const personId = page.url().match(/people\/([0-9a-f]{32})/)[1];
  const whole = await eraseFromSheet(page, 'erase-person', { shot: 'erase-person-sheet-768x1024' });
  assert.match(whole.goes, /Sam Okafor from your people list/);
  assert.match(whole.goes, /1 discussion:/);
  assert.match(whole.goes, /your private preparation for each/);
  assert.match(whole.stays, /any copy that already left this device: on the other person's device/);
  assert.match(whole.stays, /files already downloaded or printed/);
  await page.getByTestId('notice').filter({ hasText: 'Sam Okafor and 1 discussion were deleted from this device.' }).waitFor();
  assert.deepEqual(await app.people().names(), ['Ana Reyes']);
  after = await stored(page);
  assert.deepEqual(mentioning(after, [personId, sam2, 'Sam Okafor', 'second-sam-note', 'private-sam-potential']), []);
  assert.deepEqual(changed(before, after, (k) => k.includes(sam2) || k === 'ct1:index' || k.startsWith('ct1:doc:roster:')), [],
    "Ana's entries and every other entry unchanged");
  assert.ok(Object.keys(after).some((k) => k.includes(ana)), "Ana's discussion is kept");

  // The next start: Ana and her discussion as they were.
  await app.reload();
  assert.deepEqual(await app.people().names(), ['Ana Reyes']);
  await app.open(`/discussions/${ana}/conversation`);
  assert.equal(await app.discussion().value('notes'), 'ana-note');
  await screenshot(page, 'erase-after-768x1024', { fullPage: false });

  // 3. Sam deletes his copy on his device, from its record.
  await sam.page.setViewportSize({ width: 1024, height: 768 });
  const samBefore = await stored(sam.page);
  await sam.page.getByTestId('tab-record').click();
  const his = await eraseFromSheet(sam.page, 'erase-discussion', { shot: 'erase-employee-sheet-1024x768' });
  assert.match(his.stays, /any copy that already left this device/);
  const samAfter = await stored(sam.page);
  assert.deepEqual(mentioning(samAfter, [sam2, 'second-sam-note', 'Sam Okafor', 'Maria Lund']), []);
  assert.deepEqual(changed(samBefore, samAfter, (k) => k.includes(sam2) || k === 'ct1:index'), []);
  await sam.context.close();
  assertNoErrors(env.errors);
});

test('a deletion stopped part-way is finished by the next start', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1024, height: 768 } });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  const other = new App(page, env.server.url);
  try {
    await other.open('/');
    await other.people().addPerson({ name: 'Kim Lee', role: 'Engineer' });
    await other.people().addPerson({ name: 'Noor Haddad', role: 'Engineer' });
    const kim = await newDiscussionWithNote(other, 'Kim Lee', 'kim-note');
    const noor = await newDiscussionWithNote(other, 'Noor Haddad', 'noor-note');
    const noorEntries = Object.fromEntries(Object.entries(await stored(page)).filter(([k]) => k.includes(noor)));
    await other.open('/');
    await other.people().openPerson('Kim Lee');
    // The tab dies after its third removal: storage refuses everything after it.
    await page.evaluate(() => {
      let left = 3;
      const remove = Storage.prototype.removeItem;
      const set = Storage.prototype.setItem;
      Storage.prototype.removeItem = function (k) { if (left-- <= 0) throw new DOMException('stopped', 'UnknownError'); return remove.call(this, k); };
      Storage.prototype.setItem = function (k, v) { if (left <= 0) throw new DOMException('stopped', 'UnknownError'); return set.call(this, k, v); };
    });
    await page.getByTestId('erase-person').click();
    await page.getByTestId('erase-confirm').click();
    await page.getByTestId('notice').filter({ hasText: 'The deletion could not finish' }).waitFor();
    const half = await stored(page);
    assert.ok('ct1:erasing' in half, 'the deletion was under way when it stopped');
    await page.close();

    // The next start.
    const next = await context.newPage();
    next.on('pageerror', (e) => errors.push(e));
    const again = new App(next, env.server.url);
    await again.open('/');
    await next.getByTestId('notice').filter({ hasText: 'A deletion that was interrupted has been completed.' }).waitFor();
    assert.deepEqual(await again.people().names(), ['Noor Haddad']);
    const now = await stored(next);
    assert.deepEqual(mentioning(now, [kim, 'kim-note', 'Kim Lee', 'ct1:erasing']), []);
    for (const [k, v] of Object.entries(noorEntries)) assert.equal(now[k], v, `${k} unchanged`);
    await again.open(`/discussions/${noor}/conversation`);
    assert.equal(await again.discussion().value('notes'), 'noor-note');
    assertNoErrors(errors);
  } finally {
    await context.close();
  }
});

test('with a retention period set, the people list shows what is past it and deletes it only when asked', async () => {
  const context = await env.browser.newContext({ viewport: { width: 1024, height: 768 }, locale: 'en-GB' });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e));
  const other = new App(page, env.server.url);
  const heldOn = async (id, date) => {
    await other.open(`/discussions/${id}/plan`);
    await page.getByTestId('held-on').fill(date);
    await page.getByTestId('held-on').dispatchEvent('change');
    await other.waitSaved();
  };
  try {
    await other.open('/');
    await other.people().addPerson({ name: 'Lee Park', role: 'Engineer' });
    await other.people().addPerson({ name: 'Ana Reyes', role: 'Designer' });
    const old = await newDiscussionWithNote(other, 'Lee Park', 'old-lee-note');
    await heldOn(old, '2019-03-01');
    const recent = await newDiscussionWithNote(other, 'Lee Park', 'recent-lee-note');
    await heldOn(recent, '2026-06-01');
    const ana = await newDiscussionWithNote(other, 'Ana Reyes', 'ana-2020');
    await heldOn(ana, '2020-06-01');

    // Off by default: nothing is shown.
    await other.open('/');
    await other.people().names();
    assert.equal(await page.getByTestId('past-retention').count(), 0);

    await page.getByTestId('settings-link').click();
    await page.getByTestId('retention-years').selectOption('5');
    await other.open('/');
    const notice = page.getByTestId('past-retention');
    await notice.waitFor();
    const rows = notice.getByTestId('past-retention-row');
    assert.deepEqual((await rows.allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim()), [
      'Lee Park: 1 discussion, the oldest from 1 Mar 2019. Delete it…',
      'Ana Reyes: 1 discussion, the oldest from 1 Jun 2020. Delete it…',
    ]);
    await screenshot(page, 'retention-1024x768', { fullPage: false });
    await page.setViewportSize({ width: 768, height: 1024 });
    await screenshot(page, 'retention-768x1024', { fullPage: false });
    const before = await stored(page);

    // Deleting Lee's old discussion: the sheet names it; his recent one and Ana stay.
    await rows.first().getByTestId('erase-past').click();
    const sheet = page.getByTestId('erase-sheet');
    assert.match(await sheet.getByRole('heading').textContent(), /^Delete 1 discussion with Lee Park from this device\?$/);
    assert.match((await sheet.getByTestId('erase-goes').textContent()).replace(/\s+/g, ' '), /1 discussion: 1 Mar 2019/);
    await sheet.getByTestId('erase-confirm').click();
    await page.getByTestId('notice').filter({ hasText: '1 discussion with Lee Park was deleted from this device.' }).waitFor();
    assert.deepEqual((await rows.allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim()), [
      'Ana Reyes: 1 discussion, the oldest from 1 Jun 2020. Delete it…',
    ]);
    const after = await stored(page);
    assert.deepEqual(mentioning(after, [old, 'old-lee-note']), []);
    assert.deepEqual(changed(before, after, (k) => k.includes(old) || k === 'ct1:index'), []);
    // The setting stays; the next start shows the same.
    await other.reload();
    await rows.first().waitFor();
    assert.equal(await rows.count(), 1);
    await other.people().openPerson('Lee Park');
    assert.equal(await other.person().discussions().count(), 1);
    assertNoErrors(errors);
  } finally {
    await context.close();
  }
});
