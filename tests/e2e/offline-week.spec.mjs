// Fault scenario: both sides offline for a week, each editing the same answers and the same
// single-valued fields, then merging by link both ways. Both end with the same record, no
// words lost, and the fields both set are offered as conflicts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setUp } from './harness.mjs';
import { App, assertNoErrors, managerStarts, otherDevice, shareLink, openLink } from './pages.mjs';

let env, manager, employee, employeePage;
before(async () => {
  env = await setUp();
  manager = new App(env.page, env.server.url);
  ({ page: employeePage, app: employee } = await otherDevice(env));
});
after(async () => env.tearDown());

const day = (n) => new Date(Date.UTC(2026, 10, 2 + n, 9, 0, 0));

test('a week apart, offline, editing the same answers: both converge, conflicts surface', async () => {
  for (const p of [env.page, employeePage]) await p.clock.setFixedTime(day(0));
  const md = await managerStarts(manager, { manager: 'Maria Lund', person: 'Sam Okafor' });
  await md.tab('conversation');
  await md.fill('answer-strengths', 'Calm in incidents.');
  await openLink(employeePage, await shareLink(env.page));
  await employeePage.getByTestId('tab-reflect').waitFor();
  const ed = employee.discussion();

  // A week of days; each side works offline on its own copy (the link's fragment is the
  // only way anything travels, so no network is needed to be "offline").
  for (let n = 1; n <= 7; n++) {
    for (const p of [env.page, employeePage]) await p.clock.setFixedTime(day(n));
    await md.tab('conversation');
    await md.fill('answer-strengths', `${await md.value('answer-strengths')} Leader day ${n}.`);
    await ed.tab('conversation');
    await ed.fill('answer-strengths', `${await ed.value('answer-strengths')} Employee day ${n}.`);
  }
  // Both record "willing" differently (either may); the track is the leader's alone.
  await md.tab('conversation');
  await md.choose('willing', 0);
  await ed.tab('conversation');
  await ed.choose('willing', 1);
  await md.tab('plan');
  await md.choose('track', 0);
  await manager.waitSaved();
  await employee.waitSaved();

  // Back together: the employee's changes to the manager, then the merged record back.
  await openLink(env.page, await shareLink(employeePage));
  await env.page.getByTestId('notice').waitFor();
  await openLink(employeePage, await shareLink(env.page));
  await employeePage.getByTestId('notice').waitFor();

  await md.tab('conversation');
  await ed.tab('conversation');
  const [mine, theirs] = [await md.value('answer-strengths'), await ed.value('answer-strengths')];
  assert.equal(mine, theirs, 'both sides hold the same text');
  for (let n = 1; n <= 7; n++) {
    assert.ok(mine.includes(`Leader day ${n}.`), `leader's day ${n} is missing: ${mine}`);
    assert.ok(mine.includes(`Employee day ${n}.`), `employee's day ${n} is missing: ${mine}`);
  }
  assert.ok(mine.startsWith('Calm in incidents.'));

  // "Willing" was set on both sides: both values are offered, on both devices.
  for (const p of [env.page, employeePage]) {
    const conflicts = p.getByTestId('conflict');
    await conflicts.first().waitFor();
    const text = (await conflicts.allTextContents()).join(' | ');
    assert.match(text, /Willing to do what it takes.*(Yes.*Not sure|Not sure.*Yes)/);
  }
  // The leader's track is on both devices, with no choice to make.
  await ed.tab('plan');
  assert.match(await employeePage.getByTestId('track-shown').textContent(), /Senior leadership/);
  // The pick on one side stands on both once it travels.
  await env.page.getByTestId('conflict').filter({ hasText: 'Willing' })
    .getByTestId('conflict-choice').filter({ hasText: 'Not sure' }).click();
  await openLink(employeePage, await shareLink(env.page));
  await employeePage.getByTestId('notice').waitFor();
  await ed.tab('conversation');
  assert.ok(await ed.isChosen('willing', 1));
  assert.equal(await employeePage.getByTestId('conflict').count(), 0);
  assertNoErrors(env.errors);
});
