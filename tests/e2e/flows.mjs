// The main flows, written once for every engine: Chromium runs them through Playwright,
// WebKit and Firefox through the WebDriver client (webdriver.mjs), which offers the same
// page and locator calls. A flow gets `device()` (a new browser of its own: another
// device), the app's `url`, and `shot(page, name)` for screenshots.
import assert from 'node:assert/strict';
import { App, managerStarts, openLink, shareLink } from './pages.mjs';

export const HARD_TEXT = 'Zoë 👩🏽‍💻 naïve — 日本';

/// The employee's questions as facilitation mode titles them, in order.
const QUESTION_TITLES = ['Short-term aspirations', 'Longer-term aspirations', 'Knowing what it takes',
  'Willing to do what it takes', 'Key strengths', 'Key development areas', 'Steps for the next 12 months',
  'Desired next assignment'];

/// Reloads through the page, as a person pressing reload would (and under the service
/// worker, which a WebDriver refresh in Firefox bypasses).
export async function reload(page) {
  if (typeof page.context === 'function') {
    await page.evaluate(() => setTimeout(() => location.reload(), 0));
    await page.waitForEvent('load');
  } else {
    await page.reload();
  }
  await page.getByTestId('save-state').waitFor();
}

/// A one-finger horizontal swipe across `locator`.
async function swipe(page, locator, dx) {
  if (typeof locator.swipe === 'function') return locator.swipe(dx);
  // Playwright (Chromium): real touch input through the DevTools protocol.
  const box = await locator.boundingBox();
  const cdp = await page.context().newCDPSession(page);
  const x = box.x + box.width / 2 - dx / 2;
  const y = box.y + Math.min(box.height / 2, 300);
  const touch = (type, px) => cdp.send('Input.dispatchTouchEvent', { type, touchPoints: type === 'touchEnd' ? [] : [{ x: px, y }] });
  await touch('touchStart', x);
  await touch('touchMove', x + dx / 2);
  await touch('touchMove', x + dx);
  await touch('touchEnd', x + dx);
  await cdp.detach();
}

/// A new device where the manager, Maria Lund, starts a discussion with Sam Okafor.
async function managerDevice(device, url, options) {
  const page = await device(options);
  const app = new App(page, url);
  const d = await managerStarts(app, { manager: 'Maria Lund', person: 'Sam Okafor' });
  return { page, app, d };
}

/// The manager's whole discussion on one device, found again after a reload.
export async function wholeDiscussion({ device, url, shot }) {
  const { page, app, d } = await managerDevice(device, url);
  await d.fill('prep-strengths', 'Systems thinking; calm under pressure');
  await d.tab('conversation');
  await d.fill('answer-short_term', HARD_TEXT);
  await d.fill('answer-strengths', 'Debugging production incidents');
  await d.interject('strengths', 'strengths');
  await d.leaderViews('strengths').first().waitFor();
  await d.tab('plan');
  await d.addAction({ text: 'Present the on-call redesign to the CTO', due: '2027-03-15' });
  await page.getByTestId('held-today').click();
  await app.waitSaved();
  await shot(page, 'plan');

  await reload(page);
  assert.equal(await d.value('action-text'), 'Present the on-call redesign to the CTO');
  await d.tab('conversation');
  assert.equal(await d.value('answer-short_term'), HARD_TEXT);
  assert.equal(await d.leaderViews('strengths').getByTestId('leader-view-text').inputValue(), 'Systems thinking; calm under pressure');
  await shot(page, 'conversation');
  await d.tab('prepare');
  assert.equal(await d.value('prep-strengths'), 'Systems thinking; calm under pressure');
  return page;
}

/// The manager shares by link; the employee, in another browser, reflects, publishes and
/// replies; the manager opens the reply and sees what changed.
export async function shareReplyMerge({ device, url, shot }) {
  const { page: manager, app, d } = await managerDevice(device, url);
  await d.tab('conversation');
  await d.fill('answer-strengths', 'Calm in incidents');
  await app.waitSaved();
  const link = await shareLink(manager);
  await shot(manager, 'share');

  const employee = await device();
  await openLink(employee, link);
  await employee.getByTestId('tab-reflect').waitFor();
  await employee.getByTestId('reflect-long_term').fill(`Principal engineer. ${HARD_TEXT}`);
  // The leader wrote nothing there: publishing needs no choice.
  await employee.getByTestId('publish-long_term').click();
  await employee.getByTestId('publish-state-long_term').getByText('Published').waitFor();
  await shot(employee, 'employee-reflect');
  const reply = await shareLink(employee);

  await openLink(manager, reply);
  await manager.getByTestId('open-review').click();
  await manager.getByTestId('merge-review').waitFor();
  assert.match(await manager.getByTestId('merge-review').textContent(), /Principal engineer/);
  await shot(manager, 'merge-review');
  await manager.getByTestId('tab-conversation').click();
  await manager.waitForURL(/\/conversation$/);
  assert.equal(await manager.getByTestId('answer-long_term').inputValue(), `Principal engineer. ${HARD_TEXT}`);
  assert.equal(await manager.getByTestId('answer-strengths').inputValue(), 'Calm in incidents');
  return [manager, employee];
}

/// After one online visit, the app reloads with the server gone (the service worker) and
/// still has and takes edits.
export async function offlineReload({ device, url, stopServer, shot }) {
  const { page, app, d } = await managerDevice(device, url);
  await d.tab('conversation');
  await d.fill('answer-strengths', 'Written online');
  await app.waitSaved();
  await page.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 30000 });
  await stopServer();
  await reload(page);
  await page.getByTestId('answer-strengths').waitFor();
  assert.equal(await page.getByTestId('answer-strengths').inputValue(), 'Written online');
  await d.fill('answer-strengths', `Written offline ${HARD_TEXT}`);
  await app.waitSaved();
  await reload(page);
  assert.equal(await page.getByTestId('answer-strengths').inputValue(), `Written offline ${HARD_TEXT}`);
  await shot(page, 'offline');
  return page;
}

/// A live session through the relay: the employee joins by link, each sees the other's
/// typing.
export async function liveSession({ device, url, shot }) {
  const { page: manager, d } = await managerDevice(device, url);
  await d.tab('share');
  await manager.getByTestId('start-live').click();
  const link = await manager.getByTestId('live-link').inputValue();
  const employee = await device();
  await openLink(employee, link);
  await employee.getByTestId('answer-strengths').waitFor();
  await d.tab('conversation');
  await d.fill('answer-strengths', `Typed live ${HARD_TEXT}`);
  await employee.waitForFunction((want) => document.querySelector('[data-testid="answer-strengths"]')?.value === want,
    `Typed live ${HARD_TEXT}`, { timeout: 30000 });
  await employee.getByTestId('notes').fill('Back from the employee');
  await manager.waitForFunction(() => document.querySelector('[data-testid="notes"]')?.value === 'Back from the employee',
    null, { timeout: 30000 });
  await shot(employee, 'live-employee');
  return [manager, employee];
}

/// Facilitation mode on a touch screen: one question per screen, swiped through and
/// tapped through. WebKitGTK's WebDriver turns touch actions into mouse input (it has no
/// touch synthesis), so there the big buttons are tapped and the swipe is left to the
/// other two engines.
export async function facilitation({ device, url, shot }) {
  const { page, d } = await managerDevice(device, url, { touch: true });
  await d.tab('conversation');
  await page.getByTestId('start-meeting').click();
  const meeting = page.getByTestId('meeting');
  await meeting.waitFor();
  // The question's screen, not only the counter: a swipe starts on what is shown.
  const at = async (n) => {
    const progress = page.getByTestId('meeting-progress');
    try {
      await progress.getByText(`Question ${n} of 8`).waitFor();
      await page.getByTestId('meeting-title').getByText(QUESTION_TITLES[n - 1], { exact: true }).waitFor();
    } catch (e) {
      const shown = await progress.textContent().catch(() => '(nothing)');
      throw new Error(`wanted question ${n}; the screen shows "${shown}" at ${await page.url()}: ${e.message}`);
    }
  };
  await at(1);
  if (page.engine !== 'webkit') {
    await swipe(page, meeting, -240);
    await at(2);
    await swipe(page, meeting, 240);
    await at(1);
  }
  await page.getByTestId('meeting-next').click();
  await at(2);
  await d.fill('meeting-answer', HARD_TEXT);
  await page.getByTestId('meeting-prev').click();
  await at(1);
  await page.getByTestId('meeting-next').click();
  await at(2);
  assert.equal(await page.getByTestId('meeting-answer').inputValue(), HARD_TEXT);
  await shot(page, 'meeting');
  return page;
}

export const FLOWS = { wholeDiscussion, shareReplyMerge, offlineReload, liveSession, facilitation };
