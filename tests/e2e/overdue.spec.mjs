// The overdue badge, with the browser's clock moved 13 months on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setUp, screenshot } from './harness.mjs';
import { App, assertNoErrors } from './pages.mjs';

let env, app;
before(async () => {
  // Dates read as the browser's language writes them (day first in British English).
  env = await setUp({ locale: 'en-GB' });
  app = new App(env.page, env.server.url);
});
after(async () => env.tearDown());

test('a person whose last discussion was 13 months ago is shown overdue', async () => {
  await env.page.clock.setFixedTime(new Date('2025-10-26T10:00:00'));
  await app.open('/');
  const people = app.people();
  await people.addPerson({ name: 'Dana Evans', role: 'Analyst' });
  await people.openPerson('Dana Evans');
  await app.person().startDiscussion();
  await app.discussion().tab('plan');
  await env.page.getByTestId('held-today').click();
  await app.waitSaved();
  await app.open('/');
  assert.equal(await people.badge('Dana Evans'), 'On track');

  // Thirteen months later.
  await env.page.clock.setFixedTime(new Date('2026-11-26T10:00:00'));
  await people.addPerson({ name: 'Eli Fox', role: 'Engineer' });
  await app.reload();
  assert.equal(await people.badge('Dana Evans'), 'Overdue by 31 days');
  assert.match(await people.row('Dana Evans').textContent(), /26 Oct 2025/);
  assert.match(await people.row('Dana Evans').getByTestId('next-due').textContent(), /26 Oct 2026/);
  // The overdue person comes before someone just added.
  assert.deepEqual(await people.names(), ['Dana Evans', 'Eli Fox']);
  await screenshot(env.page, 'overdue');
  assertNoErrors(env.errors);
});
