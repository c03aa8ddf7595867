// Files: a discussion travels as a .ctalk file, exports as Markdown and JSON, and a link
// too long for the address bar is refused in favour of a file.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setUp, screenshot } from './harness.mjs';
import { App, assertNoErrors } from './pages.mjs';

let env, manager, employeePage, employee;
before(async () => {
  env = await setUp();
  manager = new App(env.page, env.server.url);
  const ctx = await env.browser.newContext();
  employeePage = await ctx.newPage();
  employee = new App(employeePage, env.server.url);
});
after(async () => env.tearDown());

async function download(page, click) {
  const [d] = await Promise.all([page.waitForEvent('download'), click()]);
  return { name: d.suggestedFilename(), bytes: fs.readFileSync(await d.path()) };
}

test('a discussion goes to the employee as a file and comes back merged', async () => {
  await manager.open('/');
  await manager.people().addPerson({ name: 'Noor Patel', role: 'Analyst' });
  await manager.people().openPerson('Noor Patel');
  await manager.person().startDiscussion();
  await manager.discussion().tab('conversation');
  await manager.discussion().fill('notes', 'Started in the meeting room');
  await manager.discussion().tab('share');
  const file = await download(env.page, () => env.page.getByTestId('download-file').click());
  assert.match(file.name, /\.ctalk$/);
  const filePath = path.join(os.tmpdir(), `noor-${Date.now()}.ctalk`);
  fs.writeFileSync(filePath, file.bytes);

  // The employee opens the file from the start page.
  await employee.open('/');
  await employeePage.getByTestId('open-file').setInputFiles(filePath);
  await employeePage.getByTestId('tab-reflect').waitFor();
  await employee.discussion().tab('conversation');
  assert.equal(await employee.discussion().value('notes'), 'Started in the meeting room');
  await employee.discussion().fill('notes', 'Started in the meeting room; my follow-up');
  await employee.open('/');
  assert.equal(await employeePage.getByTestId('shared-item').count(), 1);
  await employeePage.getByTestId('shared-item').getByRole('link').click();
  await employee.discussion().tab('share');
  const reply = await download(employeePage, () => employeePage.getByTestId('download-file').click());
  const replyPath = path.join(os.tmpdir(), `noor-reply-${Date.now()}.ctalk`);
  fs.writeFileSync(replyPath, reply.bytes);

  // The manager takes it in from the discussion's Share tab.
  await env.page.getByTestId('open-file').setInputFiles(replyPath);
  await env.page.getByTestId('notice').getByText(/Merged Noor Patel's changes/).waitFor();
  await manager.discussion().tab('conversation');
  assert.equal(await manager.discussion().value('notes'), 'Started in the meeting room; my follow-up');
  assertNoErrors(env.errors);
});

test('a file that is not a discussion, or far too large, is refused and changes nothing', async () => {
  await manager.open('/');
  await manager.waitSaved();
  const before = await env.page.evaluate(() => JSON.stringify(Object.entries(localStorage).sort()));
  const junk = path.join(os.tmpdir(), 'junk.ctalk');
  fs.writeFileSync(junk, 'this is a text file, not a discussion');
  await env.page.getByTestId('open-file').setInputFiles(junk);
  await env.page.getByTestId('notice').getByText(/junk\.ctalk could not be opened: this is not a Career Talk link or file/).waitFor();

  const huge = path.join(os.tmpdir(), 'huge.ctalk');
  fs.writeFileSync(huge, Buffer.alloc(50 * 1024 * 1024, 7));
  await env.page.getByTestId('open-file').setInputFiles(huge);
  await env.page.getByTestId('notice').getByText(/huge\.ctalk is too large \(50 MB; the limit is 10 MB\)/).waitFor();
  assert.equal(await env.page.evaluate(() => JSON.stringify(Object.entries(localStorage).sort())), before);
  assertNoErrors(env.errors);
});

test('the shared record exports as Markdown and JSON, and prints on its own', async () => {
  await manager.open('/');
  await manager.people().openPerson('Noor Patel');
  await env.page.getByTestId('discussion-item').first().getByRole('link').click();
  const d = manager.discussion();
  await d.fill('prep-strengths', 'PRIVATE: sharp with numbers');
  await d.tab('conversation');
  await d.fill('answer-long_term', 'Head of analytics');
  await d.tab('share');
  const md = await download(env.page, () => env.page.getByTestId('export-markdown').click());
  const text = md.bytes.toString('utf8');
  assert.match(text, /^# Career discussion: Noor Patel/);
  assert.match(text, /Head of analytics/);
  assert.ok(!text.includes('PRIVATE'), 'the prep is not exported');
  const json = JSON.parse((await download(env.page, () => env.page.getByTestId('export-json').click())).bytes.toString('utf8'));
  assert.equal(json.answers.long_term, 'Head of analytics');
  assert.ok(!JSON.stringify(json).includes('PRIVATE'));

  await d.tab('record');
  // The record is a part loaded when first opened: there before printing.
  await env.page.getByTestId('record').waitFor();
  await env.page.emulateMedia({ media: 'print' });
  assert.ok(await env.page.getByTestId('record').isVisible());
  assert.ok(!(await env.page.locator('.tabs').isVisible()), 'navigation is not printed');
  await screenshot(env.page, 'record-print');
  await env.page.emulateMedia({ media: 'screen' });
  assertNoErrors(env.errors);
});

test('a discussion too large for a link offers a file instead', async () => {
  await manager.open('/');
  await manager.people().openPerson('Noor Patel');
  await env.page.getByTestId('discussion-item').first().getByRole('link').click();
  const d = manager.discussion();
  await d.tab('conversation');
    // Sixty thousand characters of varied text, which compression cannot shrink enough.
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  const long = Array.from({ length: 10000 }, () => next().toString(36).slice(0, 5)).join(' ');
  await d.field('notes').fill(long);
  await d.tab('share');
  await env.page.getByTestId('make-link').click();
  await env.page.getByTestId('link-too-long').waitFor();
  assert.match(await env.page.getByTestId('link-too-long').textContent(), /too large for a link/);
  const file = await download(env.page, () => env.page.getByTestId('download-file-instead').click());
  assert.ok(file.bytes.length > 10_000);
  assertNoErrors(env.errors);
});
