// The record for HR: only what both signed, as signed. The leader's private preparation,
// the employee's private draft and an edit made after signing never appear in it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { setUp, screenshot } from './harness.mjs';
import { App, assertNoErrors, managerStarts, otherDevice, shareLink, openLink, compareCodes } from './pages.mjs';

let env, employeePage, manager, employee;
before(async () => {
  env = await setUp();
  manager = new App(env.page, env.server.url);
  ({ page: employeePage, app: employee } = await otherDevice(env));
});
after(async () => env.tearDown());

const PREP = 'PRIVATE: not ready for the platform lead role before 2028';
const DRAFT = 'DRAFT: I might leave if nothing changes';
const LATER = 'UNSIGNED: added after both signed';


async function download(click) {
  const [d] = await Promise.all([env.page.waitForEvent('download'), click()]);
  return fs.readFileSync(await d.path(), 'utf8');
}

test('the HR record has the signed shared fields only, as page, CSV and JSON', async () => {
  const md = await managerStarts(manager, { manager: 'Maria Lund', person: 'Sam Okafor', role: 'Engineer', team: 'Platform' });
  await md.fill('prep-potential', PREP);
  await md.tab('conversation');
  await md.fill('answer-strengths', 'Calm in incidents');
  await md.fill('answer-long_term', '=1+1 Staff engineer');
  await md.tab('plan');
  await md.choose('track', 1);
  await env.page.getByTestId('held-today').click();
  await manager.waitSaved();
  await md.tab('record');
  await env.page.getByTestId('sign').click();
  await env.page.getByTestId('signoff-state').getByText(/Waiting for Sam Okafor/).waitFor();

  // The employee keeps a private draft, signs, and sends the signature back.
  await openLink(employeePage, await shareLink(env.page));
  await employeePage.getByTestId('tab-reflect').waitFor();
  await employee.discussion().fill('reflect-development_areas', DRAFT);
  await employee.discussion().tab('record');
  await employeePage.getByTestId('sign').click();
  await employeePage.getByTestId('signoff-state').getByText(/Signed by both/).waitFor();
  await employee.waitSaved();
  await openLink(env.page, await shareLink(employeePage));
  await env.page.getByTestId('notice').waitFor();
  // In the room, the two compare the safety code: only then is the record agreed for HR.
  await md.tab('record');
  await employee.discussion().tab('record');
  await compareCodes(env.page, employeePage);
  await employeePage.getByTestId('signoff-state').getByText(/Agreed on/).waitFor();

  // After both signed, the manager changes an answer without signing again.
  await md.tab('conversation');
  await md.fill('answer-strengths', LATER);
  await manager.waitSaved();

  // A second person whose discussion nobody signed.
  await manager.open('/');
  await manager.people().addPerson({ name: 'Ivy Jones', role: 'Analyst' });
  await manager.people().openPerson('Ivy Jones');
  await manager.person().startDiscussion();
  await md.tab('conversation');
  await md.fill('answer-strengths', 'Not signed, not for HR');
  await manager.waitSaved();

  await manager.open('/');
  await env.page.getByTestId('open-hr').click();
  const record = env.page.getByTestId('hr-record');
  await record.first().waitFor();
  assert.equal(await record.count(), 1);
  const text = await record.textContent();
  assert.match(text, /Sam Okafor/);
  assert.match(text, /Agreed: Maria Lund \(leader\) signed on .*; Sam Okafor \(employee\) signed on/);
  assert.match(text, /Calm in incidents/);
  assert.match(text, /Technical expert/);
  assert.match(await env.page.getByTestId('hr-left-out').textContent(), /Ivy Jones, discussion of .*: not signed yet/);
  await screenshot(env.page, 'hr-record');

  const csv = await download(() => env.page.getByTestId('hr-csv').click());
  const json = await download(() => env.page.getByTestId('hr-json').click());
  const page = await env.page.content();
  for (const [what, body] of [['page', page], ['CSV', csv], ['JSON', json]]) {
    for (const secret of [PREP, DRAFT, LATER, 'Not signed, not for HR']) {
      assert.ok(!body.includes(secret), `the HR ${what} contains "${secret}"`);
    }
  }
  // The CSV: one row for Sam, the formula-looking answer made inert.
  const rows = csv.trim().split('\r\n');
  assert.equal(rows.length, 2);
  assert.match(rows[1], /^"Sam Okafor","Engineer","Platform","\d{4}-\d\d-\d\d","Maria Lund"/);
  assert.ok(rows[1].includes(`"'=1+1 Staff engineer"`));
  const parsed = JSON.parse(json);
  assert.equal(parsed.records.length, 1);
  assert.equal(parsed.records[0].employee.name, 'Sam Okafor');
  assert.equal(parsed.records[0].track, 'Technical expert');
  assert.match(parsed.records[0].employee.key, /^[0-9a-f]{64}$/);
  assert.notEqual(parsed.records[0].employee.key, parsed.records[0].leader.key);

  // HR checks the file without the app: the core's example verifies every signature, and
  // refuses the file once a signed answer is changed.
  const file = path.join(os.tmpdir(), `hr-${process.pid}.json`);
  fs.writeFileSync(file, json);
  const verify = (f) => spawnSync('cargo', ['run', '-q', '-p', 'career-core', '--example', 'verify_hr_record', '--', f], { encoding: 'utf8' });
  const ok = verify(file);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /1 record\(s\): every signature verifies/);
  fs.writeFileSync(file, json.replace('Calm in incidents', 'Calm in every incident'));
  const altered = verify(file);
  assert.equal(altered.status, 1, altered.stdout);
  assert.match(altered.stderr, /NOT VERIFIED: record 1 \(Sam Okafor\): the (leader|employee)'s signature does not verify/);
  fs.rmSync(file);
  assertNoErrors(env.errors);
});
