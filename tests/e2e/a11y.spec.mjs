// Accessibility: axe-core finds no serious or critical problems on any page, for the
// leader and for the employee.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setUp, accessibilityProblems } from './harness.mjs';
import { App, openLink } from './pages.mjs';

let env, app;
before(async () => {
    env = await setUp({ bypassCSP: true });
  app = new App(env.page, env.server.url);
});
after(async () => env.tearDown());

async function check(label) {
  const problems = await accessibilityProblems(env.page);
  assert.deepEqual(problems, [], `${label}: ${problems.join('\n')}`);
}

test('every page passes axe with no serious or critical violations', async () => {
  await app.open('/');
  await check('empty people list');
  await app.people().addPerson({ name: 'Quinn Rivera', role: 'Engineer', team: 'Payments' });
  await check('people list');
  await app.people().openPerson('Quinn Rivera');
  await check('person');
  await app.person().startDiscussion();
  const d = app.discussion();
  await d.fill('prep-strengths', 'Clear writer');
  await check('prepare');
  for (const tab of ['conversation', 'gap', 'plan', 'share', 'record']) {
    await d.tab(tab);
    if (tab === 'plan') await env.page.getByTestId('add-action').click();
    if (tab === 'share') {
      await env.page.getByTestId('make-link').click();
      await env.page.getByTestId('share-link').waitFor();
    }
    await check(tab);
  }
  
  await env.page.getByTestId('start-meeting').click();
  await env.page.getByTestId('meeting').waitFor();
  await env.page.getByTestId('toggle-prep').click();
  await check('meeting');
  await app.open('/settings');
  await check('settings');

  // Sign-off, year over year, team picture, record for HR.
  await app.open('/');
  await env.page.getByTestId('person-link').first().click();
  await env.page.getByTestId('discussion-item').first().getByRole('link').click();
  await d.tab('record');
  await env.page.getByTestId('sign').click();
  await env.page.getByTestId('signoff-state').getByText(/Waiting for/).waitFor();
  await check('record, signed');
  await app.open('/');
  await app.people().openPerson('Quinn Rivera');
  await app.person().startDiscussion();
  await app.open('/');
  await app.people().openPerson('Quinn Rivera');
  await env.page.getByTestId('compare').waitFor();
  await check('person, year over year');
  await app.open('/team');
  await env.page.getByTestId('team-grid').waitFor();
  await check('team picture');
  await app.open('/hr');
  await check('record for HR');

  // The employee's side.
  await app.open('/');
  await env.page.getByTestId('person-link').first().click();
  await env.page.getByTestId('discussion-item').first().getByRole('link').click();
  await d.tab('share');
  await env.page.getByTestId('make-link').click();
  const share = await env.page.getByTestId('share-link').inputValue();
    const ctx = await env.browser.newContext({ bypassCSP: true });
  const page = await ctx.newPage();
  await openLink(page, share);
  await page.getByTestId('tab-reflect').waitFor();
  const problems = await accessibilityProblems(page);
  assert.deepEqual(problems, [], `employee reflect: ${problems.join('\n')}`);
  await ctx.close();
});
