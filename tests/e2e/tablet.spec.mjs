// The app on a tablet (768×1024, touch): every control is big enough for a finger, nothing
// scrolls sideways or clips, sharing goes through the system's share sheet, a QR code is
// shown only when a camera can read it, and dates read one way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setUp, screenshot } from './harness.mjs';
import { App, assertNoErrors, managerStarts, openLink } from './pages.mjs';
import { TABLET, tour } from './tour.mjs';

let env;
before(async () => {
  env = await setUp({ device: TABLET });
});
after(async () => env.tearDown());

/// Controls under 44×44 CSS px on the screen, described for the failure message. A check
/// box, option or file input counts by its label (the whole label takes the tap); a link
/// inside a sentence is exempt (WCAG 2.5.5's inline exception).
function smallTargets() {
  const controls = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [tabindex]:not([tabindex="-1"])';
  const small = [];
  for (const el of document.querySelectorAll(controls)) {
    const byLabel = el.matches('input[type=checkbox], input[type=radio], input[type=file]') && el.closest('label');
    const r = (byLabel || el).getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue; // not shown (closed details, other tab)
    if (getComputedStyle(el).visibility === 'hidden') continue;
    const inSentence = el.matches('a') && getComputedStyle(el).display === 'inline'
      && [...el.parentElement.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
    if (inSentence) continue;
    if (r.width < 43.5 || r.height < 43.5) {
      const name = (el.dataset.testid ? `[${el.dataset.testid}] ` : '') + (el.textContent || el.getAttribute('aria-label') || el.type || '').trim().slice(0, 30);
      small.push(`${el.tagName.toLowerCase()} ${name} ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
  }
  return small;
}

test('every control on every screen of both sides is at least 44×44 px, and nothing scrolls sideways', async () => {
  const small = [];
  const sideways = [];
  await tour(env, async (page, label) => {
    const found = await page.evaluate(smallTargets);
    if (found.length) small.push(`${label}: ${found.join('; ')}`);
    const over = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (over > 0) sideways.push(`${label}: ${over}px`);
    await screenshot(page, `tour-portrait-${label.replace(/[^a-z]+/gi, '-')}`, { fullPage: false });
  }, () => env.browser.newContext(TABLET));
  assert.deepEqual(small, [], `controls under 44×44 px:\n${small.join('\n')}`);
  assert.deepEqual(sideways, [], 'screens that scroll sideways at 768 px');
  assertNoErrors(env.errors);
});

test('at 768 px the steps sit in one row, the header in one row, and a long action wraps', async () => {
  const app = new App(env.page, env.server.url);
  const page = env.page;
  const d = await managerStarts(app, { manager: 'Maria Lund', person: 'Sam Okafor' });
  const top = async (testid) => (await page.getByTestId(testid).boundingBox()).y;
  const steps = ['tab-prepare', 'tab-conversation', 'tab-gap', 'tab-plan', 'tab-share', 'tab-record'];
  const tops = await Promise.all(steps.map(top));
  assert.ok(Math.max(...tops) - Math.min(...tops) < 30, `the steps and actions wrap onto a second row: ${tops}`);
  const header = await page.locator('.topbar').boundingBox();
  assert.ok(header.height < 70, `the header takes ${header.height}px (more than one row)`);
  // The meeting is started where it happens, not from every step.
  assert.equal(await page.getByTestId('start-meeting').count(), 0, 'the meeting button shows on Prepare');
  await d.tab('conversation');
  await page.getByTestId('start-meeting').waitFor();

  await d.tab('plan');
  const long = 'Present the on-call redesign to the CTO, then run two brown-bag sessions for the platform group';
  await d.addAction({ text: long, due: '2027-03-15' });
  const text = page.getByTestId('action-text');
  assert.equal(await text.inputValue(), long);
  const clipped = await text.evaluate((el) => el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight + 1);
  assert.equal(clipped, false, 'the action text is cut off');
  // Dates read one way: the month by name, in the browser's language (en-US here).
  await page.getByTestId('held-on').fill('2026-11-29');
  await page.getByTestId('next-discussion').getByText('Nov 29, 2027').waitFor();
  await d.tab('record');
  assert.match(await page.getByTestId('record').textContent(), /due Mar 15, 2027/);
  await screenshot(page, 'tablet-plan-portrait', { fullPage: false });
  assertNoErrors(env.errors);
});

test('Send hands the link to the share sheet (a file with where to open it when too long); a QR code appears only when it can be scanned', async () => {
  const ctx = await env.browser.newContext(TABLET);
  // A share sheet that records what it was given (a tablet's; headless Chromium has none).
  await ctx.addInitScript(() => {
    window.__shared = [];
    navigator.canShare = (data) => Array.isArray(data?.files) && data.files.every((f) => f instanceof File);
    navigator.share = async (data) => {
      if (window.__refuse) throw new TypeError('no target for this file');
      const files = await Promise.all((data.files ?? []).map(async (f) => ({ name: f.name, size: f.size })));
      window.__shared.push({ title: data.title, text: data.text, url: data.url, files });
    };
  });
  const page = await ctx.newPage();
  const app = new App(page, env.server.url);
  await managerStarts(app, { manager: 'Maria Lund', person: 'Sam Okafor' });
  await page.getByTestId('tab-share').click();
  await page.getByTestId('make-link').click();
  await page.getByTestId('sent').getByText('Handed to the share sheet').waitFor();
  const shared = await page.evaluate(() => window.__shared);
  assert.equal(shared.length, 1);
  // The link: it opens on any device, a laptop's too.
  assert.ok(shared[0].url.startsWith(`${env.server.url}/#ct=`), shared[0].url);
  assert.deepEqual(shared[0].files, []);
  assert.match(shared[0].title, /Sam Okafor/);
  assert.match(shared[0].text, /open this link/);
  // No jargon on the way: no "#", no file extension, no format names.
  const words = await page.getByTestId('share').innerText();
  for (const jargon of ['after #', '.ctalk', 'Markdown', 'JSON', 'fragment']) {
    assert.ok(!words.includes(jargon), `Share says "${jargon}"`);
  }
  // The raw link only behind "Show link"; a record's link is too long to scan.
  assert.equal(await page.getByTestId('share-link').isVisible(), false);
  assert.equal(await page.getByTestId('share-qr').count(), 0, 'a QR code for a link too long to scan');
  await screenshot(page, 'tablet-share-sent', { fullPage: false });
  // A sheet that refuses says so, and the link is still there to copy.
  await page.evaluate(() => { window.__refuse = true; });
  await page.getByTestId('make-link').click();
  await page.getByTestId('sent').getByText(/The share sheet did not take it \(no target for this file\)/).waitFor();
  await page.getByTestId('copy-link').waitFor();

  // A record too long for a link goes as the file, with the app's address and how to
  // open it.
  await page.getByTestId('tab-conversation').click();
  // Words that do not compress away: the link would be far over 32,000 characters.
  const longText = await page.evaluate(() => {
    let x = 1;
    const out = [];
    for (let i = 0; i < 9000; i++) { x = (x * 1103515245 + 12345) % 2147483648; out.push(x.toString(36)); }
    return out.join(' ');
  });
  await page.getByTestId('notes').fill(longText);
  await page.evaluate(() => { window.__refuse = false; });
  await page.getByTestId('tab-share').click();
  await page.getByTestId('make-link').click();
  await page.waitForFunction(() => window.__shared.at(-1)?.files?.length === 1);
  const long = (await page.evaluate(() => window.__shared)).at(-1);
  assert.equal(long.url, undefined);
  assert.match(long.files[0].name, /^career-talk-sam-okafor-.*\.ctalk$/);
  assert.ok(long.files[0].size > 100, 'the file is empty');
  assert.ok(long.text.includes(`Open Career Talk at ${env.server.url}/ and choose “Open a file”`), long.text);
  // A live link is short: its QR code has modules of at least 4 px and a quiet zone.
  await page.getByTestId('start-live').click();
  const qr = page.getByTestId('live-qr');
  await qr.waitFor();
  const { modules, width } = await qr.evaluate((el) => ({
    modules: Number(el.dataset.modules),
    width: el.querySelector('svg').getBoundingClientRect().width,
  }));
  assert.ok(modules >= 21, `a QR code has at least 21 modules (${modules})`);
  assert.ok(width / (modules + 8) >= 4, `QR modules are ${(width / (modules + 8)).toFixed(1)}px`);
  await ctx.close();
});

test('without a share sheet, Send makes a link to copy or show, and the employee gets advice on replying', async () => {
  const page = env.page;
  const app = new App(page, env.server.url);
  await app.open('/');
  await app.people().openPerson('Sam Okafor');
  await page.getByTestId('discussion-item').first().getByRole('link').click();
  await page.getByTestId('tab-share').click();
  await page.getByTestId('make-link').click();
  await page.getByTestId('sent').getByText('The link is ready').waitFor();
  await page.getByTestId('show-link').click();
  const link = await page.getByTestId('share-link').inputValue();
  assert.match(link, /^http:\/\/127\.0\.0\.1:\d+\/#ct=/);
  // "Copied" only when the clipboard took it: refused first (as a browser may), then taken.
  await page.evaluate(() => {
    window.__write = navigator.clipboard.writeText;
    navigator.clipboard.writeText = () => Promise.reject(new DOMException('refused', 'NotAllowedError'));
  });
  await page.getByTestId('copy-link').click();
  await page.getByTestId('copied').getByText(/did not allow copying/).waitFor();
  await page.evaluate(() => { navigator.clipboard.writeText = window.__write; });
  await env.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByTestId('copy-link').click();
  await page.getByTestId('copied').getByText(/^Copied/).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), link);

  const ctx = await env.browser.newContext(TABLET);
  const theirs = await ctx.newPage();
  await openLink(theirs, link);
  await theirs.getByTestId('tab-share').click();
  assert.match(await theirs.getByTestId('make-link').textContent(), /^Send my answers to Maria Lund/);
  assert.match(await theirs.getByTestId('reply-advice').textContent(), /Only what Maria Lund does not have yet is sent/);
  await screenshot(theirs, 'tablet-share-employee', { fullPage: false });
  await ctx.close();
  assertNoErrors(env.errors);
});
