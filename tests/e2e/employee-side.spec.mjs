// Two people, one record: the employee's device is written for the employee, an
// interjection is previewed (and can be edited) before anything private is shared, and the
// gap view puts the employee's aspirations beside the leader's view of their potential.
// The manager and the employee each use their own device (an isolated browser context).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setUp, screenshot, accessibilityProblems } from './harness.mjs';
import { App, assertNoErrors, compareCodes, managerStarts, otherDevice, shareLink, openLink } from './pages.mjs';

let env, employeePage, manager, employee;
const employeeErrors = [];
before(async () => {
  env = await setUp({ bypassCSP: true });
  manager = new App(env.page, env.server.url);
  ({ page: employeePage, app: employee } = await otherDevice(env, { bypassCSP: true }));
  employeePage.on('pageerror', (e) => employeeErrors.push(e));
});
after(async () => env.tearDown());

// Private preparation: never to reach the employee's device as it is written here.
const PRIVATE_POTENTIAL = 'Could run the platform group by 2029, if the delivery slips stop';
const PRIVATE_PATH = 'Has to stop avoiding the hard conversations with product';
// What the leader chose to share about the potential, edited in the sheet.
const SHARED_POTENTIAL = 'Could lead the platform group in a few years';
const INDICATORS = 'Indicators seen: Drive, Performance';

async function noAxeProblems(page, label) {
  const problems = await accessibilityProblems(page);
  assert.deepEqual(problems, [], `${label}: ${problems.join('\n')}`);
}

/// A screenshot at each tablet size, portrait and landscape.
async function shots(page, name, options) {
  for (const [width, height] of [[768, 1024], [1024, 768]]) {
    await page.setViewportSize({ width, height });
    await screenshot(page, `${name}-${width}x${height}`, options);
  }
  await page.setViewportSize({ width: 1200, height: 900 });
}

const focusedTestId = (page) => page.evaluate(() => document.activeElement?.dataset?.testid ?? null);

test('the leader previews and edits an interjection; the employee sees only what was shared, on a side of their own', async () => {
  const md = await managerStarts(manager, { manager: 'Maria Lund', person: 'Sam Okafor' });
  await md.fill('prep-potential', PRIVATE_POTENTIAL);
  await env.page.getByTestId('indicator-drive').check();
  await env.page.getByTestId('indicator-performance').check();
  await md.fill('prep-path', PRIVATE_PATH);
  await md.fill('prep-strengths', 'Calm under pressure');
  await md.tab('conversation');
  await md.fill('answer-short_term', 'Tech lead within two years');
  await md.fill('answer-long_term', 'Head of platform');

  // Interject opens a sheet with the prepared text alone, focus in the text.
  let sheet = await md.openInterject('long_term', 'potential');
  assert.equal(await env.page.getByRole('dialog', { name: 'Share your view: Ultimate potential' }).count(), 1);
  assert.equal(await focusedTestId(env.page), 'interject-text');
  assert.equal(await sheet.getByTestId('interject-text').inputValue(), PRIVATE_POTENTIAL);
  assert.ok(!(await sheet.getByTestId('interject-indicators').isChecked()), 'indicators are not included by default');
  // Ticking adds the indicators, unticking takes them out again.
  await sheet.getByTestId('interject-indicators').check();
  assert.equal(await sheet.getByTestId('interject-text').inputValue(), `${PRIVATE_POTENTIAL}\n${INDICATORS}`);
  await sheet.getByTestId('interject-indicators').uncheck();
  assert.equal(await sheet.getByTestId('interject-text').inputValue(), PRIVATE_POTENTIAL);
  // Escape closes it and adds nothing; so does Cancel, and the focus goes back to the button.
  await env.page.keyboard.press('Escape');
  await sheet.waitFor({ state: 'detached' });
  sheet = await md.openInterject('long_term', 'potential');
  await sheet.getByTestId('interject-cancel').click();
  await sheet.waitFor({ state: 'detached' });
  assert.equal(await focusedTestId(env.page), 'interject-long_term-potential');
  assert.equal(await md.leaderViews('long_term').count(), 0, 'closing the sheet shares nothing');

  // The leader edits what will be shared and includes the indicators.
  sheet = await md.openInterject('long_term', 'potential');
  await sheet.getByTestId('interject-text').fill(SHARED_POTENTIAL);
  await sheet.getByTestId('interject-indicators').check();
  assert.equal(await sheet.getByTestId('interject-text').inputValue(), `${SHARED_POTENTIAL}\n${INDICATORS}`);
  await noAxeProblems(env.page, 'interject sheet');
  await shots(env.page, 'employee-side-1-interject-sheet', { fullPage: false });
  await sheet.getByTestId('interject-add').click();
  await sheet.waitFor({ state: 'detached' });
  const potentialView = md.leaderViews('long_term').getByTestId('leader-view-text');
  assert.equal(await potentialView.inputValue(), `${SHARED_POTENTIAL}\n${INDICATORS}`);
  // The box shows the whole text: it grows with it instead of cutting it off.
  const fits = await potentialView.evaluate((el) => el.scrollHeight <= el.clientHeight + 1 && el.clientHeight > 40);
  assert.ok(fits, 'the shared view is cut off');
  // An edited view is not the preparation: it can be brought in as prepared too.
  assert.equal((await env.page.getByTestId('interject-long_term-potential').textContent()).trim(), 'Interject again…');

  // Only the ultimate potential offers the indicators; unedited, "Interjected" follows.
  sheet = await md.openInterject('strengths', 'strengths');
  assert.equal(await sheet.getByTestId('interject-indicators').count(), 0);
  await sheet.getByTestId('interject-add').click();
  await sheet.waitFor({ state: 'detached' });
  assert.ok(await env.page.getByTestId('interject-strengths-strengths').isDisabled());
  assert.equal((await env.page.getByTestId('interject-strengths-strengths').textContent()).trim(), 'Interjected');
  await shots(env.page, 'employee-side-2-leader-conversation');

  // The leader's gap view: aspirations beside potential and path, what is still private marked.
  await md.tab('gap');
  const longTerm = env.page.getByTestId('gap-long_term');
  assert.match(await longTerm.getByTestId('gap-answer').textContent(), /Head of platform/);
  assert.match(await longTerm.getByTestId('gap-shared').textContent(), new RegExp(SHARED_POTENTIAL));
  assert.match(await longTerm.getByTestId('gap-private').textContent(), /only on your device.*Could run the platform group by 2029/);
  const shortTerm = env.page.getByTestId('gap-short_term');
  assert.match(await shortTerm.getByTestId('gap-answer').textContent(), /Tech lead within two years/);
  assert.match(await shortTerm.getByTestId('gap-private').textContent(), new RegExp(PRIVATE_PATH));
  assert.equal(await env.page.getByTestId('gap-strengths').getByTestId('gap-private').count(), 0, 'shared as prepared: not listed as private');
  const rows = await env.page.getByTestId('gap-view').locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.testid));
  assert.deepEqual(rows.slice(0, 2), ['gap-short_term', 'gap-long_term'], 'aspirations come first');
  await noAxeProblems(env.page, 'leader gap view');
  await shots(env.page, 'employee-side-3-leader-gap');

  // An action for Sam, the leader signs, and shares.
  await md.tab('plan');
  await md.addAction({ text: 'Lead the on-call redesign', owner: 'employee' });
  await md.tab('record');
  await env.page.getByTestId('sign').click();
  await env.page.getByTestId('signoff-state').getByText(/Waiting for Sam Okafor/).waitFor();
  await manager.waitSaved();
  const link = await shareLink(env.page);

  // Sam opens it; his start page is his own: no people list, the discussion with Maria.
  await openLink(employeePage, link);
  await employeePage.getByTestId('tab-reflect').waitFor();
  const ed = employee.discussion();
  await ed.fill('reflect-development_areas', 'Saying no to side projects');
  await employee.waitSaved();
  await employee.open('/');
  const item = employeePage.getByTestId('shared-item');
  await item.waitFor();
  assert.equal(await employeePage.getByRole('heading', { level: 1 }).textContent(), 'Discussions shared with you');
  assert.equal(await employeePage.getByTestId('add-person').count(), 0);
  assert.ok(!(await employeePage.content()).includes('Your people'));
  assert.equal(await item.getByTestId('shared-leader').textContent(), 'Maria Lund');
  assert.match(await item.getByTestId('shared-when').textContent(), /not held yet/);
  assert.equal(await item.getByTestId('shared-signed').textContent(), 'Signed by Maria Lund, code not compared');
  assert.deepEqual(await item.getByTestId('shared-waiting').locator('li').allTextContents(), [
    '1 answer in your private reflection not published yet (Reflect)',
    'Maria Lund signed the record: your signature is waiting (Record)',
    'Compare the safety code with Maria Lund so their signature counts (Record)',
    '1 open action of yours (Plan)',
  ]);
  await noAxeProblems(employeePage, 'employee home');
  await shots(employeePage, 'employee-side-4-employee-home');

  // The discussion speaks to Sam; Maria's views are text he reads, not controls he has.
  await item.getByRole('link').click();
  await ed.tab('conversation');
  assert.match(await employeePage.getByTestId('conversation-intro').textContent(), /shared record: it reaches Maria Lund's device by itself, as your devices are in sync/);
  assert.match(await employeePage.getByTestId('notes-help').textContent(), /Shared with Maria Lund/);
  const view = ed.leaderViews('long_term');
  assert.equal(await view.count(), 1);
  assert.equal(await view.getByTestId('leader-view-text').textContent(), `${SHARED_POTENTIAL}\n${INDICATORS}`);
  assert.equal(await view.getByTestId('leader-view-text').evaluate((el) => el.tagName), 'P', 'read-only text, not a box');
  assert.match(await view.textContent(), /Maria Lund's view/);
  assert.equal(await employeePage.getByTestId('withdraw-view').count(), 0, 'no Withdraw on the employee device');
  assert.equal(await employeePage.getByRole('button', { name: /Withdraw|Interject/ }).count(), 0);
  assert.equal(await employeePage.locator('[data-testid^="interject-"]').count(), 0);
  await noAxeProblems(employeePage, 'employee conversation');
  await shots(employeePage, 'employee-side-5-employee-conversation');

  // His gap view: only what was shared, never the preparation.
  await ed.tab('gap');
  const hisLongTerm = employeePage.getByTestId('gap-long_term');
  assert.match(await hisLongTerm.getByTestId('gap-answer').textContent(), /Head of platform/);
  assert.match(await hisLongTerm.getByTestId('gap-shared').textContent(), new RegExp(SHARED_POTENTIAL));
  assert.equal(
    await employeePage.getByTestId('gap-short_term').getByTestId('gap-none').textContent(),
    'Maria Lund has not shared a view on this yet',
  );
  assert.equal(await employeePage.getByTestId('gap-private').count(), 0);
  assert.match(await employeePage.getByTestId('gap-view').locator('thead').textContent(), /The shared record.*Maria Lund's shared views/);
  await noAxeProblems(employeePage, 'employee gap view');
  await shots(employeePage, 'employee-side-6-employee-gap');

  // The plan and facilitation mode speak to him too.
  await ed.tab('plan');
  // Maria's action is hers to change: he reads who does it, by name, and may suggest.
  const first = ed.actionRows().first();
  assert.equal(await first.getByTestId('action-owner').count(), 0);
  assert.match(await first.getByTestId('action-shown').textContent(), /^(You|Maria Lund) · /);
  assert.match(await first.getByTestId('action-by').textContent(), /Added by Maria Lund/);
  assert.equal(await first.getByTestId('suggest-action').count(), 1);
  assert.match(await employeePage.getByTestId('plan-intro').textContent(), /Your development plan with Maria Lund/);
  await shots(employeePage, 'employee-side-7-employee-plan');
  // The meeting is offered where the questions are.
  await ed.tab('conversation');
  await employeePage.getByTestId('start-meeting').click();
  await employeePage.getByTestId('meeting').waitFor();
  assert.equal(await employeePage.getByLabel('Your answer, in your words').count(), 1);
  assert.equal(await employeePage.getByTestId('toggle-prep').count(), 0);
  await employeePage.getByRole('link', { name: 'Exit' }).click();

  // Nothing private reached his device, on any tab.
  for (const tab of ['reflect', 'conversation', 'gap', 'plan', 'share', 'record']) {
    await ed.tab(tab);
    const html = await employeePage.content();
    for (const secret of [PRIVATE_POTENTIAL, PRIVATE_PATH]) assert.ok(!html.includes(secret), `private prep on the employee's ${tab} tab`);
  }
  const stored = await employeePage.evaluate(() => JSON.stringify(Object.entries(localStorage)));
  assert.ok(!stored.includes('ct1:doc:p.'), 'no preparation document on the employee device');

  // He signs as himself: the sign-off no longer waits for him.
  await ed.tab('record');
  assert.equal(await employeePage.getByTestId('sign').textContent(), 'Sign as Sam Okafor');
  await employeePage.getByTestId('sign').click();
  // Both signed; it is agreed once the two compared the safety code.
  await employeePage.getByTestId('signoff-state').getByText(/Signed by both/).waitFor();
  await openLink(env.page, await shareLink(employeePage));
  await env.page.getByTestId('notice').waitFor();
  await md.tab('record');
  await ed.tab('record');
  await compareCodes(env.page, employeePage);
  await employeePage.getByTestId('signoff-state').getByText(/Agreed on .* by both/).waitFor();
  await employee.waitSaved();
  await employee.open('/');
  assert.match(await item.getByTestId('shared-signed').textContent(), /^Agreed on /);
  assert.ok(!(await item.getByTestId('shared-waiting').textContent()).includes('signature'));
  assertNoErrors(env.errors);
  assertNoErrors(employeeErrors);
});

test('"I lead people too" shows the people list; a leader who is also someone\'s report sees both', async () => {
  // Sam's device: the people list is one tap away, not in the way.
  await employee.open('/');
  await employeePage.getByTestId('lead-too').click();
  await employeePage.getByTestId('add-person').waitFor();
  assert.equal(await employeePage.getByTestId('lead-too').getAttribute('aria-expanded'), 'true');

  // Maria's own leader shares Maria's discussion with her device, where she leads Sam.
  const { context: ctx, app: ola } = await otherDevice(env);
  await managerStarts(ola, { manager: 'Ola Berg', person: 'Maria Lund', role: 'Engineering manager' });
  const link = await shareLink(ola.page);
  await ctx.close();
  await openLink(env.page, link);
  await env.page.getByTestId('tab-reflect').waitFor();
  await manager.open('/');
  assert.equal(await env.page.getByRole('heading', { level: 1 }).textContent(), 'Your people');
  await env.page.getByTestId('add-person').waitFor();
  assert.deepEqual(await env.page.getByTestId('person-link').allTextContents(), ['Sam Okafor']);
  const shared = env.page.getByTestId('shared-with-me');
  assert.equal(await shared.getByRole('heading', { level: 2 }).textContent(), 'Discussions shared with you');
  assert.deepEqual(await shared.getByTestId('shared-leader').allTextContents(), ['Ola Berg']);
  assert.equal(await env.page.getByTestId('lead-too').count(), 0);
  await noAxeProblems(env.page, 'home, both sides');
  await screenshot(env.page, 'employee-side-8-home-both');
  assertNoErrors(env.errors);
  assertNoErrors(employeeErrors);
});
