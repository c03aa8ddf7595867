// Sign-off: manager and employee, each on their own device, sign the record they agree on;
// a later edit shows as an amendment, and signing again covers it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setUp, screenshot } from './harness.mjs';
import { App, assertNoErrors, managerStarts, otherDevice, shareLink } from './pages.mjs';

let env, employeePage, manager, employee;
before(async () => {
  env = await setUp();
  manager = new App(env.page, env.server.url);
  ({ page: employeePage, app: employee } = await otherDevice(env));
});
after(async () => env.tearDown());


const signoffState = (page) => page.getByTestId('signoff-state').textContent();

test('both sign on their own devices and both see "agreed"; a later edit is an amendment', async () => {
  const md = await managerStarts(manager, { manager: 'Maria Lund', person: 'Sam Okafor', role: 'Engineer' });
  await md.tab('conversation');
  await md.fill('answer-strengths', 'Calm in incidents');
  await manager.waitSaved();

  // The manager signs first.
  await md.tab('record');
  assert.match(await signoffState(env.page), /Not signed yet/);
  await env.page.getByTestId('sign').click();
  await env.page.getByTestId('signoff-state').getByText(/Waiting for Sam Okafor/).waitFor();
  assert.match(await signoffState(env.page), /Signed by Maria Lund \(leader\) on \d+ \w+ \d{4}/);
  assert.equal(await env.page.getByTestId('sign').count(), 0, 'nothing more to sign for the manager');

  // The employee gets the record and signs it on their device.
  const link = await shareLink(env.page);
  await employeePage.goto(link);
  await employeePage.getByTestId('tab-reflect').waitFor();
  await employee.discussion().tab('record');
  assert.match(await signoffState(employeePage), /Waiting for Sam Okafor/);
  await employeePage.getByTestId('sign').click();
  await employeePage.getByTestId('signoff-state').getByText(/Agreed on .* by both/).waitFor();
  await screenshot(employeePage, 'signoff-employee-agreed');

  // The signature travels back; the manager sees the same.
  const reply = await shareLink(employeePage);
  await env.page.goto(reply);
  await env.page.getByTestId('notice').waitFor();
  await md.tab('record');
  await env.page.getByTestId('signoff-state').getByText(/Agreed on .* by both/).waitFor();
  assert.match(await signoffState(env.page), /Maria Lund \(leader\).*Sam Okafor \(employee\)/);
  assert.equal(await env.page.getByTestId('amendments').count(), 0);
  await manager.open('/');
  await manager.people().openPerson('Sam Okafor');
  assert.match(await env.page.getByTestId('signed-badge').textContent(), /^Agreed \d+ \w+ \d{4}$/);
  await env.page.getByTestId('discussion-item').first().getByRole('link').click();

  // The manager edits after both signed: an amendment, by the manager, to sign again.
  await md.tab('conversation');
  await md.fill('answer-strengths', 'Calm in incidents; a natural mentor');
  await manager.waitSaved();
  await md.tab('record');
  const amendments = env.page.getByTestId('amendments');
  await amendments.waitFor();
  assert.match(await amendments.textContent(), /Amended since it was signed, by Maria Lund/);
  assert.match(await amendments.textContent(), /Key strengths/);
  assert.deepEqual(await amendments.getByTestId('review-added').allTextContents(), ['; a natural mentor']);
  assert.match(await signoffState(env.page), /Agreed on/, 'the signed version stays agreed');
  await screenshot(env.page, 'signoff-manager-amended');
  // Sam's reply only signed: the merge review does not show the manager's own later edit.
  assert.equal(await env.page.getByTestId('merge-review').count(), 0);
  assert.equal(await env.page.getByTestId('sign').textContent(), 'Sign again as Maria Lund');
  await env.page.getByTestId('sign').click();
  await env.page.getByTestId('signoff-state').getByText(/Waiting for Sam Okafor/).waitFor();
  assert.equal(await amendments.count(), 0);

  // Survives a reload; the person's list of discussions says so too.
  await manager.reload();
  assert.match(await signoffState(env.page), /Waiting for Sam Okafor/);
  await manager.open('/');
  await manager.people().openPerson('Sam Okafor');
  assert.equal(await env.page.getByTestId('signed-badge').textContent(), 'Signed by one side');
  assertNoErrors(env.errors);
});
