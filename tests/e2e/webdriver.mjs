// A small W3C WebDriver client for the engines Playwright cannot drive here: WebKit
// (Debian's WebKitWebDriver with WebKitGTK's MiniBrowser, under Xvfb) and Firefox (Debian's
// firefox-esr through geckodriver). It offers the part of Playwright's Page and Locator
// that the page objects and the shared flows use, so one scenario runs in all three
// engines. Elements are found in the page by one resolver (test ids, text, roles, CSS,
// nth, filters), waited for like Playwright does, and acted on with WebDriver's own
// clicks and keys: taps and typing arrive as real input events.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort, waitForPort } from './relay.mjs';

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
const TIMEOUT = 15000;
const KEYS = { Tab: '\uE004', Enter: '\uE007', Backspace: '\uE003', Escape: '\uE00C', Control: '\uE009' };

export const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';
export const ENGINES = {
  firefox: {
    available: () => which('geckodriver') && fs.existsSync('/usr/bin/firefox-esr'),
    driver: (port) => ['geckodriver', ['--host', '127.0.0.1', '--port', String(port)]],
    capabilities: () => ({
      browserName: 'firefox',
      'moz:firefoxOptions': {
        binary: '/usr/bin/firefox-esr',
        args: ['-headless'],
        prefs: {
          // A closed network: nothing of Firefox's own reaches out.
          'network.captive-portal-service.enabled': false,
          'network.connectivity-service.enabled': false,
          'browser.safebrowsing.malware.enabled': false,
          'browser.safebrowsing.phishing.enabled': false,
          'app.update.auto': false,
          'dom.webnotifications.enabled': false,
          'datareporting.policy.dataSubmissionEnabled': false,
          'messaging-system.rsexperimentloader.enabled': false,
          // A tablet: touch events on (Firefox turns them off without a touch screen).
          'dom.w3c_touch_events.enabled': 1,
        },
      },
    }),
  },
  webkit: {
    available: () => which('WebKitWebDriver') && which('xvfb-run') && fs.existsSync(MINIBROWSER),
    // MiniBrowser is a window: Xvfb gives it a screen.
    driver: (port) => ['xvfb-run', ['-a', '-s', '-screen 0 1400x1200x24', 'WebKitWebDriver', `--port=${port}`]],
    capabilities: () => ({
      'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
    }),
  },
};

function which(cmd) {
  return (process.env.PATH ?? '').split(':').some((d) => d && fs.existsSync(path.join(d, cmd)));
}

/// An engine: `newPage()` starts its WebDriver server and a browser of its own (its own
/// profile and storage: another device). One driver per browser: geckodriver and
/// WebKitWebDriver each hold one session at a time.
export async function startEngine(name) {
  const engine = ENGINES[name];
  const log = [];
  const pages = new Set();
  return {
    name,
    log: () => log.join('').split('\n').filter((l) => !/RemoteSettings|nimbus|RSLoader|getRecipes/.test(l)).join('\n'),
    async newPage({ viewport = { width: 1200, height: 900 } } = {}) {
      const port = await freePort();
      const [cmd, args] = engine.driver(port);
      const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      proc.stdout.on('data', (d) => log.push(d.toString()));
      proc.stderr.on('data', (d) => log.push(d.toString()));
      const stop = () => { try { process.kill(-proc.pid, 'SIGTERM'); } catch { /* gone already */ } };
      try {
        await waitForPort(port, 30000);
        const base = `http://127.0.0.1:${port}`;
        const answer = await call(base, 'POST', '/session', { capabilities: { alwaysMatch: engine.capabilities() } });
        const page = new Page(`${base}/session/${answer.sessionId}`, name, stop);
        pages.add(page);
        await page.setViewportSize(viewport);
        return page;
      } catch (e) {
        stop();
        throw e;
      }
    },
    async close() {
      for (const p of pages) await p.close().catch(() => {});
    },
  };
}

async function call(base, method, url, body) {
  const res = await fetch(base + url, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) {
    const e = new Error(`WebDriver ${method} ${url}: ${json.value?.error}: ${json.value?.message}`);
    e.code = json.value?.error;
    throw e;
  }
  return json.value ?? json;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Runs in the page: finds the elements a locator's steps describe.
const RESOLVER = `
const norm = (s) => (s ?? '').replace(/\\s+/g, ' ').trim();
const matches = (text, want) => want.re
  ? new RegExp(want.re, want.flags).test(norm(text))
  : want.exact ? norm(text) === norm(want.s) : norm(text).toLowerCase().includes(norm(want.s).toLowerCase());
const ROLES = {
  link: 'a[href], [role=link]', button: 'button, [role=button], input[type=button], input[type=submit], summary',
  dialog: 'dialog[open], [role=dialog]', list: 'ul, ol, [role=list]', checkbox: 'input[type=checkbox], [role=checkbox]',
  textbox: 'textarea, input:not([type]), input[type=text], [role=textbox]', heading: 'h1, h2, h3, h4, h5, h6',
};
const accessibleName = (e) => e.getAttribute('aria-label')
  || (e.getAttribute('aria-labelledby') && norm(document.getElementById(e.getAttribute('aria-labelledby'))?.textContent))
  || norm(e.textContent);
function find(root, s) {
  if (s.css) return [...root.querySelectorAll(s.css)];
  if (s.testid) return [...root.querySelectorAll('[data-testid="' + s.testid + '"]')];
  if (s.role) return [...root.querySelectorAll(ROLES[s.role] ?? '[role=' + s.role + ']')]
    .filter((e) => !s.name || matches(accessibleName(e), s.name));
  // Like Playwright, the element searched in can itself be the one with the text.
  if (s.text) return [...(root.nodeType === 1 ? [root] : []), ...root.querySelectorAll('*')].filter((e) => !['SCRIPT', 'STYLE', 'TITLE'].includes(e.tagName)
    && matches(e.textContent, s.text) && ![...e.children].some((c) => matches(c.textContent, s.text)));
  return [];
}
function resolve(steps, root) {
  let els = [root ?? document];
  for (const s of steps) {
    let next;
    if (s.nth !== undefined) { const i = s.nth < 0 ? els.length + s.nth : s.nth; next = els[i] ? [els[i]] : []; }
    else if (s.has) next = els.filter((e) => resolve(s.has, e).length > 0);
    else if (s.hasText) next = els.filter((e) => matches(e.textContent, s.hasText));
    else if (s.or) {
      const all = new Set([...resolve(s.or[0]), ...resolve(s.or[1])]);
      next = [...all].sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
    } else next = els.flatMap((e) => find(e, s));
    els = [...new Set(next)];
  }
  return els;
}
const visible = (e) => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
`;

const textStep = (t, exact = false) => (t instanceof RegExp ? { re: t.source, flags: t.flags } : { s: t, exact });

class Locator {
  constructor(page, steps) {
    this.page = page;
    this.steps = steps;
  }
  _with(step) { return new Locator(this.page, [...this.steps, step]); }
  getByTestId(id) { return this._with({ testid: id }); }
  getByText(text, { exact = false } = {}) { return this._with({ text: textStep(text, exact) }); }
  getByRole(role, { name, exact = false } = {}) { return this._with({ role, name: name === undefined ? undefined : textStep(name, exact) }); }
  locator(css) { return this._with({ css }); }
  nth(i) { return this._with({ nth: i }); }
  first() { return this.nth(0); }
  last() { return this.nth(-1); }
  filter({ has, hasText } = {}) {
    let l = this;
    if (has) l = l._with({ has: has.steps });
    if (hasText) l = l._with({ hasText: textStep(hasText) });
    return l;
  }
  or(other) { return new Locator(this.page, [{ or: [this.steps, other.steps] }]); }

  /// Runs `body` (a function of `els`, the matching elements, and `arg`) in the page.
  async _run(body, arg) {
    return this.page._script(`${RESOLVER}; const els = resolve(arguments[0]); return (${body})(els, arguments[1]);`, [this.steps, arg]);
  }
  async _poll(test, what, timeout = TIMEOUT) {
    const end = Date.now() + timeout;
    for (;;) {
      const got = await test();
      if (got) return got;
      if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${what}: ${JSON.stringify(this.steps)}`);
      await sleep(100);
    }
  }
  /// The first matching element (visible unless `visible` is false), waited for.
  async _element({ visible = true, timeout } = {}) {
    return this._poll(async () => {
      const e = await this._run(`(els, v) => els.find((e) => !v || visible(e)) ?? null`, visible);
      return e && e[ELEMENT] ? e : null;
    }, visible ? 'a visible element' : 'an element', timeout);
  }
  async waitFor({ state = 'visible', timeout } = {}) {
    const checks = {
      visible: `(els) => els.some(visible)`,
      attached: `(els) => els.length > 0`,
      detached: `(els) => els.length === 0`,
      hidden: `(els) => !els.some(visible)`,
    };
    await this._poll(() => this._run(checks[state]), state, timeout);
  }
  async count() { return this._run(`(els) => els.length`); }
  async isVisible() { return this._run(`(els) => els.length > 0 && visible(els[0])`); }
  async textContent() { await this._element({ visible: false }); return this._run(`(els) => els[0].textContent`); }
  async innerText() { await this._element({ visible: false }); return this._run(`(els) => els[0].innerText`); }
  async allTextContents() { return this._run(`(els) => els.map((e) => e.textContent)`); }
  async inputValue() { await this._element({ visible: false }); return this._run(`(els) => els[0].value`); }
  async isChecked() { await this._element({ visible: false }); return this._run(`(els) => els[0].checked`); }
  async isDisabled() { await this._element({ visible: false }); return this._run(`(els) => els[0].disabled`); }
  async getAttribute(name) { await this._element({ visible: false }); return this._run(`(els, n) => els[0].getAttribute(n)`, name); }
  async boundingBox() {
    await this._element();
    return this._run(`(els) => { const r = els[0].getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; }`);
  }
  async evaluate(fn, arg) {
    await this._element({ visible: false });
    return this._run(`(els, arg) => (${fn})(els[0], arg)`, arg);
  }
  async evaluateAll(fn, arg) { return this._run(`(els, arg) => (${fn})(els, arg)`, arg); }

  /// A tap: WebDriver scrolls the element into view and clicks its centre; retried while
  /// something else (a sheet closing) is on top of it.
  async click({ timeout = TIMEOUT } = {}) {
    const end = Date.now() + timeout;
    for (;;) {
      const el = await this._element({ timeout });
      try {
        await this.page._cmd('POST', `/element/${el[ELEMENT]}/click`, {});
        return;
      } catch (e) {
        const retry = ['element click intercepted', 'stale element reference', 'element not interactable'].includes(e.code);
        if (!retry || Date.now() > end) throw e;
        await sleep(150);
      }
    }
  }
  async check() { if (!(await this.isChecked())) await this.click(); }
  async uncheck() { if (await this.isChecked()) await this.click(); }
  async selectOption(value) {
    await this._element();
    await this._run(`(els, v) => { els[0].value = v; els[0].dispatchEvent(new Event('input', { bubbles: true })); els[0].dispatchEvent(new Event('change', { bubbles: true })); }`, value);
  }
  /// Replaces the text as a person would: select all, delete, type (key by key, through the
  /// actions API: WebKit's element send-keys drops characters outside the BMP). Date and
  /// similar inputs have no typing that works the same in every engine: set like Playwright
  /// sets them.
  async fill(text) {
    await this._element();
    const kind = await this._run(`(els) => els[0].type`);
    if (['date', 'time', 'number', 'range', 'color'].includes(kind)) {
      await this._run(`(els, v) => { const e = els[0]; e.focus(); e.value = v; e.dispatchEvent(new Event('input', { bubbles: true })); e.dispatchEvent(new Event('change', { bubbles: true })); }`, text);
      return;
    }
    await this._run(`(els) => { els[0].scrollIntoView({ block: 'center' }); els[0].focus(); }`);
    const ctrl = KEYS.Control;
    const keys = [
      { type: 'keyDown', value: ctrl }, { type: 'keyDown', value: 'a' }, { type: 'keyUp', value: 'a' }, { type: 'keyUp', value: ctrl },
      { type: 'keyDown', value: KEYS.Backspace }, { type: 'keyUp', value: KEYS.Backspace },
    ];
    for (const ch of Array.from(text)) {
      const key = ch === '\n' ? KEYS.Enter : ch;
      keys.push({ type: 'keyDown', value: key }, { type: 'keyUp', value: key });
    }
    await this.page._keys(keys);
  }
  async type(text) {
    await this._run(`(els) => els[0].focus()`);
    await this.page._keys(Array.from(text).flatMap((ch) => [{ type: 'keyDown', value: ch }, { type: 'keyUp', value: ch }]));
  }
  async press(key) {
    await this._run(`(els) => els[0].focus()`);
    const k = KEYS[key] ?? key;
    await this.page._keys([{ type: 'keyDown', value: k }, { type: 'keyUp', value: k }]);
  }
  async setInputFiles(file) {
    const el = await this._element({ visible: false });
    await this.page._cmd('POST', `/element/${el[ELEMENT]}/value`, { text: file });
  }
  /// A horizontal swipe with one finger across the element (touch pointer actions).
  async swipe(dx) {
    const box = await this.boundingBox();
    const x = Math.round(box.x + box.width / 2 - dx / 2);
    const y = Math.round(box.y + Math.min(box.height / 2, 300));
    await this.page._cmd('POST', '/actions', {
      actions: [{
        type: 'pointer', id: 'finger', parameters: { pointerType: 'touch' },
        actions: [
          { type: 'pointerMove', x, y, duration: 0 },
          { type: 'pointerDown', button: 0 },
          { type: 'pointerMove', x: x + Math.round(dx / 2), y, duration: 100 },
          { type: 'pointerMove', x: x + dx, y, duration: 100 },
          { type: 'pointerUp', button: 0 },
        ],
      }],
    });
    await this.page._cmd('DELETE', '/actions');
  }
}

export class Page {
  constructor(session, engine, stop) {
    this.session = session;
    this.engine = engine;
    this.stop = stop;
  }
  async _cmd(method, url, body) {
    return call(this.session, method, url, body);
  }
  async _script(script, args = []) {
    return this._cmd('POST', '/execute/sync', { script, args });
  }
  async _keys(keys) {
    await this._cmd('POST', '/actions', { actions: [{ type: 'key', id: 'keyboard', actions: keys }] });
    await this._cmd('DELETE', '/actions');
  }
  getByTestId(id) { return new Locator(this, [{ testid: id }]); }
  getByText(text, opts) { return new Locator(this, []).getByText(text, opts); }
  getByRole(role, opts) { return new Locator(this, []).getByRole(role, opts); }
  locator(css) { return new Locator(this, [{ css }]); }

  /// Errors the page reported since its last load (window error events, rejected
  /// promises), and the crash guard's screen.
  async _watch() {
    await this._script(`if (!window.__ctErrors) {
      window.__ctErrors = [];
      addEventListener('error', (e) => window.__ctErrors.push(String(e.message)));
      addEventListener('unhandledrejection', (e) => window.__ctErrors.push(String(e.reason)));
    }`).catch(() => {});
  }
  async errors() {
    return this._script(`return [...(window.__ctErrors ?? []), ...(document.querySelector('.crashed') ? ['the app stopped: ' + document.querySelector('.crashed').textContent] : [])]`);
  }
  async goto(url) {
    await this._cmd('POST', '/url', { url });
    await this._watch();
  }
  async url() { return this._cmd('GET', '/url'); }
  /// Reloads through the page (a WebDriver refresh in Firefox bypasses the service worker).
  async reload() {
    await this._script(`window.__ctBeforeReload = true; setTimeout(() => location.reload(), 0);`);
    const end = Date.now() + TIMEOUT;
    for (;;) {
      await sleep(200);
      const fresh = await this._script(`return !window.__ctBeforeReload && document.readyState === 'complete'`).catch(() => false);
      if (fresh) break;
      if (Date.now() > end) throw new Error('the page did not reload');
    }
    await this._watch();
  }
  async waitForURL(re, { timeout = TIMEOUT } = {}) {
    const end = Date.now() + timeout;
    while (!re.test(await this.url())) {
      if (Date.now() > end) throw new Error(`timed out waiting for a URL like ${re}`);
      await sleep(100);
    }
  }
  async evaluate(fn, arg) {
    const result = await this._cmd('POST', '/execute/async', {
      script: `const done = arguments[arguments.length - 1];
        Promise.resolve().then(() => (${fn})(arguments[0])).then((v) => done({ ok: v === undefined ? null : v }), (e) => done({ err: String(e) }));`,
      args: [arg === undefined ? null : arg],
    });
    if (result && 'err' in result) throw new Error(result.err);
    return result?.ok;
  }
  async waitForFunction(fn, arg, { timeout = TIMEOUT } = {}) {
    const end = Date.now() + timeout;
    while (!(await this.evaluate(fn, arg).catch(() => false))) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${fn}`);
      await sleep(200);
    }
  }
  async waitForTimeout(ms) { await sleep(ms); }
  async screenshot({ path: file }) {
    const png = await this._cmd('GET', '/screenshot');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, Buffer.from(png, 'base64'));
  }
  /// Sizes the window so that the page's viewport is `width`×`height`.
  async setViewportSize({ width, height }) {
    await this._cmd('POST', '/window/rect', { width, height }).catch(() => {});
    const inner = await this._script(`return [innerWidth, innerHeight]`).catch(() => null);
    if (inner && (inner[0] !== width || inner[1] !== height)) {
      await this._cmd('POST', '/window/rect', { width: 2 * width - inner[0], height: 2 * height - inner[1] }).catch(() => {});
    }
  }
  async close() {
    if (!this.stop) return;
    await call(this.session, 'DELETE', '').catch(() => {});
    this.stop();
    this.stop = null;
  }
}
