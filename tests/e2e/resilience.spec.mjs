// Fault scenarios: two tabs typing into one answer at once, and a device whose clock is a
// year off. Nothing typed is lost.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setUp } from './harness.mjs';
import { App, assertNoErrors, openLink } from './pages.mjs';

let env;
before(async () => { env = await setUp(); });
after(async () => env.tearDown());

test('two tabs typing into the same answer for ten seconds keep every word of both', async () => {
  const a = new App(env.page, env.server.url);
  await a.open('/');
  await a.people().addPerson({ name: 'Vic Wolfe', role: 'Engineer' });
  await a.people().openPerson('Vic Wolfe');
  await a.person().startDiscussion();
  await a.discussion().tab('conversation');
  const path = new URL(env.page.url()).pathname;
  const pageB = await env.context.newPage();
  const b = new App(pageB, env.server.url);
  await b.open(path);

  const wordsA = Array.from({ length: 24 }, (_, i) => `alpha${i}z`);
  const wordsB = Array.from({ length: 24 }, (_, i) => `beta${i}z`);
  const type = async (page, words) => {
    const field = page.getByTestId('answer-strengths');
    for (const w of words) {
      await field.press('End');
      await field.pressSequentially(` ${w}`, { delay: 40 });
    }
  };
  await Promise.all([type(env.page, wordsA), type(pageB, wordsB)]);
  await a.waitSaved();
  await b.waitSaved();
  // Both tabs settle on the same text.
  let textA = '';
  let textB = '';
  for (let i = 0; i < 50; i++) {
    textA = await a.discussion().value('answer-strengths');
    textB = await b.discussion().value('answer-strengths');
    if (textA === textB && [...wordsA, ...wordsB].every((w) => textA.includes(w))) break;
    await env.page.waitForTimeout(300);
  }
  assert.equal(textA, textB);
  // Every word each tab typed is there, letter for letter. (Where both typed at the very
  // same spot at the same moment, a space can land on the other side of a word: the caret
  // is mapped by position, not yet by Automerge cursor.)
  for (const w of [...wordsA, ...wordsB]) assert.ok(textA.includes(w), `lost "${w}" in: ${textA}`);
  await pageB.close();
  assertNoErrors(env.errors);
});

test('a device whose clock is a year off still merges correctly, with sensible dates', async () => {
  const manager = new App(env.page, env.server.url);
  await manager.open('/');
  await manager.people().openPerson('Vic Wolfe');
  await env.page.getByTestId('discussion-item').first().getByRole('link').click();
  await manager.discussion().tab('share');
  await env.page.getByTestId('make-link').click();
  const link = await env.page.getByTestId('share-link').inputValue();

  const ctx = await env.browser.newContext();
  const page = await ctx.newPage();
  await page.clock.setFixedTime(new Date(Date.now() + 365 * 24 * 3600 * 1000));
  await openLink(page, link);
  await page.getByTestId('tab-reflect').waitFor();
  await page.getByTestId('tab-conversation').click();
  await page.getByTestId('answer-long_term').fill('Written on a device a year ahead');
  await page.getByTestId('tab-share').click();
  await page.getByTestId('make-link').click();
  const reply = await page.getByTestId('share-link').inputValue();
  await ctx.close();

  await openLink(env.page, reply);
  await env.page.getByTestId('notice').getByText(/Merged .*changes/).waitFor();
  assert.equal(await manager.discussion().value('answer-long_term'), 'Written on a device a year ahead');
  // The discussion keeps the date it was started here; nothing jumped a year.
  const today = new Date();
  assert.match(await env.page.locator('.page-head .sub').textContent(), new RegExp(`started [A-Z][a-z]{2} \\d{1,2}, ${today.getFullYear()}$`));
  assertNoErrors(env.errors);
});
