// The record both people sign says what each of them wrote. A manager on an iPad (768×1024)
// and an employee on her laptop (1024×768), paired through a real nats-server:
// - "Add mine after it" puts her sentence after the leader's, whole, under her name, on
//   both devices and in the HR record after both signed — never woven word by word;
// - the track is the leader's: her change is a suggestion the leader accepts;
// - the leader's "no" to pairing holds after her reply with her box ticked;
// - the employee's screens say when her words reach the leader, paired or not.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setUp, screenshot } from './harness.mjs';
import { App, assertNoErrors, compareCodes, managerStarts, openReview, shareLink } from './pages.mjs';
import { startRelay } from './relay.mjs';

let env, relay, manager, employeeCtx, employeePage, employee;
const errors = [];

const LEADERS = 'Shadow the platform architect; run the Q1 design review.';
const HERS = 'Run the Q1 design review myself.';
const BOTH = `${LEADERS}\n\nZoë Nakamura: ${HERS}`;

before(async () => {
  relay = await startRelay();
  env = await setUp();
  await env.page.setViewportSize({ width: 768, height: 1024 });
  employeeCtx = await env.browser.newContext({ viewport: { width: 1024, height: 768 } });
  for (const ctx of [env.context, employeeCtx]) {
    await ctx.addInitScript((url) => localStorage.setItem('ct1:relay', url), relay.url);
  }
  employeePage = await employeeCtx.newPage();
  employeePage.on('pageerror', (e) => errors.push(e));
  env.page.on('pageerror', (e) => errors.push(e));
  manager = new App(env.page, env.server.url);
  employee = new App(employeePage, env.server.url);
});
after(async () => {
  await env.tearDown();
  await relay.stop();
});

async function both(page, name) {
  const size = page.viewportSize();
  for (const [w, h] of [[768, 1024], [1024, 768]]) {
    await page.setViewportSize({ width: w, height: h });
    await screenshot(page, `${name}-${w}x${h}`, { fullPage: false });
  }
  await page.setViewportSize(size);
}

async function waitValue(page, testid, value, timeout = 20000) {
  await page.waitForFunction(
    ([t, v]) => document.querySelector(`[data-testid="${t}"]`)?.value === v,
    [testid, value],
    { timeout },
  ).catch(async () => {
    const now = await page.getByTestId(testid).inputValue().catch(() => '(none)');
    throw new Error(`${testid} never became ${JSON.stringify(value)}; it is ${JSON.stringify(now)}`);
  });
}

test('Add mine keeps both sentences whole on both devices and in the HR record; the track is a suggestion', async () => {
  const md = await managerStarts(manager, { manager: 'Anna Berg', person: 'Zoë Nakamura' });
  await md.tab('conversation');
  await md.fill('answer-next_12_months', LEADERS);
  const link = await shareLink(env.page);

  // Her first sight names Anna and what it is, with the sync Anna asked for ticked.
  await employeePage.goto(link);
  const prompt = employeePage.getByTestId('link-prompt');
  await prompt.waitFor();
  assert.match(await prompt.textContent(), /Open your career discussion with Anna Berg\?/);
  assert.match(await prompt.getByTestId('link-detail').textContent(), /Anna Berg shared the record of the career discussion with Zoë Nakamura/);
  assert.equal(await employeePage.getByTestId('employee-landing').count(), 1, 'behind the question: her page');
  assert.equal(await employeePage.getByTestId('your-people').count(), 0, 'no manager\'s people list behind it');
  await both(employeePage, 'record-1-employee-link-question');
  await prompt.getByTestId('link-yes').click();
  const ed = employee.discussion();
  await employeePage.getByTestId('reflection-note').getByText(/Publishing sends it to Anna Berg now/).waitFor();

  // She drafts her own sentence and publishes: the sheet shows her draft and the result.
  await ed.fill('reflect-next_12_months', HERS);
  await employeePage.getByTestId('publish-next_12_months').click();
  const sheet = employeePage.getByTestId('publish-sheet-next_12_months');
  await sheet.waitFor();
  assert.equal(await sheet.getByTestId('publish-draft').textContent(), HERS);
  assert.equal(await sheet.getByTestId('publish-add-result').textContent(), BOTH);
  await both(employeePage, 'record-2-employee-publish-sheet');
  await sheet.getByTestId('publish-add').click();
  await employeePage.getByTestId('publish-state-next_12_months').getByText('Published').waitFor();
  await ed.tab('conversation');
  assert.equal(await ed.value('answer-next_12_months'), BOTH);

  // Paired: the manager's open page has it by itself, exactly.
  await md.tab('conversation');
  await waitValue(env.page, 'answer-next_12_months', BOTH);
  assert.match(await env.page.getByTestId('review-marker').textContent(), /1 change from Zoë Nakamura/);
  const review = await openReview(env.page);
  assert.deepEqual(await review.locator('[data-key="answer:next_12_months"] ins').allTextContents(), [`\n\nZoë Nakamura: ${HERS}`]);
  assert.equal(await review.locator('[data-key="answer:next_12_months"] del').count(), 0, 'none of the leader\'s words went');
  await both(env.page, 'record-3-manager-review');
  await review.getByTestId('dismiss-review').click();

  // The track is the leader's: she sees it and suggests another.
  await ed.tab('plan');
  assert.equal(await employeePage.getByTestId('track-0').count(), 0, 'no track picker on her device');
  await employeePage.getByTestId('suggest-track').click();
  const suggest = employeePage.getByTestId('suggest-sheet');
  await suggest.getByTestId('suggest-option').filter({ hasText: 'Technical expert' }).click();
  await employeePage.getByTestId('track-suggestions').getByText(/You suggested Technical expert .* — waiting for Anna Berg/).waitFor();
  assert.match(await employeePage.getByTestId('track-shown').textContent(), /Not decided yet/);
  await employeePage.getByTestId('track-suggestions').scrollIntoViewIfNeeded();
  await both(employeePage, 'record-4-employee-suggested');

  // The manager sees the suggestion, beside the track, and accepts it.
  await env.page.getByTestId('review-marker').getByText(/1 suggestion for you to answer/).waitFor({ timeout: 20000 });
  await md.tab('plan');
  const offered = env.page.getByTestId('track-suggestions').getByTestId('suggestion');
  await offered.getByText(/Zoë Nakamura suggests Technical expert/).waitFor();
  await both(env.page, 'record-5-manager-suggestion');
  await offered.getByTestId('suggestion-accept').click();
  assert.equal(await md.isChosen('track', 1), true);
  await employeePage.getByTestId('track-shown').getByText(/Technical expert/).waitFor({ timeout: 20000 });
  await employeePage.getByTestId('track-suggestions').getByText(/Anna Berg accepted it/).waitFor();

  // Removing an action of one's own can be undone.
  await md.addAction({ text: 'Pair with the platform architect', due: '2027-03-01' });
  await env.page.getByTestId('action-row').getByTestId('action-remove').click();
  await env.page.getByTestId('action-removed').getByText(/Removed “Pair with the platform architect”/).waitFor();
  assert.equal(await env.page.getByTestId('action-row').count(), 0);
  await env.page.getByTestId('undo-remove').click();
  await env.page.getByTestId('action-row').waitFor();
  assert.equal(await env.page.getByTestId('action-text').inputValue(), 'Pair with the platform architect');
  assert.equal(await env.page.getByTestId('action-due').inputValue(), '2027-03-01');
  // On her device the leader's action is text, with a suggestion instead of controls.
  await ed.tab('plan');
  const hers = employeePage.getByTestId('action-row');
  await hers.getByTestId('action-text').getByText('Pair with the platform architect').waitFor({ timeout: 20000 });
  assert.equal(await hers.getByTestId('action-remove').count(), 0);
  assert.match(await hers.getByTestId('action-by').textContent(), /Added by Anna Berg/);

  // Both sign; the HR record says exactly what each wrote.
  await md.tab('record');
  await env.page.getByTestId('sign').click();
  await ed.tab('record');
  await employeePage.getByTestId('sign').click({ timeout: 20000 });
  await env.page.getByTestId('signoff-state').getByText(/Signed by both/).waitFor({ timeout: 20000 });
  // The live session brought each device the other's key; they compare the code.
  await compareCodes(env.page, employeePage);
  await env.page.getByTestId('signoff-state').getByText(/Agreed on .* by both/).waitFor({ timeout: 20000 });
  await manager.open('/hr');
  const record = env.page.locator('[data-testid=hr-record][data-person="Zoë Nakamura"]');
  await record.waitFor();
  const text = await record.innerText();
  assert.ok(text.includes(LEADERS), text);
  assert.ok(text.includes(`Zoë Nakamura: ${HERS}`), text);
  assert.ok(!text.includes('run Run'), 'woven');
  await both(env.page, 'record-6-hr');
  assertNoErrors(errors);
});

test("the leader's no to pairing holds after her reply with her box ticked; her screens say when her words go", async () => {
  const page = await env.context.newPage();
  page.on('pageerror', (e) => errors.push(e));
  const app = new App(page, env.server.url);
  await app.open('/');
  await app.people().addPerson({ name: 'Ravi Shah', role: 'Engineer' });
  await app.people().openPerson('Ravi Shah');
  await app.person().startDiscussion();
  await app.discussion().tab('share');
  await page.getByTestId('pair-when-sharing').uncheck();
  const link = await shareLink(page);

  const ctx = await env.browser.newContext({ viewport: { width: 1024, height: 768 } });
  await ctx.addInitScript((url) => localStorage.setItem('ct1:relay', url), relay.url);
  const ravi = await ctx.newPage();
  ravi.on('pageerror', (e) => errors.push(e));
  await ravi.goto(link);
  await ravi.getByTestId('link-prompt').waitFor();
  assert.equal(await ravi.getByTestId('link-sync').count(), 0, 'no sync question: Anna did not ask');
  await ravi.getByTestId('link-yes').click();
  // Not paired: her words reach Anna when she sends them.
  await ravi.getByTestId('reflection-note').getByText(/Anna Berg sees it when you send it with Share\./).waitFor();
  await ravi.getByTestId('tab-conversation').click();
  assert.match(await ravi.getByTestId('conversation-intro').textContent(), /Anna Berg sees it when you send it with Share/);
  await ravi.getByTestId('tab-plan').click();
  assert.match(await ravi.getByTestId('plan-intro').textContent(), /Anna Berg sees your changes when you send them with Share/);
  await screenshot(ravi, 'record-7-employee-not-paired-plan', { fullPage: false });

  // She replies: whatever her reply carries, it says nothing for Anna.
  await ravi.getByTestId('tab-share').click();
  await ravi.getByTestId('pairing').getByTestId('sync-status').getByText(/Anna Berg turned sync off/).waitFor();
  const reply = await shareLink(ravi);
  await page.goto(reply);
  await page.getByTestId('link-yes').click();
  await page.getByTestId('notice').first().waitFor();
  await page.getByTestId('tab-share').click();
  await page.locator('.page-head').getByTestId('sync-status').getByText('Sync turned off by you: changes go by link or file').waitFor();
  await screenshot(page, 'record-8-manager-still-off', { fullPage: false });
  await ravi.getByTestId('pairing').getByTestId('sync-status').getByText(/Anna Berg turned sync off/).waitFor();
  await ctx.close();
  await page.close();
  assertNoErrors(errors);
});

test('a first visit on an iPad explains the app, that the notes stay here, and why to add it to the Home Screen', async () => {
  const ctx = await env.browser.newContext({
    viewport: { width: 768, height: 1024 }, hasTouch: true,
    userAgent: 'Mozilla/5.0 (iPad; CPU OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1',
  });
  const page = await ctx.newPage();
  await new App(page, env.server.url).open('/');
  const welcome = page.getByTestId('welcome');
  const text = await welcome.innerText();
  for (const step of ['Prepare', 'Conversation', 'Gap view', 'Plan']) assert.ok(text.includes(step), step);
  assert.match(text, /Your notes stay in this browser, on this device\./);
  assert.match(await page.getByTestId('welcome-home-screen').textContent(), /Safari deletes a website's data after 7 days without a visit/);
  assert.match(text, /Export everything/);
  await screenshot(page, 'record-9-ipad-welcome', { fullPage: false });
  // Once someone is on the list, the welcome has done its job.
  await new App(page, env.server.url).people().addPerson({ name: 'Ida Lind' });
  await welcome.waitFor({ state: 'detached' });
  await ctx.close();
});
