// A manager runs a whole career discussion on one device, and finds all of it after a reload.
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

const PREP = {
  'prep-potential': 'Could lead the platform group within three years',
  'prep-path': 'Leadership training; lead the on-call redesign across two teams',
  'prep-strengths': 'Systems thinking; calm under pressure',
  'prep-needs': 'Needs more senior-level exposure',
  'prep-next_assignment': 'Tech lead for the billing rewrite',
  'prep-timing': 'Q3 2027',
};
const ANSWERS = {
  'answer-short_term': 'Zoë 👩🏽‍💻 naïve — 日本: lead a small team in 2–3 years',
  'answer-long_term': 'Principal engineer',
  'answer-knows_what_it_takes': 'Mostly: more design ownership',
  'answer-willing': 'Happy to take on on-call leadership',
  'answer-strengths': 'Debugging production incidents',
  'answer-development_areas': 'Presenting to executives',
  'answer-next_12_months': 'Run two architecture reviews',
  'answer-next_assignment': 'Billing rewrite lead',
  'answer-next_assignment_timing': 'Within a year',
  notes: 'Agreed to revisit in six months.',
};

test('a manager holds a whole discussion and finds all of it after a reload', async () => {
  await app.open('/');
  await env.page.getByTestId('manager-name').fill('Maria Lund');
  await env.page.getByTestId('manager-name').press('Tab');
  const people = app.people();
  await people.addPerson({ name: 'Sam Okafor', role: 'Engineer', team: 'Platform' });
  assert.equal(await people.badge('Sam Okafor'), 'No discussion yet');
  await people.openPerson('Sam Okafor');
  await app.person().startDiscussion();
  const d = app.discussion();
  const url = env.page.url();

  // 1. Prepare, privately.
  for (const [id, text] of Object.entries(PREP)) await d.fill(id, text);
  await env.page.getByTestId('indicator-drive').check();
  await env.page.getByTestId('indicator-performance').check();
  await screenshot(env.page, 'discussion-1-prepare');

  // 2. The conversation, with the leader's strengths interjected.
  await d.tab('conversation');
  for (const [id, text] of Object.entries(ANSWERS)) await d.fill(id, text);
  await d.choose('willing', 0);
  assert.match(await env.page.getByTestId('prep-aside-strengths').textContent(), /Systems thinking/);
  await d.interject('strengths', 'strengths');
  await d.leaderViews('strengths').first().waitFor();
  assert.equal(await d.leaderViews('strengths').count(), 1);
  assert.equal(await d.leaderViews('strengths').getByTestId('leader-view-text').inputValue(), PREP['prep-strengths']);
  assert.ok(await env.page.getByTestId('interject-strengths-strengths').isDisabled(), 'interjecting twice is not offered');
  await d.interject('long_term', 'potential', { indicators: true });
  assert.equal(
    await d.leaderViews('long_term').getByTestId('leader-view-text').inputValue(),
    `${PREP['prep-potential']}\nIndicators seen: Drive, Performance`,
  );
  await screenshot(env.page, 'discussion-2-conversation');

  // 3. The gap view puts both sides next to each other.
  await d.tab('gap');
  const strengthsRow = await env.page.getByTestId('gap-strengths').textContent();
  assert.match(strengthsRow, /Debugging production incidents/);
  assert.match(strengthsRow, /Systems thinking; calm under pressure/);
  assert.match(await env.page.getByTestId('gap-timing').textContent(), /Within a year.*Q3 2027/);
  await screenshot(env.page, 'discussion-3-gap');

  // 4. The plan.
  await d.tab('plan');
  await d.addAction({ text: 'Present the on-call redesign to the CTO', owner: 'employee', due: '2027-03-31' });
  await d.addAction({ text: 'Arrange a senior-leadership mentor', owner: 'manager', due: '2027-01-15' });
  await d.choose('track', 1); // Technical expert
  await d.choose('readiness', 1); // In 1–2 years
  await env.page.getByTestId('held-today').click();
  assert.match(await env.page.getByTestId('next-discussion').textContent(), /Next discussion due .* \(every 12 months\)/);
  await screenshot(env.page, 'discussion-4-plan');
  await app.waitSaved();

  // Reload: everything is still there.
  await app.reload();
  await env.page.goto(url);
  for (const [id, text] of Object.entries(PREP)) assert.equal(await d.value(id), text, id);
  assert.ok(await env.page.getByTestId('indicator-drive').isChecked());
  assert.ok(!(await env.page.getByTestId('indicator-willingness').isChecked()));
  await d.tab('conversation');
  for (const [id, text] of Object.entries(ANSWERS)) assert.equal(await d.value(id), text, id);
  assert.ok(await d.isChosen('willing', 0));
  assert.equal(await d.leaderViews('strengths').count(), 1);
  await d.tab('plan');
  assert.equal(await d.actionRows().count(), 2);
  assert.equal(await d.actionRows().nth(0).getByTestId('action-text').inputValue(), 'Present the on-call redesign to the CTO');
  assert.equal(await d.actionRows().nth(1).getByTestId('action-owner').inputValue(), 'manager');
  assert.equal(await d.actionRows().nth(1).getByTestId('action-due').inputValue(), '2027-01-15');
  assert.ok(await d.isChosen('track', 1));
  assert.ok(await d.isChosen('readiness', 1));

  // The people list now knows when the talk was held.
  await app.open('/');
  assert.equal(await app.people().badge('Sam Okafor'), 'On track');
  assertNoErrors(env.errors);
});

test('text typed just before closing the tab is not lost', async () => {
  await app.open('/');
  await app.people().openPerson('Sam Okafor');
  await env.page.getByTestId('discussion-item').first().getByRole('link').click();
  const d = app.discussion();
  await d.tab('conversation');
  await d.fill('notes', 'Last words before the tab closed');
  // No waiting for the debounced save: the page-hide flush must write it.
  await app.reload();
  await d.tab('conversation');
  assert.equal(await d.value('notes'), 'Last words before the tab closed');
  assertNoErrors(env.errors);
});

test('open actions of the previous discussion can be carried over', async () => {
  await app.open('/');
  await app.people().openPerson('Sam Okafor');
  await app.person().startDiscussion();
  const d = app.discussion();
  await d.tab('plan');
  const offered = env.page.getByTestId('carry-over');
  await offered.waitFor();
  assert.equal(await offered.getByTestId('carry-over-action').count(), 2);
  await offered.getByTestId('carry-over-action').first().click();
  assert.equal(await d.actionRows().count(), 1);
  assert.equal(await d.actionRows().first().getByTestId('action-text').inputValue(), 'Present the on-call redesign to the CTO');
  assert.equal(await offered.getByTestId('carry-over-action').count(), 1, 'a carried action is not offered again');
  assertNoErrors(env.errors);
});
