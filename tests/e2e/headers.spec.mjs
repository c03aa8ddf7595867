// What the production server (deploy/caddy/Caddyfile) sends: the security headers on every
// response, precompressed files with their right types, caching that lets an update show at
// once and never fetches a hashed file twice, the app's routes as pages and missing files as
// 404s, no page of another site may frame the app, and only the app's own pages reach
// the relay.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { startProduction } from './production.mjs';

const DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist');
let prod;
before(async () => { prod = await startProduction(); });
after(async () => prod?.close());

/// GET `p` from the site, checking its certificate against Caddy's CA.
function get(p, headers = {}) {
  return new Promise((resolve, reject) => {
    https.get(`${prod.url}${p}`, { ca: prod.caddy.ca, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

const built = fs.readdirSync(DIST);
const file = (re) => {
  const f = built.find((n) => re.test(n));
  assert.ok(f, `no ${re} in dist/`);
  return `/${f}`;
};
const WASM = () => file(/^career-talk-[0-9a-f]{1,16}_bg\.wasm$/);
// Trunk writes its hashes in hex without leading zeros: up to 16 digits.
const HASHED = () => [WASM(), file(/^career-talk-[0-9a-f]{1,16}\.js$/), file(/^boot-[0-9a-f]{16}\.js$/), file(/^main-[0-9a-f]{1,16}\.css$/),
  // The parts loaded on demand (scripts/split.mjs) and their loader.
  file(/^split_team-[0-9a-f]{16}\.wasm$/), file(/^s-[0-9a-f]{10}\.js$/)];
const UNHASHED = ['/', '/index.html', '/sw.js', '/public/manifest.webmanifest', '/public/icon.svg', '/public/icon-192.png'];
const ROUTES = ['/people/0123456789abcdef0123456789abcdef', '/discussions/0123456789abcdef0123456789abcdef/conversation', '/settings'];
const MISSING = ['/career-talk-0000000000000000_bg.wasm', '/main-abc.css', '/nothing.js', '/public/missing.png'];

test('plain HTTP is sent to HTTPS at the same address, its port kept', async () => {
  const httpsPort = new URL(prod.url).port;
  const res = await new Promise((resolve, reject) => {
    http.get(`http://127.0.0.1:${prod.httpPort}/people/x?y=1`, (r) => { r.resume(); resolve(r); }).on('error', reject);
  });
  assert.ok([301, 308].includes(res.statusCode), `status ${res.statusCode}`);
  assert.equal(res.headers.location, `https://127.0.0.1:${httpsPort}/people/x?y=1`);
});

test('every response carries the security headers', async () => {
  for (const p of [...UNHASHED, ...HASHED(), ...ROUTES, ...MISSING]) {
    const { headers: h } = await get(p);
    const csp = h['content-security-policy'] ?? '';
    assert.match(csp, /frame-ancestors 'none'/, `${p}: ${csp}`);
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval';/, `${p}: ${csp}`);
    assert.ok(csp.includes(`connect-src 'self' wss://127.0.0.1:${new URL(prod.url).port};`), `${p}: ${csp}`);
    assert.ok(!/unsafe-inline|unsafe-eval'/.test(csp.replace("'wasm-unsafe-eval'", '')), `${p}: ${csp}`);
    assert.equal(h['x-content-type-options'], 'nosniff', p);
    assert.equal(h['referrer-policy'], 'no-referrer', p);
    assert.match(h['strict-transport-security'] ?? '', /max-age=31536000/, p);
    const pp = h['permissions-policy'] ?? '';
    for (const off of ['camera=()', 'microphone=()', 'geolocation=()', 'payment=()', 'usb=()']) assert.ok(pp.includes(off), `${p}: ${pp}`);
    assert.ok(pp.includes('web-share=(self)') && pp.includes('clipboard-write=(self)'), `${p}: ${pp}`);
  }
});

test('the wasm comes brotli-compressed as application/wasm, byte for byte the build', async () => {
  const wasm = WASM();
  const br = await get(wasm, { 'accept-encoding': 'gzip, deflate, br' });
  assert.equal(br.status, 200);
  assert.equal(br.headers['content-type'], 'application/wasm');
  assert.equal(br.headers['content-encoding'], 'br');
  const original = fs.readFileSync(path.join(DIST, wasm));
  assert.ok(br.body.length < original.length / 2, `${br.body.length} bytes sent for ${original.length}`);
  assert.ok(zlib.brotliDecompressSync(br.body).equals(original));
  // A client without brotli gets gzip; one that asks for nothing gets the file itself.
  const gz = await get(wasm, { 'accept-encoding': 'gzip' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.ok(zlib.gunzipSync(gz.body).equals(original));
  const plain = await get(wasm, { 'accept-encoding': 'identity' });
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.ok(plain.body.equals(original));
  for (const [p, type] of [['/', 'text/html'], ['/sw.js', 'text/javascript'], [file(/^main-.*\.css$/), 'text/css'],
    ['/public/manifest.webmanifest', 'application/manifest+json'], ['/public/icon.svg', 'image/svg+xml']]) {
    const r = await get(p, { 'accept-encoding': 'br' });
    assert.ok(r.headers['content-type'].startsWith(type), `${p}: ${r.headers['content-type']}`);
    assert.equal(r.headers.vary, 'Accept-Encoding', p);
  }
});

test('index.html, sw.js and the manifest are never cached; hashed files are immutable', async () => {
  for (const p of [...UNHASHED, ...ROUTES]) {
    assert.equal((await get(p)).headers['cache-control'], 'no-cache', p);
  }
  for (const p of HASHED()) {
    const r = await get(p, { 'accept-encoding': 'br' });
    assert.equal(r.status, 200, p);
    assert.equal(r.headers['cache-control'], 'public, max-age=31536000, immutable', p);
  }
});

test('the app\'s routes are its page; a missing file is a 404, never the page', async () => {
  const index = fs.readFileSync(path.join(prod.site, 'index.html'));
  for (const p of ROUTES) {
    const r = await get(p);
    assert.equal(r.status, 200, p);
    assert.ok(r.body.equals(index), `${p} is not the app's page`);
  }
  for (const p of MISSING) {
    const r = await get(p);
    assert.equal(r.status, 404, p);
    assert.notEqual(r.headers['cache-control'], 'public, max-age=31536000, immutable', p);
    assert.ok(!r.body.includes('<html'), `${p} answered with a page`);
  }
});

test('a page of another site that frames the app gets nothing', async () => {
  // The framing page, on another origin (plain loopback HTTP).
  const framer = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<!doctype html><title>Not the app</title><iframe id="f" src="${prod.url}/" width="800" height="600"></iframe>`);
  });
  await new Promise((r) => framer.listen(0, '127.0.0.1', r));
  const browser = await prod.launch();
  try {
    const page = await browser.newPage();
    const refused = page.waitForEvent('console', { predicate: (m) => /frame-ancestors|X-Frame-Options/.test(m.text()), timeout: 15000 });
    await page.goto(`http://127.0.0.1:${framer.address().port}/`);
    // The browser says it refused the frame.
    await refused;
    const frame = page.frames().find((f) => f !== page.mainFrame());
    // The browser shows its own error page in the frame: none of the app ran there.
    assert.ok(!frame || !frame.url().startsWith(prod.url) || (await frame.locator('body').innerHTML().catch(() => '')) === '',
      `the app loaded in a frame: ${frame?.url()}`);
    // The same app opened by itself works.
    const own = await browser.newPage();
    await own.goto(`${prod.url}/`);
    await own.getByTestId('manager-name').waitFor();
  } finally {
    await browser.close();
    framer.close();
  }
});

test('the relay at /relay takes WebSockets from this site\'s pages, not other sites\' pages', async () => {
  const upgrade = (origin) => new Promise((resolve, reject) => {
    const req = https.request(`${prod.url}/relay`, {
      ca: prod.caddy.ca,
      headers: {
        connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13',
        'sec-websocket-key': crypto.randomBytes(16).toString('base64'), ...(origin ? { origin } : {}),
      },
    });
    req.on('upgrade', (res, socket) => { socket.destroy(); resolve(res.statusCode); });
    req.on('response', (res) => { res.resume(); resolve(res.statusCode); });
    req.on('error', reject);
    req.end();
  });
  assert.equal(await upgrade(prod.origin), 101);
  assert.equal(await upgrade('https://evil.example'), 403);
  assert.equal(await upgrade(`http://127.0.0.1:${new URL(prod.origin).port}`), 403);
  // No Origin at all (nats-server alone would let that through): refused by Caddy. A program
  // can still claim the site's Origin; what protects a discussion is its key.
  assert.equal(await upgrade(undefined), 403);
});

test('sw.js keeps every file of the build for offline use', async () => {
  const sw = (await get('/sw.js')).body.toString();
  const listed = JSON.parse(sw.match(/const PRECACHE = (\[[\s\S]*?\]);/)[1]);
  const files = fs.readdirSync(DIST, { recursive: true })
    .filter((f) => fs.statSync(path.join(DIST, f)).isFile() && f !== 'sw.js' && f !== 'public/sw.js')
    .map((f) => (f === 'index.html' ? '/index.html' : `/${f}`));
  for (const f of files) assert.ok(listed.includes(f), `${f} is not kept for offline use`);
  for (const f of listed) assert.equal((await get(f)).status, 200, `${f} is listed but not served`);
});
