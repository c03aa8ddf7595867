// Typing as the two people do it: while the other side types in a live session, the caret
// and selection stay where this side left them, in single-line fields and textareas alike;
// paste, select-all-then-type and an IME composition produce the right text, and what the
// field shows is what the document holds after a reload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setUp } from './harness.mjs';
import { App, assertNoErrors, managerStarts, openLink } from './pages.mjs';
import { startRelay } from './relay.mjs';

const TEXT = 'Zoë 👩🏽‍💻 naïve — 日本';
let env, relay, manager, employeePage, employeeCtx;

before(async () => {
  relay = await startRelay();
  env = await setUp();
  await env.context.addInitScript((url) => localStorage.setItem('ct1:relay', url), relay.url);
  await env.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  manager = new App(env.page, env.server.url);
  employeeCtx = await env.browser.newContext();
  await employeeCtx.addInitScript((url) => localStorage.setItem('ct1:relay', url), relay.url);
  employeePage = await employeeCtx.newPage();
});
after(async () => {
  await env.tearDown();
  await relay.stop();
});

async function waitValue(locator, expected, timeout = 10000) {
  const handle = await locator.elementHandle();
  await locator.page().waitForFunction(
    ([el, text]) => el.value === text,
    [handle, expected],
    { timeout },
  );
}

/// The field's selection (UTF-16 offsets) and whether it has the focus.
const selection = (locator) => locator.evaluate((el) => [el.selectionStart, el.selectionEnd, document.activeElement === el]);
const select = (locator, start, end) => locator.evaluate((el, [s, e]) => { el.focus(); el.setSelectionRange(s, e); }, [start, end]);

/// Moves the other side's caret to the end of a field and types there.
async function typeAtEnd(locator, text) {
  await locator.evaluate((el) => { el.focus(); el.setSelectionRange(el.value.length, el.value.length); });
  await locator.pressSequentially(text, { delay: 15 });
}

async function typeAtStart(locator, text) {
  await locator.evaluate((el) => { el.focus(); el.setSelectionRange(0, 0); });
  await locator.pressSequentially(text, { delay: 15 });
}

test('the caret stays where the typist left it while the other side types, in every kind of field', async () => {
  const d = await managerStarts(manager, { manager: 'Maria Lund', person: 'Sam Okafor', role: 'Engineer' });
  await d.tab('plan');
  await d.addAction({ text: 'Present payments review' });
  await d.tab('share');
  await env.page.getByTestId('start-live').click();
  const link = await env.page.getByTestId('live-link').inputValue();
  await openLink(employeePage, link);
  await employeePage.getByTestId('answer-strengths').waitFor({ timeout: 15000 });

  // A single-line field: an action's text. An action is its adder's to change, so the
  // other writer is the manager's second tab, in the same session.
  const tab2 = await env.context.newPage();
  await openLink(tab2, link);
  await tab2.getByTestId('answer-strengths').waitFor({ timeout: 15000 });
  await d.tab('plan');
  await tab2.getByTestId('tab-plan').click();
  const mine = env.page.getByTestId('action-text');
  const theirs = tab2.getByTestId('action-text');
  await waitValue(theirs, 'Present payments review');
  await select(mine, 8, 8); // "Present |payments review"
  await typeAtEnd(theirs, ' for Q3');
  await waitValue(mine, 'Present payments review for Q3');
  assert.deepEqual(await selection(mine), [8, 8, true], 'the caret moved while the other side typed after it');
  // Text typed before the caret moves it along; a selection keeps covering the same word.
  await select(mine, 8, 16); // "payments"
  await typeAtStart(theirs, 'Q3: ');
  await waitValue(mine, 'Q3: Present payments review for Q3');
  assert.deepEqual(await selection(mine), [12, 20, true]);
  assert.equal(await mine.evaluate((el) => el.value.slice(el.selectionStart, el.selectionEnd)), 'payments');
  // Typing over the selection lands where the typist is, and both devices converge.
  await mine.pressSequentially('card', { delay: 15 });
  await waitValue(theirs, 'Q3: Present card review for Q3');
  assert.equal(await mine.inputValue(), 'Q3: Present card review for Q3');
  // On the employee's device the action is text she reads, kept up to date.
  await employeePage.getByTestId('tab-plan').click();
  await employeePage.getByTestId('action-text').getByText('Q3: Present card review for Q3').waitFor();
  await tab2.close();

  // The single-line answer "When would you like it?", with multi-byte text before the caret.
  await d.tab('conversation');
  await employeePage.getByTestId('tab-conversation').click();
  const when = env.page.getByTestId('answer-next_assignment_timing');
  const theirWhen = employeePage.getByTestId('answer-next_assignment_timing');
  await when.pressSequentially('within a year', { delay: 15 });
  await waitValue(theirWhen, 'within a year');
  await select(when, 7, 7); // "within| a year"
  await typeAtStart(theirWhen, TEXT + ' ');
  await waitValue(when, `${TEXT} within a year`);
  const shift = (TEXT + ' ').length; // UTF-16 units, as the DOM counts
  assert.deepEqual(await selection(when), [7 + shift, 7 + shift, true]);

  // A textarea: the strengths answer.
  const area = env.page.getByTestId('answer-strengths');
  const theirArea = employeePage.getByTestId('answer-strengths');
  await area.pressSequentially('Calm under pressure', { delay: 15 });
  await waitValue(theirArea, 'Calm under pressure');
  await select(area, 5, 10); // "under"
  await typeAtStart(theirArea, 'Very ');
  await waitValue(area, 'Very Calm under pressure');
  assert.deepEqual(await selection(area), [10, 15, true]);
  await typeAtEnd(theirArea, ', mentors others');
  await waitValue(area, 'Very Calm under pressure, mentors others');
  assert.deepEqual(await selection(area), [10, 15, true]);
  await area.pressSequentially('UNDER', { delay: 15 });
  await waitValue(theirArea, 'Very Calm UNDER pressure, mentors others');

  for (const page of [env.page, employeePage]) {
    assert.deepEqual(await page.getByTestId('live-warning').allTextContents(), []);
  }
  await env.page.getByTestId('tab-share').click();
  await env.page.getByTestId('end-live').click();
  await employeePage.getByTestId('live-ended').waitFor();
  // Closing the socket, Chromium logs how nats-server 2.9 frames its close reply; that is
  // the relay's, not the app's.
  const relayClose = /WebSocket connection to .* broken close frame/;
  env.errors.splice(0, env.errors.length, ...env.errors.filter((e) => !relayClose.test(String(e))));
  assertNoErrors(env.errors);
});

test("a person's role keeps the caret while another tab renames them", async () => {
  await manager.open('/');
  await manager.people().openPerson('Sam Okafor');
  const role = env.page.getByTestId('edit-role');
  await waitValue(role, 'Engineer');
  const other = await env.context.newPage();
  const otherApp = new App(other, env.server.url);
  await otherApp.open('/');
  await otherApp.people().openPerson('Sam Okafor');
  await select(role, 3, 3); // "Eng|ineer"
  await typeAtStart(other.getByTestId('edit-role'), 'Senior ');
  await otherApp.waitSaved();
  await waitValue(role, 'Senior Engineer');
  assert.deepEqual(await selection(role), [10, 10, true]);
  await role.pressSequentially('X', { delay: 15 });
  await manager.waitSaved();
  await waitValue(other.getByTestId('edit-role'), 'Senior EngXineer');
  await other.close();
  assertNoErrors(env.errors);
});

test('paste, select-all-then-type and an IME composition produce the text the document keeps', async () => {
  await manager.open('/');
  await manager.people().openPerson('Sam Okafor');
  await env.page.getByTestId('discussion-item').first().getByRole('link').click();
  await env.page.getByTestId('tab-conversation').click();
  const notes = env.page.getByTestId('notes');

  // Select all, then type: the typed text replaces everything.
  await notes.pressSequentially('first draft', { delay: 10 });
  await notes.press('ControlOrMeta+a');
  await notes.pressSequentially('Zoë', { delay: 10 });
  assert.equal(await notes.inputValue(), 'Zoë');

  // Paste from the clipboard into the middle, over a selection.
  await env.page.evaluate((t) => navigator.clipboard.writeText(t), ` ${TEXT} `);
  await select(notes, 1, 2); // "o"
  await notes.press('ControlOrMeta+v');
  assert.equal(await notes.inputValue(), `Z ${TEXT} ë`);

  // An IME composition at the end: the composing text changes, then is committed.
  const cdp = await env.context.newCDPSession(env.page);
  await notes.evaluate((el) => { el.focus(); el.setSelectionRange(el.value.length, el.value.length); });
  for (const text of ['に', 'にほ', 'にほん']) {
    await cdp.send('Input.imeSetComposition', { text, selectionStart: text.length, selectionEnd: text.length });
  }
  await cdp.send('Input.insertText', { text: '日本' });
  const expected = `Z ${TEXT} ë日本`;
  assert.equal(await notes.inputValue(), expected);

  // What the field showed is what was stored.
  await manager.waitSaved();
  await manager.reload();
  await env.page.getByTestId('notes').waitFor();
  assert.equal(await env.page.getByTestId('notes').inputValue(), expected);
  assertNoErrors(env.errors);
});
