// The production set-up, as scripts/deploy.sh runs it, on loopback: the built app compressed
// by scripts/compress.mjs into a served folder, the relay from deploy/nats/relay.conf
// (JetStream, the mailbox stream made by create-stream.sh) and Caddy from
// deploy/caddy/Caddyfile with `tls internal` (its own CA) in front of both. Chromium is told
// to accept that CA's certificates through their public keys (nothing else is trusted).
import { execFileSync, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { launch } from './harness.mjs';
import { freePort, waitForPort } from './relay.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = path.join(ROOT, 'dist');
const NATS = fs.existsSync('/usr/sbin/nats-server') ? '/usr/sbin/nats-server' : 'nats-server';
export const OPERATOR = { user: 'operator', pass: 'operator-password-for-this-test' };

function copy(from, to) {
  fs.cpSync(from, to, { recursive: true });
}

/// Publishes the build in `from` into the served folder in deploy.sh's order: every file but
/// index.html and sw.js, then index.html, sw.js last.
function publish(from, site) {
  const rank = (f) => (/^index\.html/.test(f) ? 1 : /^sw\.js/.test(f) ? 2 : 0);
  const files = fs.readdirSync(from, { recursive: true }).filter((f) => fs.statSync(path.join(from, f)).isFile());
  for (const f of files.sort((a, b) => rank(a) - rank(b))) {
    fs.mkdirSync(path.dirname(path.join(site, f)), { recursive: true });
    fs.copyFileSync(path.join(from, f), path.join(site, f));
  }
}

async function answers(url, ca, ms = 15000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await new Promise((resolve) => {
      https.get(url, { ca }, (res) => { res.resume(); resolve(res.statusCode === 200); }).on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`Caddy did not answer on ${url}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/// Starts the relay and Caddy; returns the site's URL and handles to both.
export async function startProduction() {
  if (!fs.existsSync(path.join(DIST, 'index.html'))) throw new Error('dist/index.html is missing: run "trunk build --release" first');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ct-production-'));
  const site = path.join(dir, 'site');
  const ports = { client: await freePort(), ws: await freePort(), https: await freePort(), http: await freePort() };
  const origin = `https://127.0.0.1:${ports.https}`;
  let builds = 0;
  /// The post-build steps of a release build for this origin, as deploy.sh runs them on
  /// dist/: the <meta> policy names this site's relay only (scripts/csp.mjs with
  /// CAREER_TALK_RELAY_ORIGINS; dist/ was built for the tests' loopback relays), `change`
  /// made to the manifest, sw.js written anew (scripts/precache.mjs), every file compressed
  /// (scripts/compress.mjs). Returns the folder and its service worker's version.
  function release(change) {
    builds += 1;
    const out = path.join(dir, `build-${builds}`);
    copy(DIST, out);
    const index = path.join(out, 'index.html');
    const html = fs.readFileSync(index, 'utf8');
    const meta = html.replace(/connect-src [^;"]*/, `connect-src 'self' wss://127.0.0.1:${ports.https}`);
    if (meta === html) throw new Error('dist/index.html has no connect-src to set');
    fs.writeFileSync(index, meta);
    if (change) {
      const manifest = path.join(out, 'public/manifest.webmanifest');
      fs.writeFileSync(manifest, JSON.stringify(change(JSON.parse(fs.readFileSync(manifest, 'utf8'))), null, 2));
    }
    fs.rmSync(path.join(out, 'sw.js'));
    execFileSync('node', [path.join(ROOT, 'scripts/precache.mjs')], {
      env: { ...process.env, TRUNK_STAGING_DIR: out, TRUNK_SOURCE_DIR: ROOT }, stdio: 'ignore',
    });
    execFileSync('node', [path.join(ROOT, 'scripts/compress.mjs'), out], { stdio: 'ignore' });
    return { out, version: fs.readFileSync(path.join(out, 'sw.js'), 'utf8').match(/const VERSION = "([0-9a-f]+)"/)[1] };
  }
  publish(release().out, site);
  const log = (name) => fs.openSync(path.join(dir, `${name}.log`), 'a');

  const relay = {
    port: ports.client,
    proc: null,
    async start() {
      this.proc = spawn(NATS, ['-c', path.join(ROOT, 'deploy/nats/relay.conf')], {
        stdio: ['ignore', log('nats'), log('nats')],
        env: {
          ...process.env,
          CT_NODE: 'relay-1',
          CT_CLIENT_LISTEN: `127.0.0.1:${ports.client}`,
          CT_WS_LISTEN: `127.0.0.1:${ports.ws}`,
          CT_APP_ORIGIN: origin,
          CT_STORE: path.join(dir, 'nats'),
          CT_APP_PASSWORD: 'app-password-for-this-test',
          CT_OPERATOR_PASSWORD: OPERATOR.pass,
        },
      });
      await waitForPort(ports.client);
      await waitForPort(ports.ws);
    },
  };
  await relay.start();
  execFileSync(path.join(ROOT, 'deploy/nats/create-stream.sh'), [String(ports.client), '1'], {
    env: { ...process.env, CT_OPERATOR_PASSWORD: OPERATOR.pass }, stdio: 'pipe',
  });

  const caddyData = path.join(dir, 'caddy');
  const caddy = {
    proc: null,
    async start() {
      this.proc = spawn('caddy', ['run', '--config', path.join(ROOT, 'deploy/caddy/Caddyfile'), '--adapter', 'caddyfile'], {
        stdio: ['ignore', log('caddy'), log('caddy')],
        env: {
          ...process.env,
          CT_SITE: '127.0.0.1', CT_TLS: 'internal',
          CT_HTTPS_PORT: String(ports.https), CT_HTTP_PORT: String(ports.http), CT_CADDY_ADMIN: 'off',
          CT_DIST: site, CT_RELAY_UPSTREAMS: `127.0.0.1:${ports.ws}`,
          XDG_DATA_HOME: caddyData, XDG_CONFIG_HOME: caddyData,
        },
      });
      const root = path.join(caddyData, 'caddy/pki/authorities/local/root.crt');
      const deadline = Date.now() + 15000;
      while (!fs.existsSync(root)) {
        if (Date.now() > deadline) throw new Error(`Caddy made no CA; see ${dir}/caddy.log`);
        await new Promise((r) => setTimeout(r, 100));
      }
      this.ca = fs.readFileSync(root);
      await answers(`${origin}/`, this.ca);
    },
    async stop() {
      const p = this.proc;
      this.proc = null;
      if (p) await new Promise((r) => { p.once('exit', r); p.kill('SIGTERM'); });
    },
  };
  await caddy.start();

  // The public keys of the certificates Caddy presents (its site certificate and the CA's
  // intermediate), for Chromium's --ignore-certificate-errors-spki-list.
  const spki = await new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port: ports.https, ca: caddy.ca, }, () => {
      const hashes = [];
      for (let c = s.getPeerCertificate(true), seen = new Set(); c && !seen.has(c.fingerprint256); c = c.issuerCertificate) {
        seen.add(c.fingerprint256);
        const key = new crypto.X509Certificate(c.raw).publicKey.export({ type: 'spki', format: 'der' });
        hashes.push(crypto.createHash('sha256').update(key).digest('base64'));
      }
      s.end();
      resolve(hashes);
    });
    s.on('error', reject);
  });

  return {
    url: origin,
    origin,
    /// Caddy's plain HTTP port (it only redirects).
    httpPort: ports.http,
    dir,
    site,
    relay,
    caddy,
    /// A Chromium that accepts this Caddy's certificates (and no others it could not check).
    launch: () => launch({ args: [`--ignore-certificate-errors-spki-list=${spki.join(',')}`] }),
    /// Publishes a new version: the same app with its manifest changed (so every step after
    /// the compiler runs again and the service worker's version changes). Returns that
    /// version.
    async deployNewBuild(change = (m) => ({ ...m, description: `${m.description ?? ''} (build ${builds + 1})` })) {
      const { out, version } = release(change);
      publish(out, site);
      return version;
    },
    async close() {
      await caddy.stop();
      const p = relay.proc;
      if (p) await new Promise((r) => { p.once('exit', r); p.kill('SIGKILL'); });
      if (process.env.KEEP_PRODUCTION) console.log(`production files kept in ${dir}`);
      else fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
