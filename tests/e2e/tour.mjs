// A tour of every screen on both sides, as a tablet shows them (768×1024, touch): the
// leader's people, person, every step of a discussion, the meeting, sharing, the merge
// review of the employee's reply, sign-off, team picture, HR record and settings; the
// employee's every step and publish sheet. At each stop `check(page, label)` runs
// (axe, touch targets, …).
import { App, openLink, shareLink } from './pages.mjs';

export const TABLET = { viewport: { width: 768, height: 1024 }, hasTouch: true };

/// Runs the tour; `device(options)` makes a browser context for the employee's device.
export async function tour(env, check, device) {
  const page = env.page;
  const app = new App(page, env.server.url);
  await app.open('/');
  await check(page, 'empty people list');
  await page.getByTestId('manager-name').fill('Maria Lund');
  await page.getByTestId('manager-name').press('Tab');
  await app.people().addPerson({ name: 'Quinn Rivera', role: 'Engineer', team: 'Payments' });
  await check(page, 'people list');
  await app.people().openPerson('Quinn Rivera');
  await check(page, 'person');
  await app.person().startDiscussion();
  const d = app.discussion();
  await d.fill('prep-strengths', 'Clear writer');
  await check(page, 'prepare');
  await d.tab('conversation');
  await d.fill('answer-short_term', 'Lead the payments team.');
  await d.interject('strengths', 'strengths');
  await check(page, 'conversation');
  await d.tab('gap');
  await check(page, 'gap view');
  await d.tab('plan');
  await d.addAction({ text: 'Present the on-call redesign to the CTO and the platform group', due: '2027-03-15' });
  await check(page, 'plan');
  const link = await shareLink(page);
  await check(page, 'share');
  await d.tab('record');
  await check(page, 'record');
  await d.tab('conversation');
  await page.getByTestId('start-meeting').click();
  await page.getByTestId('meeting').waitFor();
  await page.getByTestId('toggle-prep').click();
  await check(page, 'meeting');
  await app.open('/settings');
  await check(page, 'settings');
  await app.open('/team');
  await page.getByTestId('team-grid').waitFor();
  await check(page, 'team picture');
  await app.open('/hr');
  await check(page, 'record for HR');

  // The employee's device: every step, publishing, sending back.
  const ctx = await device();
  const theirs = await ctx.newPage();
  await openLink(theirs, link);
  await theirs.getByTestId('tab-reflect').waitFor();
  await check(theirs, 'employee: reflect');
  // The leader wrote an answer here already: publishing asks how to combine them.
  await theirs.getByTestId('reflect-short_term').fill('Lead a team of five.');
  await theirs.getByTestId('publish-short_term').click();
  await theirs.getByTestId('publish-sheet-short_term').waitFor();
  await check(theirs, 'employee: publish sheet');
  await theirs.getByTestId('publish-sheet-short_term').getByTestId('publish-add').click();
  await theirs.getByTestId('publish-state-short_term').getByText('Published').waitFor();
  for (const tab of ['conversation', 'gap', 'plan', 'record']) {
    await theirs.getByTestId(`tab-${tab}`).click();
    await theirs.waitForURL(new RegExp(`/${tab}$`));
    await check(theirs, `employee: ${tab}`);
  }
  const reply = await shareLink(theirs);
  await check(theirs, 'employee: share');
  await theirs.goto(env.server.url + '/');
  await theirs.getByTestId('save-state').waitFor();
  await check(theirs, 'employee: home');
  await ctx.close();

  // The leader takes the reply in: the merge review.
  await openLink(page, reply);
  await page.getByTestId('open-review').click();
  await page.getByTestId('merge-review').waitFor();
  await check(page, 'merge review');
  await d.tab('record');
  await page.getByTestId('sign').click();
  await page.getByTestId('signoff-state').getByText(/Waiting for/).waitFor();
  await check(page, 'record, signed');

  // A second discussion: the person's page compares the years.
  await app.open('/');
  await app.people().openPerson('Quinn Rivera');
  await app.person().startDiscussion();
  await app.open('/');
  await app.people().openPerson('Quinn Rivera');
  await page.getByTestId('compare').waitFor();
  await check(page, 'person, year over year');
}
