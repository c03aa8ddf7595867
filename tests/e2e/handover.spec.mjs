// Handing a person over (issue #20): Maria hands Sam over to Jo with a file; Jo (a third
// browser) has Sam's whole history — two discussions, the agreed and signed one with its
// open action, year over year — and no preparation text; Sam's device then exchanges with Jo and confirms the
// new leader's key; Maria deletes Sam afterwards; an altered file changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setUp, screenshot } from './harness.mjs';
import { App, assertNoErrors, compareCodes, managerStarts, mentioning, newDiscussionWithNote, openLink, otherDevice, shareLink, stored } from './pages.mjs';

let env, maria;
before(async () => {
  env = await setUp({ device: { viewport: { width: 768, height: 1024 }, hasTouch: true } });
  maria = new App(env.page, env.server.url);
});
after(async () => env.tearDown());

const PRIVATE = 'private-maria-potential';

async function download(page, click) {
  const [d] = await Promise.all([page.waitForEvent('download'), click()]);
  const file = path.join(os.tmpdir(), `${Date.now()}-${d.suggestedFilename()}`);
  fs.writeFileSync(file, fs.readFileSync(await d.path()));
  return { name: d.suggestedFilename(), file };
}

test('Maria hands Sam over to Jo: the history, signatures and actions move, the preparation does not', async () => {
  const page = env.page;
  const md = await managerStarts(maria, { manager: 'Maria Lund', person: 'Sam Okafor', role: 'Engineer', team: 'Payments' });
  await md.fill('prep-potential', PRIVATE);
  await md.tab('conversation');
  await md.fill('answer-strengths', 'Calm in incidents');
  await md.tab('plan');
  await md.addAction({ text: 'Lead the on-call redesign' });
  await maria.waitSaved();
  // Both sign: Maria, then Sam on his device, and his signature comes back.
  await md.tab('record');
  await page.getByTestId('sign').click();
  const sam = await otherDevice(env);
  await openLink(sam.page, await shareLink(page));
  await sam.page.getByTestId('tab-reflect').waitFor();
  await sam.app.discussion().tab('record');
  await sam.page.getByTestId('sign').click();
  await sam.page.getByTestId('signoff-state').getByText(/Signed by both/).waitFor();
  await openLink(page, await shareLink(sam.page));
  await page.getByTestId('notice').first().waitFor();
  await md.tab('record');
  await sam.app.discussion().tab('record');
  await compareCodes(page, sam.page);
  await page.getByTestId('signoff-state').getByText(/Agreed on .* by both/).waitFor();

  // A second discussion, so that the history has a year over year to show.
  await newDiscussionWithNote(maria, 'Sam Okafor', 'second-discussion-note');

  // Maria hands Sam over, without her preparation.
  await maria.open('/');
  await maria.people().openPerson('Sam Okafor');
  await page.getByTestId('handover-person').click();
  const sheet = page.getByTestId('handover-sheet');
  await sheet.waitFor();
  assert.match(await sheet.textContent(), /their 2 discussions led on this device/);
  await sheet.getByTestId('handover-with-prep').check();
  await sheet.getByTestId('handover-prep-warning').waitFor();
  await screenshot(page, 'handover-sheet-768x1024', { fullPage: false });
  await sheet.getByTestId('handover-with-prep').uncheck();
  const handed = await download(page, () => sheet.getByTestId('handover-save').click());
  assert.equal(handed.name, 'career-talk-handover-sam-okafor.json');
  assert.match(await sheet.getByTestId('handover-saved').textContent(), /2 discussions, without your private preparation/);
  assert.ok(!fs.readFileSync(handed.file, 'utf8').includes('"p.'), 'no preparation document in the file');

  // Jo, a third browser, opens the file.
  const jo = await otherDevice(env);
  await jo.page.setViewportSize({ width: 1024, height: 768 });
  await jo.app.open('/');
  await jo.page.getByTestId('manager-name').fill('Jo Park');
  await jo.page.getByTestId('manager-name').press('Tab');
  await jo.page.getByTestId('open-file').setInputFiles(handed.file);
  await jo.page.getByTestId('notice').filter({ hasText: "Sam Okafor's career history is on your people list: 2 new discussions. The file names Maria Lund as the previous manager." }).waitFor();
  await jo.page.getByTestId('discussion-item').first().waitFor();
  assert.equal(await jo.page.getByTestId('person-name').textContent(), 'Sam Okafor');
  // The file's signatures are shown, and count on Jo's device only once Jo and Sam have
  // compared the safety code (Sam's key is never taken from the file).
  assert.equal(await jo.page.getByTestId('signed-badge').textContent(), 'Signed, not confirmed here');
  assert.equal(await jo.page.getByTestId('discussion-item').count(), 2);
  await jo.page.getByTestId('compare').first().waitFor();
  await screenshot(jo.page, 'handover-new-manager-1024x768', { fullPage: false });
  await jo.page.getByTestId('discussion-item').filter({ has: jo.page.getByTestId('signed-badge') }).locator('a').click();
  await jo.page.getByTestId('tab-prepare').waitFor();
  assert.equal(await jo.app.discussion().value('prep-potential'), '', "Jo's own preparation starts empty");
  await jo.app.discussion().tab('plan');
  assert.equal(await jo.page.getByTestId('action-text').first().inputValue(), 'Lead the on-call redesign');
  await jo.app.discussion().tab('record');
  await jo.page.getByTestId('signoff-state').getByText(/not counted on this device yet/).waitFor();
  const lines = await jo.page.getByTestId('signature-unverified').allTextContents();
  assert.ok(lines.some((l) => /Maria Lund's signature \(leader\).*previous leader's key from the handover file/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /as Sam Okafor \(employee\).*has not yet received that person's device key/.test(l)), lines.join('\n'));
  await screenshot(jo.page, 'handover-new-manager-record-1024x768', { fullPage: false });
  assert.deepEqual(mentioning(await stored(jo.page), [PRIVATE]), []);

  // Jo continues with Sam: Sam's device asks to confirm the new leader's key.
  await jo.app.discussion().tab('conversation');
  await jo.app.discussion().fill('notes', 'Hello from Jo');
  await jo.app.waitSaved();
  await openLink(sam.page, await shareLink(jo.page));
  await sam.page.getByTestId('notice').first().waitFor();
  await sam.app.discussion().tab('conversation');
  assert.equal(await sam.app.discussion().value('notes'), 'Hello from Jo');
  await sam.app.discussion().tab('record');
  await sam.page.getByTestId('key-changed').waitFor();
  await screenshot(sam.page, 'handover-employee-new-key');
  await sam.page.getByTestId('accept-key').click();
  await sam.page.getByTestId('key-changed').waitFor({ state: 'detached' });
  // Sam's reply brings Jo his key; the two compare the code: Maria's and Sam's signatures
  // count on Jo's device.
  await openLink(jo.page, await shareLink(sam.page));
  await jo.page.getByTestId('notice').first().waitFor();
  await jo.app.discussion().tab('record');
  await sam.app.discussion().tab('record');
  await compareCodes(jo.page, sam.page);
  await jo.page.getByTestId('signoff-state').getByText(/Agreed on .* by both/).waitFor();

  // Maria deletes Sam from her device afterwards, from the same sheet.
  await page.getByTestId('handover-erase').click();
  await page.getByTestId('erase-sheet').waitFor();
  await page.getByTestId('erase-confirm').click();
  await page.getByTestId('notice').filter({ hasText: 'Sam Okafor and 2 discussions were deleted from this device.' }).waitFor();
  assert.deepEqual(mentioning(await stored(page), ['Sam Okafor', 'Lead the on-call', 'second-discussion-note']), []);

  // An altered file: refused, and nothing on Jo's device changes.
  const altered = path.join(os.tmpdir(), `altered-${Date.now()}.json`);
  fs.writeFileSync(altered, fs.readFileSync(handed.file, 'utf8').replace('Payments', 'Platform'));
  await jo.app.open('/');
  const before = await stored(jo.page);
  await jo.page.getByTestId('open-file').setInputFiles(altered);
  await jo.page.getByTestId('notice').filter({ hasText: 'could not be opened: the handover file is incomplete or has been altered. Nothing on this device was changed.' }).waitFor();
  assert.deepEqual(await stored(jo.page), before);
  await sam.context.close();
  await jo.context.close();
  assertNoErrors(env.errors);
});
