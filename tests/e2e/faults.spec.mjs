// Faults: a damaged stored discussion, and a full storage. Neither stops the app, and
// neither loses or deletes anything.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { setUp, screenshot } from './harness.mjs';
import { App, assertNoErrors, newDiscussionWithNote } from './pages.mjs';

let env, app;
before(async () => {
  env = await setUp();
  app = new App(env.page, env.server.url);
});
after(async () => env.tearDown());


test('a corrupted stored discussion is shown as damaged and the rest keeps working', async () => {
  await app.open('/');
  await app.people().addPerson({ name: 'Gil Hart', role: 'Engineer' });
  await app.people().addPerson({ name: 'Ivy Jones', role: 'Engineer' });
  const broken = await newDiscussionWithNote(app, 'Gil Hart', 'This one will be damaged');
  const healthy = await newDiscussionWithNote(app, 'Gil Hart', 'This one stays fine');

    // Something outside the app garbles the stored bytes of one discussion.
  const key = await env.page.evaluate((id) => {
    const k = Object.keys(localStorage).find((k) => k.startsWith(`ct1:doc:d.${id}:s.`));
    localStorage.setItem(k, 'garbage: not a document');
    return k;
  }, broken);
  await app.reload();
  await app.open('/');

  // The people list still works.
  assert.deepEqual(await app.people().names(), ['Gil Hart', 'Ivy Jones']);
  await app.people().openPerson('Gil Hart');
  assert.equal(await app.person().damaged().count(), 1);
  assert.equal(await app.person().discussions().count(), 1);
  await screenshot(env.page, 'damaged-person');

  // Its raw data can be downloaded, unchanged.
  const [download] = await Promise.all([
    env.page.waitForEvent('download'),
    app.person().damaged().getByRole('button', { name: 'Download its stored data' }).click(),
  ]);
  const saved = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
  assert.equal(saved[key], 'garbage: not a document');

  // Opening it directly explains, and offers the same download.
  await app.open(`/discussions/${broken}/prepare`);
  await env.page.getByTestId('discussion-error').waitFor();
  assert.match(await env.page.getByTestId('discussion-error').textContent(), /cannot be opened/);

  // The healthy discussion opens and can still be edited and saved.
  await app.open(`/discussions/${healthy}/conversation`);
  assert.equal(await app.discussion().value('notes'), 'This one stays fine');
  await app.discussion().fill('notes', 'This one stays fine, and is still editable');
  await app.waitSaved();
  await app.reload();
  assert.equal(await app.discussion().value('notes'), 'This one stays fine, and is still editable');

  // Nothing was deleted or rewritten.
  assert.equal(await env.page.evaluate((k) => localStorage.getItem(k), key), 'garbage: not a document');
  assertNoErrors(env.errors);
});

test('a full storage shows a clear message, keeps the edit and offers export', async () => {
  await app.open('/');
  await app.people().openPerson('Ivy Jones');
  await app.person().startDiscussion();
  await app.discussion().tab('conversation');
  await app.waitSaved();

  // Fill this site's storage to the brim with another key.
  await env.page.evaluate(() => {
    let size = 1 << 20;
    let n = 0;
    while (size >= 16) {
      try {
        localStorage.setItem(`filler-${n++}`, 'x'.repeat(size));
      } catch {
        size = Math.floor(size / 2);
      }
    }
  });

  await app.discussion().fill('answer-long_term', 'Head of data, some day — not saved yet');
  const banner = env.page.getByTestId('quota-banner');
  await banner.waitFor({ timeout: 5000 });
  assert.match(await banner.textContent(), /storage is full/);
  assert.equal(await app.discussion().value('answer-long_term'), 'Head of data, some day — not saved yet');
  await screenshot(env.page, 'quota-full');

  const [download] = await Promise.all([
    env.page.waitForEvent('download'),
    banner.getByRole('button', { name: 'Export unsaved discussions' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /\.automerge$/);
  assert.ok(fs.statSync(await download.path()).size > 100);

  // Space is freed; the next edit saves everything, including the earlier text.
  await env.page.evaluate(() => {
    for (const k of Object.keys(localStorage)) if (k.startsWith('filler-')) localStorage.removeItem(k);
  });
  await app.discussion().fill('answer-long_term', 'Head of data, some day');
  await app.waitSaved();
  await app.reload();
  assert.equal(await app.discussion().value('answer-long_term'), 'Head of data, some day');
  // The app never logs an uncaught error for a full storage.
  assertNoErrors(env.errors.filter((e) => !/QuotaExceeded|exceeded the quota/.test(String(e))));
});
