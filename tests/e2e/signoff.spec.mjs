// Sign-off: manager and employee, each on their own device, sign the record they agree on;
// a later edit shows as an amendment, and signing again covers it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setUp, screenshot } from './harness.mjs';
import { App, assertNoErrors, compareCodes, managerStarts, otherDevice, shareLink, openLink } from './pages.mjs';

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
  assert.match(await signoffState(env.page), /Signed by Maria Lund \(leader\) on [A-Z][a-z]{2} \d{1,2}, \d{4}\./);
  assert.equal(await env.page.getByTestId('sign').count(), 0, 'nothing more to sign for the manager');

  // The employee gets the record and signs it on their device.
  const link = await shareLink(env.page);
  await openLink(employeePage, link);
  await employeePage.getByTestId('tab-reflect').waitFor();
  await employee.discussion().tab('record');
  assert.match(await signoffState(employeePage), /Waiting for Sam Okafor/);
  await employeePage.getByTestId('sign').click();
  // Maria's signature matches the key that came with the link; it counts once the two
  // compared the code.
  await employeePage.getByTestId('signoff-state').getByText(/Signed by both.*agreed once you have compared the safety code with Maria Lund/).waitFor();
  assert.match(await employeePage.getByTestId('signature-unverified').textContent(), /Maria Lund's signature \(leader\).*you have not compared the safety code yet/);

  // The signature travels back; the two compare the code, and both see "agreed".
  const reply = await shareLink(employeePage);
  await openLink(env.page, reply);
  await env.page.getByTestId('notice').waitFor();
  await md.tab('record');
  await env.page.getByTestId('signoff-state').getByText(/Signed by both.*compared the safety code with Sam Okafor/).waitFor();
  await employee.discussion().tab('record');
  await compareCodes(env.page, employeePage);
  await employeePage.getByTestId('signoff-state').getByText(/Agreed on .* by both/).waitFor();
  await screenshot(employeePage, 'signoff-employee-agreed');
  await env.page.getByTestId('signoff-state').getByText(/Agreed on .* by both/).waitFor();
  assert.match(await signoffState(env.page), /Maria Lund \(leader\).*Sam Okafor \(employee\)/);
  assert.equal(await env.page.getByTestId('amendments').count(), 0);
  await manager.open('/');
  await manager.people().openPerson('Sam Okafor');
  assert.match(await env.page.getByTestId('signed-badge').textContent(), /^Agreed [A-Z][a-z]{2} \d{1,2}, \d{4}$/);
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

test('a signature made in the employee\'s name on another device is "not verified", never agreed, and left out of the HR record', async () => {
  const md = await managerStarts(manager, { manager: 'Maria Lund', person: 'Ana Costa', role: 'Analyst' });
  await md.tab('conversation');
  await md.fill('answer-strengths', 'Clear writing');
  await manager.waitSaved();
  await md.tab('record');
  await env.page.getByTestId('sign').click();
  await env.page.getByTestId('signoff-state').getByText(/Waiting for Ana Costa/).waitFor();
  // Before anything came back, no key is known for Ana.
  assert.match(await env.page.getByTestId('keys').textContent(), /Ana Costa's device key arrives with the first thing they send back/);
  const link = await shareLink(env.page);

  // Ana signs on her device and sends it back: both devices now hold both keys.
  await openLink(employeePage, link);
  await employeePage.getByTestId('tab-reflect').waitFor();
  await employee.discussion().tab('record');
  await employeePage.getByTestId('sign').click();
  await employeePage.getByTestId('signoff-state').getByText(/Signed by both/).waitFor();
  const reply = await shareLink(employeePage);
  await openLink(env.page, reply);
  await env.page.getByTestId('notice').waitFor();
  await md.tab('record');
  await env.page.getByTestId('signoff-state').getByText(/Signed by both/).waitFor();
  await employee.discussion().tab('record');
  // Both people's screens at tablet sizes, as they compare the codes.
  for (const [w, h] of [[768, 1024], [1024, 768]]) {
    for (const [who, page] of [['manager', env.page], ['employee', employeePage]]) {
      await page.setViewportSize({ width: w, height: h });
      await page.getByTestId('keys').scrollIntoViewIfNeeded();
      await screenshot(page, `keys-${who}-safety-code-${w}x${h}`, { fullPage: false });
    }
  }
  for (const page of [env.page, employeePage]) await page.setViewportSize({ width: 1200, height: 900 });
  await compareCodes(env.page, employeePage);
  await env.page.getByTestId('signoff-state').getByText(/Agreed on .* by both/).waitFor();

  // The manager edits, then opens their own link in another browser profile and signs there
  // as Ana; the reply comes back to the manager's device.
  await md.tab('conversation');
  await md.fill('answer-strengths', 'Clear writing; ready to lead');
  await manager.waitSaved();
  await md.tab('record');
  await env.page.getByTestId('sign').click();
  const forgedLink = await shareLink(env.page);
  const { context: second, page: secondPage, app: secondApp } = await otherDevice(env);
  await openLink(secondPage, forgedLink);
  await secondPage.getByTestId('tab-reflect').waitFor();
  await secondApp.discussion().tab('record');
  await secondPage.getByTestId('sign').click();
  await secondPage.getByTestId('signoff-state').getByText(/Signed by both/).waitFor();
  const forgedReply = await shareLink(secondPage);
  await second.close();
  await openLink(env.page, forgedReply);
  await env.page.getByTestId('notice').waitFor();
  await md.tab('record');
  const warning = env.page.getByTestId('signature-unverified');
  await warning.waitFor();
  assert.match(await warning.textContent(), /as Ana Costa \(employee\) .* is not verified: it was made on a device whose key this device does not know/);
  assert.match(await signoffState(env.page), /Waiting for Ana Costa/);
  assert.doesNotMatch(await signoffState(env.page), /Agreed/);
  assert.match(await env.page.getByTestId('key-changed').textContent(), /Ana Costa's device key has changed/);
  await screenshot(env.page, 'keys-manager-forged-signature');

  // HR: the record Ana really signed earlier is superseded by the amendment; the forged
  // signature on the new version does not make it agreed, so nothing for Ana goes to HR.
  await manager.open('/');
  await env.page.getByTestId('open-hr').click();
  await env.page.getByTestId('hr-left-out').waitFor();
  assert.match(await env.page.getByTestId('hr-left-out').textContent(), /Ana Costa, discussion of .*: the employee's signature is not verified/);
  assert.equal(await env.page.locator('[data-testid=hr-record][data-person="Ana Costa"]').count(), 0);
  assertNoErrors(env.errors);
});

test('a key that came first from someone else\'s copy of the link is shown beside the real one, and only the one whose code matches is confirmed', async () => {
  const md = await managerStarts(manager, { manager: 'Maria Lund', person: 'Lea Park', role: 'Designer' });
  await md.tab('conversation');
  await md.fill('answer-strengths', 'Sharp critiques');
  await manager.waitSaved();
  await md.tab('record');
  const link = await shareLink(env.page);

  // Someone else holding the link replies first, in Lea's name.
  const intruder = await otherDevice(env);
  await openLink(intruder.page, link);
  await intruder.page.getByTestId('tab-reflect').waitFor();
  await openLink(env.page, await shareLink(intruder.page));
  await env.page.getByTestId('notice').first().waitFor();
  await intruder.context.close();

  // Then Lea replies from her own device.
  const lea = await otherDevice(env);
  await openLink(lea.page, link);
  await lea.page.getByTestId('tab-reflect').waitFor();
  await openLink(env.page, await shareLink(lea.page));
  await env.page.getByTestId('notice').first().waitFor();
  await md.tab('record');
  await lea.app.discussion().tab('record');

  // Neither key is "the change": both are shown, each with its own code.
  await env.page.getByTestId('key-candidates').waitFor();
  assert.equal(await env.page.getByTestId('key-changed').count(), 0);
  const first = (await env.page.getByTestId('safety-code').textContent()).trim();
  const other = (await env.page.getByTestId('candidate-code').textContent()).trim();
  const leas = (await lea.page.getByTestId('safety-code').textContent()).trim();
  assert.notEqual(first, leas, 'the first key is not the one on Lea\'s screen');
  assert.equal(other, leas, 'Lea\'s key is the one beside it');
  for (const [w, h] of [[768, 1024], [1024, 768]]) {
    for (const [who, page] of [['manager', env.page], ['employee', lea.page]]) {
      await page.setViewportSize({ width: w, height: h });
      await page.getByTestId('keys').scrollIntoViewIfNeeded();
      await screenshot(page, `keys-${who}-two-candidates-${w}x${h}`, { fullPage: false });
    }
  }
  await env.page.setViewportSize({ width: 1200, height: 900 });

  // Maria confirms the one whose code matches Lea's screen; Lea confirms Maria's.
  await env.page.getByTestId('candidate-compared').click();
  await lea.page.getByTestId('keys-compared').click();
  for (const page of [env.page, lea.page]) await page.getByTestId('keys-confirmed').waitFor();
  assert.equal((await env.page.getByTestId('safety-code').textContent()).trim(), leas);
  assert.equal(await env.page.getByTestId('key-candidates').count(), 0);
  // Reloaded, it stays so.
  await manager.reload();
  await md.tab('record');
  await env.page.getByTestId('keys-confirmed').waitFor();
  assert.equal((await env.page.getByTestId('safety-code').textContent()).trim(), leas);
  await lea.context.close();
  assertNoErrors(env.errors);
});
