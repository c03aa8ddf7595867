// Bytes that make Automerge 0.12 panic although every chunk checksum is valid (found by
// fuzzing: core/tests/regressions/), so the chunk check lets them through. The app is built
// with panic = "abort", so such input would stop it; the crash guard sets the input aside,
// reloads, and says what happened. Nothing stored is changed or lost.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import zlib from 'node:zlib';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setUp, screenshot, ARTIFACTS } from './harness.mjs';
import { App, answerIfAsked, newDiscussionWithNote } from './pages.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const CRASH = fs.readFileSync(path.join(HERE, '../../core/tests/regressions/stored_doc_checked_crash_1'));

let env, app;
before(async () => {
  env = await setUp();
  app = new App(env.page, env.server.url);
});
after(async () => env.tearDown());

const storage = () => env.page.evaluate(() => JSON.stringify(Object.entries(localStorage).sort()));

// Only the panic the test provokes may be logged.
function unexpectedErrors() {
  return env.errors.map(String).filter((e) => !/unreachable|panicked|hexane|RuntimeError/.test(e));
}

test('a stored discussion that makes Automerge panic is set aside; the app keeps working', async () => {
  await app.open('/');
  await app.people().addPerson({ name: 'Gil Hart', role: 'Engineer' });
  const broken = await newDiscussionWithNote(app, 'Gil Hart', 'This one will be replaced by crashing bytes');
  const healthy = await newDiscussionWithNote(app, 'Gil Hart', 'This one stays fine');

  // Something outside the app leaves bytes that crash the document loader.
  const blobs = { [`ct1:doc:d.${broken}:s.t.00000000`]: CRASH.toString('base64') };
  await env.page.evaluate(({ id, blobs }) => {
    for (const k of Object.keys(localStorage)) if (k.startsWith(`ct1:doc:d.${id}:`)) localStorage.removeItem(k);
    for (const [k, v] of Object.entries(blobs)) localStorage.setItem(k, v);
  }, { id: broken, blobs });

  // Opening it crashes the loader once; the guard reloads and explains.
  await app.open(`/discussions/${broken}/conversation`);
  await env.page.getByTestId('notice').filter({ hasText: 'set aside' }).waitFor();
  await env.page.getByTestId('discussion-error').waitFor();
  await screenshot(env.page, 'crash-guard-stored');

  // It is flagged as damaged on the person's page, with its bytes downloadable as stored.
  await app.open('/');
  await app.people().openPerson('Gil Hart');
  assert.equal(await app.person().damaged().count(), 1);
  const [download] = await Promise.all([
    env.page.waitForEvent('download'),
    app.person().damaged().getByRole('button', { name: 'Download its stored data' }).click(),
  ]);
  const saved = JSON.parse(fs.readFileSync(await download.path(), 'utf8'));
  for (const [k, v] of Object.entries(blobs)) assert.equal(saved[k], v);

  // The other discussion opens and saves; later starts do not crash again.
  await app.open(`/discussions/${healthy}/conversation`);
  await app.discussion().fill('notes', 'This one stays fine, and still saves');
  await app.waitSaved();
  const errorsBefore = env.errors.length;
  await app.reload();
  assert.equal(await app.discussion().value('notes'), 'This one stays fine, and still saves');
  await app.open(`/discussions/${broken}/prepare`);
  await env.page.getByTestId('discussion-error').waitFor();
  assert.equal(env.errors.length, errorsBefore, 'the app crashed again');
  for (const [k, v] of Object.entries(blobs)) {
    assert.equal(await env.page.evaluate((k) => localStorage.getItem(k), k), v);
  }
  assert.deepEqual(unexpectedErrors(), []);
});

// A `#ct=` link whose payload is those bytes, framed correctly (CTK1 header and CRC-32).
function crashingFragment(contents) {
  const head = Buffer.concat([
    Buffer.from('CTK1'),
    Buffer.from([contents, 1]),
    Buffer.from('00112233445566778899aabbccddeeff', 'hex'),
    Buffer.from([0]),
  ]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(Buffer.concat([head, CRASH])));
  return '#ct=' + Buffer.concat([head, crc, CRASH]).toString('base64url');
}

test('a link or a file carrying such bytes is refused with nothing changed', async () => {
  await app.open('/');
  const before = await storage();
  await app.open('/' + crashingFragment(1));
  await answerIfAsked(env.page);
  await env.page.getByTestId('notice').filter({ hasText: 'could not' }).waitFor();
  assert.equal(new URL(env.page.url()).hash, '', 'the link stays in the address bar');
  assert.equal(await storage(), before);
  assert.deepEqual(await app.people().names(), ['Gil Hart']);

  // The same package saved as a .ctalk file and opened.
  const file = path.join(ARTIFACTS, 'crashing.ctalk');
  fs.writeFileSync(file, Buffer.from(crashingFragment(1).slice('#ct='.length), 'base64url'));
  await env.page.getByTestId('open-file').setInputFiles(file);
  await env.page.getByTestId('notice').filter({ hasText: 'That file could not be read' }).waitFor();
  assert.equal(await storage(), before);
  assert.deepEqual(unexpectedErrors(), []);
});
