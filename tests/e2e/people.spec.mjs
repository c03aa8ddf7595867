// The people list: add, rename, archive, and the order of who is due first.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setUp, screenshot } from './harness.mjs';
import { App, assertNoErrors } from './pages.mjs';

let env, app;
before(async () => {
  env = await setUp();
  app = new App(env.page, env.server.url);
});
after(async () => env.tearDown());

test('people are added, renamed and archived, and stay so after a reload', async () => {
  await app.open('/');
  const people = app.people();
  await people.addPerson({ name: 'Ada Byron', role: 'Data scientist', team: 'Insights', cadence: 6 });
  await people.addPerson({ name: 'Ben Carter', role: 'Designer', team: 'Product' });
  await people.addPerson({ name: 'Cleo Diaz', role: 'Engineer', team: 'Platform' });

  // An empty name is refused with a message, and nothing is added.
  await env.page.getByTestId('new-name').fill('   ');
  await env.page.getByTestId('add-person-submit').click();
  await env.page.getByRole('alert').filter({ hasText: 'a name is needed' }).waitFor();
  assert.equal((await people.names()).length, 3);

  // Ben's discussion was held today: he moves after those who never had one.
  await people.openPerson('Ben Carter');
  await app.person().startDiscussion();
  await app.discussion().tab('plan');
  await env.page.getByTestId('held-today').click();
  await app.open('/');
  assert.deepEqual(await people.names(), ['Ada Byron', 'Cleo Diaz', 'Ben Carter']);
  assert.equal(await people.badge('Ben Carter'), 'On track');

  // Rename and archive.
  await people.openPerson('Cleo Diaz');
  await app.person().rename('Cleo Díaz-Moreno');
  await env.page.getByTestId('archive-person').click();
  await app.waitSaved();
  await app.reload();
  await app.open('/');
  assert.deepEqual(await people.names(), ['Ada Byron', 'Ben Carter']);
  await env.page.getByTestId('show-archived').check();
  assert.ok((await people.names()).includes('Cleo Díaz-Moreno'));
  assert.match(await people.row('Cleo Díaz-Moreno').textContent(), /Archived/);
  assert.match(await people.row('Ada Byron').textContent(), /Every 6 months/);
  await screenshot(env.page, 'people-list');
  assertNoErrors(env.errors);
});
