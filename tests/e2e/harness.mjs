// Test harness: serves the built app (dist/) on loopback with the single-page-app fallback
// a real host needs, and launches Debian's Chromium through playwright-core.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = path.join(ROOT, 'dist');
export const ARTIFACTS = path.join(ROOT, 'tests/e2e/artifacts');

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/// `overrides` maps a path to a function that rewrites that file's body as served (used to
/// stand in for "a new build was deployed").
/// `dist`: another build to serve (the benchmarks compare builds with BENCH_DIST).
export async function startServer(overrides = {}, { dist = DIST } = {}) {
  const root = path.resolve(dist);
  if (!fs.existsSync(path.join(root, 'index.html'))) {
    throw new Error(`${root}/index.html is missing: run "trunk build --release" first`);
  }
  const server = http.createServer((req, res) => {
    // A browser closed mid-request resets its socket: nothing to answer any more.
    req.on('error', () => {});
    res.on('error', () => {});
    const url = new URL(req.url, 'http://localhost');
    let file = path.join(root, decodeURIComponent(url.pathname));
    if (!file.startsWith(root) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      file = path.join(root, 'index.html'); // SPA fallback: routes are client-side
    }
    res.writeHead(200, {
      'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
    });
    const rel = '/' + path.relative(root, file).split(path.sep).join('/');
    const rewrite = overrides[rel];
    if (rewrite) res.end(rewrite(fs.readFileSync(file, 'utf8')));
    else fs.createReadStream(file).on('error', () => res.destroy()).pipe(res);
  });
  server.on('clientError', (_, socket) => socket.destroy());
  // No relay behind this server: a socket to its /relay is answered 503 (the app says
  // "offline"), as a production server with its relay down would.
  server.on('upgrade', (req, socket) => socket.end('HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((r) => {
      server.closeAllConnections();
      server.close(r);
    }),
  };
}

/// `args`: more command-line switches (production.mjs trusts its server's certificate so).
export async function launch({ args = [] } = {}) {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ...args,
    ],
  });
}

// The browser's own line when a relay socket on loopback fails: nothing listening, or the
// test server's 503 (no relay behind it).
const REFUSED = /^WebSocket connection to 'wss?:\/\/127\.0\.0\.1:\d+\/(relay)?' failed: (.*ERR_CONNECTION_REFUSED|Error during WebSocket handshake: Unexpected response code: 503)/;

/// Fails the test on any uncaught error in the app on `page`: returns the list the page's
/// errors land in (`errors` if given, shared between pages).
export function collectErrors(page, errors = []) {
  page.on('pageerror', (e) => errors.push(e));
  page.on('console', (m) => {
    // A paired discussion reaches for the relay, and tests without one refuse the socket:
    // the browser logs that itself (the app shows "offline"; tests that need to know check
    // the sync line).
    if (m.type() === 'error' && !REFUSED.test(m.text())) errors.push(new Error(m.text()));
  });
  return errors;
}

/// A server, a browser and a fresh context (its own localStorage) with a page that fails
/// the test on any uncaught error in the app.
/// `bypassCSP` lets a test inject tools (axe-core) that the app's policy rightly refuses.
/// `locale` is the browser's language (dates follow it); Chromium's own is en-US.
/// `device` overrides the context's options (a tablet's viewport and touch, say).
export async function setUp({ overrides, bypassCSP = false, locale, device = {} } = {}) {
  const server = await startServer(overrides);
  const browser = await launch();
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, bypassCSP, locale, ...device });
  const page = await context.newPage();
  const errors = collectErrors(page);
  return {
    server, browser, context, page, errors,
    async tearDown() {
      await browser.close();
      await server.close();
    },
  };
}

/// Runs axe-core on the page; returns its violations of any impact.
export async function accessibilityProblems(page) {
  await page.addScriptTag({ path: path.join(ROOT, 'node_modules/axe-core/axe.min.js') });
  const result = await page.evaluate(async () => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')}`);
}

/// The whole page, or with `fullPage: false` what the screen shows (a sheet over the page).
export async function screenshot(page, name, { fullPage = true } = {}) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage });
}
