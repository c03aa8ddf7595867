// Two tabs of one browser with the same discussion open: they converge live, and neither
// overwrites what the other saved.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setUp } from './harness.mjs';
import { App, assertNoErrors } from './pages.mjs';

let env;
before(async () => { env = await setUp(); });
after(async () => env.tearDown());

test('two tabs editing one discussion at once lose nothing', async () => {
  const a = new App(env.page, env.server.url);
  await a.open('/');
  await a.people().addPerson({ name: 'Kim Lee', role: 'Engineer' });
  await a.people().openPerson('Kim Lee');
  await a.person().startDiscussion();
  await a.discussion().tab('conversation');
  const url = env.page.url();

  const pageB = await env.context.newPage();
  pageB.on('pageerror', (e) => env.errors.push(e));
  const b = new App(pageB, env.server.url);
  await b.open(new URL(url).pathname);

  // Both type at once, into different answers and into the shared notes, many times.
  for (let i = 1; i <= 15; i++) {
    await a.discussion().fill('answer-strengths', `A strengths ${i}`);
    await b.discussion().fill('answer-development_areas', `B development ${i}`);
    await a.discussion().field('notes').press('End');
    await a.discussion().field('notes').pressSequentially(`a${i} `);
    await b.discussion().field('notes').press('End');
    await b.discussion().field('notes').pressSequentially(`b${i} `);
  }
  await a.waitSaved();
  await b.waitSaved();

  // Each tab shows the other's words without a reload.
  await env.page.waitForFunction(() => document.querySelector('[data-testid=answer-development_areas]').value === 'B development 15');
  await pageB.waitForFunction(() => document.querySelector('[data-testid=answer-strengths]').value === 'A strengths 15');
  const notesA = await a.discussion().value('notes');
  for (let i = 1; i <= 15; i++) {
    assert.ok(notesA.includes(`a${i} `), `tab A's notes lost a${i}: ${notesA}`);
  }

  // A fresh load finds all of it.
  const pageC = await env.context.newPage();
  const c = new App(pageC, env.server.url);
  await c.open(new URL(url).pathname);
  assert.equal(await c.discussion().value('answer-strengths'), 'A strengths 15');
  assert.equal(await c.discussion().value('answer-development_areas'), 'B development 15');
  const notes = await c.discussion().value('notes');
  for (let i = 1; i <= 15; i++) {
    assert.ok(notes.includes(`a${i} `) && notes.includes(`b${i} `), `notes lost words: ${notes}`);
  }
  assertNoErrors(env.errors);
});
