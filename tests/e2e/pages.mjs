// Page objects: what a user sees and does on each page, by data-testid.
import assert from 'node:assert/strict';

const SAVED = 'All changes saved on this device';

export class App {
  constructor(page, baseUrl) {
    this.page = page;
    this.baseUrl = baseUrl;
  }
  async open(path = '/') {
    await this.page.goto(this.baseUrl + path);
    await this.page.getByTestId('save-state').waitFor();
  }
  async waitSaved() {
    await this.page.getByTestId('save-state').getByText(SAVED).waitFor({ timeout: 5000 });
  }
  async reload() {
    await this.page.reload();
    await this.page.getByTestId('save-state').waitFor();
  }
  people() { return new PeoplePage(this.page); }
  person() { return new PersonPage(this.page); }
  discussion() { return new DiscussionPage(this.page); }
}

export class PeoplePage {
  constructor(page) { this.page = page; }
  async addPerson({ name, role = '', team = '', cadence = 12 }) {
    const p = this.page;
    await p.getByTestId('new-name').fill(name);
    await p.getByTestId('new-role').fill(role);
    await p.getByTestId('new-team').fill(team);
    await p.getByTestId('new-cadence').selectOption(String(cadence));
    await p.getByTestId('add-person-submit').click();
    await this.row(name).waitFor();
  }
  row(name) {
    return this.page.getByTestId('person-row').filter({ has: this.page.getByRole('link', { name, exact: true }) });
  }
  async names() {
    await this.page.getByTestId('person-row').first().waitFor();
    return this.page.getByTestId('person-link').allTextContents();
  }
  async badge(name) {
    return (await this.row(name).getByTestId('due-badge').textContent()).trim();
  }
  async openPerson(name) {
    await this.page.getByRole('link', { name, exact: true }).click();
    await this.page.getByTestId('person-name').waitFor();
  }
}

export class PersonPage {
  constructor(page) { this.page = page; }
  async startDiscussion() {
    await this.page.getByTestId('start-discussion').click();
    await this.page.getByTestId('tab-prepare').waitFor();
  }
  async rename(name) {
    await this.page.getByTestId('edit-name').fill(name);
    await this.page.getByTestId('edit-name').press('Tab');
  }
  discussions() { return this.page.getByTestId('discussion-item'); }
  damaged() { return this.page.getByTestId('discussion-damaged'); }
}

export class DiscussionPage {
  constructor(page) { this.page = page; }
  async tab(slug) {
    await this.page.getByTestId(`tab-${slug}`).click();
    await this.page.waitForURL(new RegExp(`/${slug}$`));
  }
  field(testid) { return this.page.getByTestId(testid); }
  async fill(testid, text) {
    await this.field(testid).fill(text);
  }
  async value(testid) {
    return this.field(testid).inputValue();
  }
  /// Interject opens a sheet showing what would be shared; this edits it (`text`), adds
  /// the ticked indicators (`indicators`), and adds it to the shared record.
  async interject(question, source, { text, indicators = false } = {}) {
    const sheet = await this.openInterject(question, source);
    if (text !== undefined) await sheet.getByTestId('interject-text').fill(text);
    if (indicators) await sheet.getByTestId('interject-indicators').check();
    await sheet.getByTestId('interject-add').click();
    await sheet.waitFor({ state: 'detached' });
  }
  async openInterject(question, source) {
    await this.page.getByTestId(`interject-${question}-${source}`).click();
    const sheet = this.page.getByRole('dialog');
    await sheet.waitFor();
    return sheet;
  }
  leaderViews(question) {
    return this.page.getByTestId(`question-${question}`).getByTestId('leader-view');
  }
  async choose(group, index) {
    await this.page.getByTestId(`${group}-${index}`).check();
  }
  async isChosen(group, index) {
    return this.page.getByTestId(`${group}-${index}`).isChecked();
  }
  actionRows() { return this.page.getByTestId('action-row'); }
  async addAction({ text, owner = 'employee', due }) {
    await this.page.getByTestId('add-action').click();
    const row = this.actionRows().last();
    await row.getByTestId('action-text').fill(text);
    await row.getByTestId('action-owner').selectOption(owner);
    if (due) await row.getByTestId('action-due').fill(due);
  }
}

export const idFromUrl = (url) => url.match(/discussions\/([0-9a-f]{32})/)[1];

/// Starts a discussion with `person` and saves `note` in its conversation notes.
export async function newDiscussionWithNote(app, person, note) {
  await app.open('/');
  await app.people().openPerson(person);
  await app.person().startDiscussion();
  const id = idFromUrl(app.page.url());
  await app.discussion().tab('conversation');
  await app.discussion().fill('notes', note);
  await app.waitSaved();
  return id;
}

/// The manager names themself, adds a person and starts a discussion with them.
export async function managerStarts(app, { manager, person, role = 'Engineer', team }) {
  await app.open('/');
  await app.page.getByTestId('manager-name').fill(manager);
  await app.page.getByTestId('manager-name').press('Tab');
  await app.people().addPerson({ name: person, role, team });
  await app.people().openPerson(person);
  await app.person().startDiscussion();
  return app.discussion();
}

/// A second device: its own browser context (own storage) on the same server.
/// `bypassCSP` lets a test run axe-core there too.
export async function otherDevice(env, { bypassCSP = false } = {}) {
  const context = await env.browser.newContext({ viewport: { width: 1200, height: 900 }, bypassCSP });
  const page = await context.newPage();
  return { context, page, app: new App(page, env.server.url) };
}

/// After a merge the discussion shows one line ("3 changes from Sam — Review"): this opens
/// the tracked changes under it and returns them.
export async function openReview(page) {
  const review = page.getByTestId('merge-review');
  if (!(await review.isVisible())) {
    await page.getByTestId('open-review').click();
  }
  await review.waitFor();
  return review;
}

/// Opens a share or live link and says yes when the app asks before taking it in.
export async function openLink(page, link) {
  await page.goto(link);
  await page.getByTestId('link-yes').click();
}

/// Opens a link that may be refused before the question (unreadable) or after it (yes is
/// said when asked).
export async function openLinkMaybe(page, link) {
  await page.goto(link);
  await answerIfAsked(page);
}

/// Says yes to the link question if it comes before a notice does.
export async function answerIfAsked(page) {
  const asked = page.getByTestId('link-yes');
  await asked.or(page.getByTestId('notice')).first().waitFor();
  if (await asked.isVisible()) await asked.click();
}

/// Makes a share link from a discussion's Share tab.
export async function shareLink(page) {
  await page.getByTestId('tab-share').click();
  await page.getByTestId('make-link').click();
  await page.getByTestId('show-link').click();
  await page.getByTestId('share-link').waitFor();
  return page.getByTestId('share-link').inputValue();
}

export function assertNoErrors(errors) {
  assert.deepEqual(errors.map(String), [], 'the app logged errors');
}

/// Every localStorage entry of the page's origin, as stored.
export const stored = (page) => page.evaluate(() => Object.fromEntries(Object.entries(localStorage)));

/// The entries whose key or value mentions one of `needles`, values read as stored and
/// decoded from base64 (documents are base64 Automerge bytes).
export function mentioning(entries, needles) {
  const found = [];
  for (const [k, v] of Object.entries(entries)) {
    const decoded = /^[A-Za-z0-9+/]+=*$/.test(v) ? Buffer.from(v, 'base64').toString('utf8') : '';
    for (const n of needles) {
      if (k.includes(n) || v.includes(n) || decoded.includes(n)) found.push(`${k} mentions ${n}`);
    }
  }
  return found;
}

/** The two compare the safety code on their record tabs (the same on both screens) and
 *  each taps "We compared it": from then on each device counts the other's signature. */
export async function compareCodes(a, b) {
  const code = (await a.getByTestId('safety-code').textContent()).trim();
  assert.match(code, /^\d{4} \d{4} \d{4} \d{4} \d{4}$/);
  assert.equal((await b.getByTestId('safety-code').textContent()).trim(), code, 'the same safety code on both devices');
  for (const page of [a, b]) {
    // A device that confirmed this key before (an accepted change) has nothing to tap.
    if (await page.getByTestId('keys-confirmed').count() === 0) await page.getByTestId('keys-compared').click();
    await page.getByTestId('keys-confirmed').waitFor();
  }
}
