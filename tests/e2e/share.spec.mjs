// The manager and the employee, each on their own device (an isolated browser context),
// share one discussion by link, work apart, and merge with nothing lost.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setUp, screenshot } from './harness.mjs';
import { App, assertNoErrors, managerStarts, openLink, openLinkMaybe, openReview } from './pages.mjs';

let env, employeeContext, employeePage, manager, employee;
const employeeErrors = [];
before(async () => {
  env = await setUp();
  manager = new App(env.page, env.server.url);
  employeeContext = await env.browser.newContext({ viewport: { width: 1200, height: 900 } });
  employeePage = await employeeContext.newPage();
  employeePage.on('pageerror', (e) => employeeErrors.push(e));
  employee = new App(employeePage, env.server.url);
});
after(async () => env.tearDown());

const SECRET = 'Not ready to lead the platform group before 2028';
const DRAFT = 'I am not sure I want to say this to my manager yet';

async function makeLink(page) {
  await page.getByTestId('make-link').click();
  await page.getByTestId('show-link').click();
  await page.getByTestId('share-link').waitFor();
  return page.getByTestId('share-link').inputValue();
}

async function storageDump(page) {
  return page.evaluate(() => JSON.stringify(Object.entries(localStorage).sort()));
}

test('share by link, answer apart, send back, and merge with nothing lost', async () => {
  // The manager prepares privately and holds part of the conversation.
  const md = await managerStarts(manager, { manager: 'Maria Lund', person: 'Sam Okafor', role: 'Engineer', team: 'Platform' });
  await md.fill('prep-potential', SECRET);
  await md.tab('conversation');
  await md.fill('answer-strengths', 'Calm in incidents');

  // Share with the employee.
  await md.tab('share');
  assert.match(await env.page.getByTestId('share-warning').textContent(), /Whoever has what you send can read this discussion/);
  const link = await makeLink(env.page);
  assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/#ct=[A-Za-z0-9_-]+$/);
  // A whole record's link is far too long for a camera to read off a screen: no QR code.
  assert.equal(await env.page.getByTestId('share-qr').count(), 0);
  await screenshot(env.page, 'share-1-manager-link');

  // The employee opens it on their own device. The app asks first; "Not now" stores
  // nothing and leaves no trace of the link.
  await employee.open('/');
  const untouched = await storageDump(employeePage);
  await employeePage.goto(link);
  const prompt = employeePage.getByTestId('link-prompt');
  await prompt.waitFor();
  assert.match(await prompt.textContent(), /Open your career discussion with Maria Lund\?/);
  assert.equal(await employeePage.evaluate(() => location.hash), '', 'the fragment is removed before asking');
  await screenshot(employeePage, 'share-2a-employee-asked', { fullPage: false });
  await employeePage.getByTestId('link-no').click();
  await prompt.waitFor({ state: 'detached' });
  assert.equal(await storageDump(employeePage), untouched, 'nothing stored before the yes');
  await openLink(employeePage, link);
  await employeePage.getByTestId('notice').waitFor();
  assert.match(await employeePage.getByTestId('notice').textContent(), /Maria Lund shared your career discussion/);
  assert.equal(await employeePage.evaluate(() => location.hash), '', 'the fragment is removed');
  assert.match(employeePage.url(), /\/discussions\/[0-9a-f]{32}\/reflect$/);
  await screenshot(employeePage, 'share-2-employee-reflect');

  // Private reflection: one answer published, one kept as a draft.
  const ed = employee.discussion();
  await ed.fill('reflect-long_term', 'Staff engineer on the platform');
  await employeePage.getByTestId('publish-long_term').click();
  await employeePage.getByTestId('publish-state-long_term').getByText('Published').waitFor();
  await ed.fill('reflect-development_areas', DRAFT);

  // The employee adds to the very answer the manager is also editing, and picks a track.
  await ed.tab('conversation');
  assert.equal(await ed.value('answer-strengths'), 'Calm in incidents');
  assert.equal(await employeePage.getByTestId('prep-aside-strengths').count(), 0, 'no leader prep on the employee side');
  await ed.fill('answer-strengths', 'Calm in incidents and teaching others');
  // The track is Maria's: Sam suggests one.
  await ed.tab('plan');
  await employeePage.getByTestId('suggest-track').click();
  await employeePage.getByTestId('suggest-sheet').getByTestId('suggest-option').filter({ hasText: 'Technical expert' }).click();
  await employeePage.getByTestId('track-suggestions').getByText(/You suggested Technical expert/).waitFor();

  // Meanwhile the manager edits the same answer and sets the track differently.
  await md.tab('conversation');
  await md.fill('answer-strengths', 'Very calm in incidents');
  await md.tab('plan');
  await md.choose('track', 0); // Senior leadership
  await manager.waitSaved();

  // The employee sends back only what the manager lacks.
  await ed.tab('share');
  const reply = await makeLink(employeePage);
  assert.match(await employeePage.getByTestId('share').textContent(), /It carries only the changes Maria Lund does not have yet/);
  await employee.waitSaved();

  // The private side never reached the employee's device.
  const employeeStorage = await storageDump(employeePage);
  assert.ok(!employeeStorage.includes('ct1:doc:p.'), 'no prep document on the employee device');
  for (const tab of ['conversation', 'plan', 'record']) {
    await ed.tab(tab);
    assert.ok(!(await employeePage.content()).includes(SECRET), `the leader's prep shows on the employee's ${tab} tab`);
  }

  // The manager opens the reply.
  await openLink(env.page, reply);
  await env.page.getByTestId('notice').waitFor();
  assert.match(await env.page.getByTestId('notice').textContent(), /Merged Sam Okafor's changes to/);
  assert.equal(await env.page.evaluate(() => location.hash), '');
  assert.equal(await md.value('answer-strengths'), 'Very calm in incidents and teaching others');
  assert.equal(await md.value('answer-long_term'), 'Staff engineer on the platform');

  // The review lists the employee's changes, with what they added marked.
  const review = await openReview(env.page);
  const reviewText = await review.textContent();
  assert.match(reviewText, /What Sam Okafor changed/);
  assert.match(reviewText, /Key strengths/);
  assert.match(reviewText, /Longer-term aspirations/);
  assert.ok((await review.getByTestId('review-added').allTextContents()).some((t) => t.includes('teaching others')));

  // Sam's track is a suggestion, not a change: Maria's pick stands until she accepts it.
  const suggestion = review.getByTestId('review-suggestions').getByTestId('suggestion');
  assert.match(await suggestion.textContent(), /Development track: Sam Okafor suggests Technical expert/);
  assert.equal(await env.page.getByTestId('conflict').count(), 0);
  await screenshot(env.page, 'share-3-manager-merged');
  await md.tab('plan');
  assert.ok(await md.isChosen('track', 0));
  await env.page.getByTestId('track-suggestions').getByTestId('suggestion-accept').click();
  assert.ok(await md.isChosen('track', 1));

  // The employee's unpublished draft never reached the manager.
  await md.tab('record');
  assert.ok(!(await env.page.content()).includes(DRAFT));

  await env.page.getByTestId('dismiss-review').click();
  await env.page.getByTestId('merge-review').waitFor({ state: 'detached' });
  await manager.waitSaved();
  await manager.reload();
  assert.equal(await env.page.getByTestId('merge-review').count(), 0, 'a dismissed review stays dismissed');
  assertNoErrors(env.errors);
  assertNoErrors(employeeErrors);
});

test('a broken or foreign link changes nothing on this device', async () => {
  await manager.open('/');
  await manager.waitSaved();
  const before = await storageDump(env.page);
  const good = await (async () => {
    await manager.people().openPerson('Sam Okafor');
    await env.page.getByTestId('discussion-item').first().getByRole('link').click();
    await manager.discussion().tab('share');
    return makeLink(env.page);
  })();
  const cut = good.slice(0, Math.floor(good.length * 0.6));
  const altered = good.slice(0, -10) + (good.at(-10) === 'A' ? 'B' : 'A') + good.slice(-9);
  for (const [name, link] of [
    ['truncated', cut],
    ['altered', altered],
    ['random', `${env.server.url}/#ct=q8Jd93kLmZ0pQ1vXy7TgHs2bNc4eRf6a`],
  ]) {
    // Messages queue up (a new one never hides an older one): dismiss the last link's first.
    for (const dismiss of await env.page.getByTestId('notice').getByRole('button', { name: 'Dismiss' }).all()) {
      await dismiss.click();
    }
    await openLinkMaybe(env.page, link);
    const notice = env.page.getByTestId('notice');
    await notice.waitFor();
    assert.match(await notice.textContent(), /could not be opened: .*Nothing on this device was changed/, name);
    assert.equal(await env.page.evaluate(() => location.hash), '', `${name}: fragment removed`);
    assert.equal(await storageDump(env.page), before, `${name}: local data changed`);
  }
  assertNoErrors(env.errors);
});

test('a view interjected and withdrawn, and words typed and deleted, are nowhere in the first link', async () => {
  const TAKEN_BACK = 'Not ready to lead the card team before 2028';
  const DELETED = 'Wants to leave within the year';
  const md = await managerStarts(manager, { manager: 'Maria Lund', person: 'Tom Reyes', role: 'Engineer' });
  await md.fill('prep-strengths', TAKEN_BACK);
  await md.tab('conversation');
  await md.interject('strengths', 'strengths');
  await md.leaderViews('strengths').first().waitFor();
  await manager.waitSaved();
  await env.page.getByTestId('withdraw-view').click();
  await md.leaderViews('strengths').first().waitFor({ state: 'detached' });
  await md.fill('notes', `${DELETED}. Calm in incidents.`);
  await manager.waitSaved();
  await md.fill('notes', 'Calm in incidents.');
  await manager.waitSaved();

  await md.tab('share');
  const link = await makeLink(env.page);
  const bytes = Buffer.from(link.split('#ct=')[1], 'base64url');
  const heads = bytes[22];
  const payload = bytes.subarray(4 + 1 + 1 + 16 + 1 + 32 * heads + 4);
  const Automerge = await import('@automerge/automerge');
  const doc = Automerge.load(new Uint8Array(payload));
  assert.equal(Automerge.toJS(doc).notes, 'Calm in incidents.');
  // Every character ever inserted is an op value; every version is a view of the history.
  const changes = Automerge.getAllChanges(doc).map((c) => Automerge.decodeChange(c));
  const inserted = changes.flatMap((c) => c.ops).map((op) => (typeof op.value === 'string' ? op.value : '')).join('');
  const json = (v) => JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? String(x) : x));
  const versions = changes.map((c) => json(Automerge.view(doc, [c.hash]))).join('');
  for (const secret of [TAKEN_BACK, DELETED]) {
    assert.ok(!inserted.includes(secret), `"${secret}" travels in the link's changes`);
    assert.ok(!versions.includes(secret), `"${secret}" is in a version of the link's history`);
  }
  assert.ok(inserted.includes('Calm in incidents.'), 'the check reads the link\'s text');
  // Nor the time of each edit: one moment, when the link was made.
  assert.equal(new Set(changes.map((c) => c.time)).size, 1);

  // Once shared, deleting words says where they still are.
  await md.tab('conversation');
  const notes = env.page.getByTestId('notes');
  assert.equal(await env.page.getByTestId('still-in-their-copy').count(), 0);
  await notes.focus();
  await notes.press('End');
  await notes.press('Backspace');
  await env.page.getByTestId('still-in-their-copy').waitFor();
  assert.match(await env.page.getByTestId('still-in-their-copy').textContent(), /if Tom Reyes's copy already has these words, it keeps them until you next share/);
  assertNoErrors(env.errors);
});
