// Two people, one record: the manager types answers during the talk, the employee publishes
// their own words with each of the three choices, and the manager's notice and review say
// exactly what happened — word by word, with Restore for what the employee removed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setUp, screenshot, accessibilityProblems } from './harness.mjs';
import { App, assertNoErrors, managerStarts, otherDevice, shareLink, openLink, openReview } from './pages.mjs';

let env, other, manager, employee;
const errors = [];
before(async () => {
  env = await setUp({ bypassCSP: true });
  manager = new App(env.page, env.server.url);
  other = await otherDevice(env);
  employee = other.app;
  other.page.on('pageerror', (e) => errors.push(e));
  other.page.on('console', (m) => { if (m.type() === 'error') console.log('EMPLOYEE', m.text().slice(0, 1500)); });
  env.page.on('pageerror', (e) => errors.push(e));
});
after(async () => env.tearDown());

const SHORT = 'Lead a project, not just a component.';
const LONG = 'Principal engineer within five years.';
const STRENGTHS = 'Calm in incidents.';
const MINE_SHORT = 'I want to lead the card-issuing team.';
const MINE_LONG = 'Head of engineering, one day.';

async function both(page, name, options) {
  for (const [w, h] of [[768, 1024], [1024, 768]]) {
    await page.setViewportSize({ width: w, height: h });
    await screenshot(page, `${name}-${w}x${h}`, options);
  }
}

test('the employee publishes with each choice; the manager reads exactly what changed and restores', async () => {
  // The manager holds the talk and types three answers in the employee's words.
  const md = await managerStarts(manager, { manager: 'Maria Lund', person: 'Sam Okafor', team: 'Payments' });
  await md.tab('conversation');
  await md.fill('answer-short_term', SHORT);
  await md.fill('answer-long_term', LONG);
  await md.fill('answer-strengths', STRENGTHS);
  await manager.waitSaved();
  const link = await shareLink(env.page);

  // The employee opens it: the shared answers are shown in full beside their drafts.
  await openLink(other.page, link);
  await other.page.getByTestId('notice').waitFor();
  const ed = employee.discussion();
  assert.equal(await other.page.getByTestId('shared-answer-short_term').locator('.prose').textContent(), SHORT);

  // 1. Add mine (the default): both texts kept, the employee's marked as theirs.
  await ed.fill('reflect-short_term', MINE_SHORT);
  await other.page.getByTestId('publish-short_term').click();
  const sheet = other.page.getByTestId('publish-sheet-short_term');
  await sheet.waitFor();
  await both(other.page, 'two-sides-1-employee-publish-choice', { fullPage: false });
  assert.equal(await other.page.evaluate(() => document.activeElement?.dataset.testid), 'publish-add', 'the default choice has the focus');
  await sheet.getByTestId('publish-add').click();
  await other.page.getByTestId('publish-state-short_term').getByText('Published').waitFor();
  assert.equal(await ed.value('reflect-short_term'), `${SHORT}\n\nSam Okafor: ${MINE_SHORT}`);

  // 2. Replace, after a confirmation that shows what goes.
  await ed.fill('reflect-long_term', MINE_LONG);
  await other.page.getByTestId('publish-long_term').click();
  await other.page.getByTestId('publish-sheet-long_term').getByTestId('publish-replace').click();
  const confirm = other.page.getByTestId('publish-confirm');
  await confirm.waitFor();
  assert.equal(await other.page.evaluate(() => document.activeElement?.dataset.testid), 'publish-replace-confirm');
  assert.match(await confirm.textContent(), /Replacing removes 5 words of the shared answer/);
  assert.deepEqual(await confirm.getByTestId('publish-removes').allTextContents(), ['Principal', 'engineer', 'within', 'five', 'years']);
  assert.equal(await confirm.locator('.tracked').textContent(), LONG, 'the shared answer, in full');
  await both(other.page, 'two-sides-2-employee-replace-confirm', { fullPage: false });
  await confirm.getByTestId('publish-replace-confirm').click();
  await other.page.getByTestId('publish-state-long_term').getByText('Published').waitFor();

  // 3. Edit the shared answer: the draft starts from it; adding words publishes directly.
  await ed.fill('reflect-strengths', 'Teaching');
  await other.page.getByTestId('publish-strengths').click();
  await other.page.getByTestId('publish-sheet-strengths').getByTestId('publish-edit').click();
  assert.equal(await ed.value('reflect-strengths'), `${STRENGTHS}\n\nTeaching`, 'the draft is kept below the shared text');
  await ed.fill('reflect-strengths', `${STRENGTHS} Teaching others.`);
  await other.page.getByTestId('publish-strengths').click();
  await other.page.getByTestId('publish-state-strengths').getByText('Published').waitFor();

  // Both record "willing to do what it takes" before the exchange (either may).
  await ed.tab('conversation');
  await ed.choose('willing', 1); // Not sure
  await md.tab('conversation');
  await md.choose('willing', 0); // Yes
  await manager.waitSaved();
  await employee.waitSaved();
  await other.page.setViewportSize({ width: 1200, height: 900 });
  const reply = await shareLink(other.page);

  // The manager's notice is computed: which fields, and whose words went.
  await openLink(env.page, reply);
  const notice = env.page.getByTestId('notice');
  await notice.waitFor();
  const said = await notice.textContent();
  assert.match(said, /Merged Sam Okafor's changes to Short-term aspirations/);
  assert.match(said, /Sam Okafor removed 5 of your words in Longer-term aspirations\./);
  assert.doesNotMatch(said, /in Short-term aspirations\./, 'adding removed nothing there');
  assert.doesNotMatch(said, /Nothing of yours was replaced/);

  // The review reads like tracked changes: whole words inserted and struck through.
  // One compact line says what came; Review opens it.
  assert.match(await env.page.getByTestId('review-marker').textContent(), /\d changes from Sam Okafor/);
  const review = await openReview(env.page);
  const item = (key) => review.locator(`[data-key="${key}"]`);
  assert.deepEqual(await item('answer:short_term').locator('ins').allTextContents(), [`\n\nSam Okafor: ${MINE_SHORT}`]);
  assert.equal(await item('answer:short_term').locator('del').count(), 0);
  assert.equal(await item('answer:short_term').getByTestId('removed-yours').count(), 0);
  assert.deepEqual(await item('answer:long_term').locator('del').allTextContents(), ['Principal engineer within five years']);
  assert.deepEqual(await item('answer:long_term').locator('ins').allTextContents(), ['Head of engineering, one day']);
  assert.match(await item('answer:long_term').getByTestId('removed-yours').textContent(), /Sam Okafor removed 5 of your words/);
  assert.deepEqual(await item('answer:strengths').locator('ins').allTextContents(), [' Teaching others.']);

  // The conflict names both people and both values; the change list says undecided.
  const conflict = env.page.getByTestId('conflict');
  assert.equal(await conflict.getByTestId('conflict-said').textContent(), 'Sam Okafor chose Not sure · You chose Yes');
  assert.deepEqual(await conflict.getByTestId('conflict-choice').allTextContents(), ["Use Sam Okafor's: Not sure", 'Keep mine: Yes']);
  for (const box of await Promise.all((await conflict.getByTestId('conflict-choice').all()).map((b) => b.boundingBox()))) {
    assert.ok(box.height >= 44, `conflict choice ${box.height}px high`);
  }
  assert.match(await item('willing').textContent(), /undecided/);
  await both(env.page, 'two-sides-3-manager-review');
  await env.page.setViewportSize({ width: 1200, height: 900 });
  assert.deepEqual(await accessibilityProblems(env.page), []);

  // Restore puts the manager's words back where they were, as a new edit.
  await item('answer:long_term').getByTestId('restore').click();
  await item('answer:long_term').getByTestId('restored').waitFor();
  await md.tab('conversation');
  assert.equal(await md.value('answer-long_term'), `${LONG.slice(0, -1)} ${MINE_LONG}`);
  await conflict.getByTestId('conflict-choice').filter({ hasText: 'Not sure' }).click();
  await env.page.getByTestId('conflicts').waitFor({ state: 'detached' });
  await manager.waitSaved();

  // Mark as seen, field by field, then all.
  await item('answer:strengths').getByTestId('seen-field').click();
  await item('answer:strengths').waitFor({ state: 'detached' });
  await review.getByTestId('dismiss-review').click();
  await review.waitFor({ state: 'detached' });

  // The employee receives the restored words on the next exchange.
  const back = await shareLink(env.page);
  await openLink(other.page, back);
  await other.page.getByTestId('notice').waitFor();
  assert.match(await other.page.getByTestId('notice').textContent(), /Merged Maria Lund's changes to Longer-term aspirations/);
  await ed.tab('conversation');
  assert.match(await ed.value('answer-long_term'), /Principal engineer within five years Head of engineering, one day\./);
  assertNoErrors(errors);
});
