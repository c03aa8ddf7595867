// A small team over a year and a half (the browser's clock moved on): two discussions of
// one person compared, the team picture places each person, the calendar file parses with an independent iCalendar parser and
// keeps its event ids when dates move.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import ICAL from 'ical.js';
import { setUp, screenshot } from './harness.mjs';
import { App, assertNoErrors } from './pages.mjs';

let env, app;
before(async () => {
  env = await setUp();
  app = new App(env.page, env.server.url);
});
after(async () => env.tearDown());

async function holdDiscussion(name, { strengths, longTerm, track, readiness, actions = [], carryOver = 0 }) {
  await app.open('/');
  await app.people().openPerson(name);
  await app.person().startDiscussion();
  const d = app.discussion();
  await d.tab('conversation');
  if (strengths) await d.fill('answer-strengths', strengths);
  if (longTerm) await d.fill('answer-long_term', longTerm);
  await d.tab('plan');
  await d.choose('track', track);
  if (readiness !== undefined) await d.choose('readiness', readiness);
  for (const a of actions) await d.addAction(a);
  for (let i = 0; i < carryOver; i++) await env.page.getByTestId('carry-over-action').first().click();
  await env.page.getByTestId('held-today').click();
  await app.waitSaved();
}

async function calendar(withActions) {
  const box = env.page.getByTestId('ics-actions').first();
  if ((await box.isChecked()) !== withActions) await box.click();
  const [download] = await Promise.all([
    env.page.waitForEvent('download'),
    env.page.getByTestId('download-ics').first().click(),
  ]);
  assert.match(download.suggestedFilename(), /\.ics$/);
  const text = fs.readFileSync(await download.path(), 'utf8');
  const cal = new ICAL.Component(ICAL.parse(text));
  return cal.getAllSubcomponents('vevent').map((v) => {
    const e = new ICAL.Event(v);
    return { uid: e.uid, summary: e.summary, start: e.startDate.toString(), alarm: v.getFirstSubcomponent('valarm') !== null };
  });
}

test('a team over time: the picture places each person, the calendar parses and updates', async () => {
  await env.page.clock.setFixedTime(new Date('2025-06-01T10:00:00'));
  await app.open('/');
  await app.people().addPerson({ name: 'Ann Lee', role: 'Engineer', cadence: 12 });
  await app.people().addPerson({ name: 'Ben Cho', role: 'Engineer', cadence: 6 });
  await holdDiscussion('Ann Lee', {
    strengths: 'Calm in incidents', longTerm: 'Staff engineer', track: 1, readiness: 2,
    actions: [
      { text: 'Present at the guild', due: '2025-12-01' },
      { text: 'Lead an incident review', due: '2026-12-15' },
    ],
  });
  await holdDiscussion('Ben Cho', { track: 0, readiness: 1 });

  // A year and a half later.
  await env.page.clock.setFixedTime(new Date('2026-11-26T10:00:00'));
  await app.open('/');
  await app.people().addPerson({ name: 'Cy Park', role: 'Designer', cadence: 12 });
  await holdDiscussion('Ann Lee', {
    strengths: 'Calm in incidents; mentoring', longTerm: 'Principal engineer', track: 1, readiness: 0,
    carryOver: 1,
  });

  // Year over year on Ann's page: the two discussions side by side, differences marked.
  await app.open('/');
  await app.people().openPerson('Ann Lee');
  const compare = env.page.getByTestId('compare');
  await compare.waitFor();
  const row = (label) => compare.locator(`[data-testid=compare-row][data-label="${label}"]`);
  const marks = (label, side) => row(label).getByTestId(`compare-${side}-text`).locator('mark').allTextContents();
  assert.deepEqual(await marks('Longer-term aspirations', 'earlier'), ['Staff']);
  assert.deepEqual(await marks('Longer-term aspirations', 'later'), ['Principal']);
  assert.deepEqual(await marks('Key strengths', 'later'), ['; mentoring']);
  assert.equal(await row('Readiness').getByTestId('compare-earlier-text').textContent(), 'In 3–5 years');
  assert.equal(await row('Readiness').getByTestId('compare-later-text').textContent(), 'Ready now');
  assert.deepEqual(await compare.getByTestId('compare-action').allTextContents(), [
    'Carried over, still open Present at the guild',
    'Not done Lead an incident review',
  ]);
  await screenshot(env.page, 'year-over-year');

  // The team picture: track × readiness from each person's latest discussion.
  await app.open('/');
  await env.page.getByTestId('open-team').click();
  await env.page.getByTestId('team-grid').waitFor();
  const chips = await env.page.getByTestId('team-chip').evaluateAll((els) =>
    els.map((e) => [e.dataset.name, e.dataset.track, e.dataset.readiness]).sort());
  assert.deepEqual(chips, [
    ['Ann Lee', 'Technical expert', 'Ready now'],
    ['Ben Cho', 'Senior leadership', 'In 1–2 years'],
    ['Cy Park', 'Not decided yet', 'Not set'],
  ]);
  // The timeline: Ben overdue (6-monthly, last held 18 months ago), Cy new, Ann on track.
  const rows = await env.page.getByTestId('timeline-row').evaluateAll((els) =>
    els.map((e) => [e.dataset.name, e.dataset.status]));
  assert.deepEqual(rows, [['Ben Cho', 'overdue'], ['Cy Park', 'new'], ['Ann Lee', 'ok']]);
  const overdueColour = await env.page.locator('[data-testid=timeline-row][data-status=overdue] circle')
    .evaluate((c) => getComputedStyle(c).fill);
  const okColour = await env.page.locator('[data-testid=timeline-row][data-status=ok] circle')
    .evaluate((c) => getComputedStyle(c).fill);
  assert.notEqual(overdueColour, okColour, 'overdue has its own colour');
  // Each cell says where it is, for screen readers; the timeline has the same facts as a table.
  assert.match(await env.page.getByRole('list', { name: 'Senior leadership, readiness in 1–2 years' }).textContent(), /Ben Cho/);
  await env.page.getByText('Show as a table').click();
  assert.match(await env.page.getByTestId('team-timeline-table').textContent(), /Ben Cho.*overdue by \d+ days/);
  await screenshot(env.page, 'team-picture');
  await env.page.setViewportSize({ width: 768, height: 1024 });
  const overflow = await env.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the team picture scrolls sideways on a tablet by ${overflow}px`);
  await screenshot(env.page, 'team-picture-tablet');
  await env.page.setViewportSize({ width: 1200, height: 900 });

  // The calendar for everyone, with action due dates.
  const events = await calendar(true);
  const people = events.filter((e) => e.uid.startsWith('next-discussion-'));
  assert.deepEqual(people.map((e) => e.summary).sort(),
    ['Career discussion with Ann Lee', 'Career discussion with Ben Cho', 'Career discussion with Cy Park']);
  const ben = people.find((e) => e.summary.endsWith('Ben Cho'));
  assert.equal(ben.start, '2026-11-26', 'an overdue discussion is reminded today');
  assert.equal(people.find((e) => e.summary.endsWith('Ann Lee')).start, '2027-11-26');
  // A reminder a week ahead, but none at a moment already past (a discussion due today).
  for (const e of people) {
    assert.equal(e.alarm, e.start > '2026-11-26', `${e.summary} on ${e.start}: alarm ${e.alarm}`);
  }
  const actions = events.filter((e) => e.uid.startsWith('action-'));
  // The carried-over action continues in the new discussion, keeping its due date: it is
  // there once, from the later discussion, beside the other open action.
  assert.deepEqual(actions.map((e) => [e.summary, e.start]).sort(), [
    ['Action (Ann Lee): Lead an incident review', '2026-12-15'],
    ['Action (Ann Lee): Present at the guild', '2025-12-01'],
  ]);
  assert.equal(new Set(events.map((e) => e.uid)).size, events.length, 'UIDs are unique');
  // Without actions, only the discussions.
  assert.equal((await calendar(false)).length, 3);

  // Ben's discussion is held: the next export moves his event and keeps every UID.
  await holdDiscussion('Ben Cho', { track: 0, readiness: 0 });
  await app.open('/');
  const again = await calendar(false);
  assert.deepEqual(again.map((e) => e.uid).sort(), people.map((e) => e.uid).sort());
  assert.equal(again.find((e) => e.summary.endsWith('Ben Cho')).start, '2027-05-26');
  assertNoErrors(env.errors);
});
