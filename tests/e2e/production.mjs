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

/// Publishes the build in `from` into the served folder as deploy.sh does: every file but
/// index.html and sw.js first, those two last.
function publish(from, site) {
  const last = (f) => /^(index\.html|sw\.js)(\.br|\.gz)?$/.test(f);
  const files = fs.readdirSync(from, { recursive: true }).filter((f) => fs.statSync(path.join(from, f)).isFile());
  for (const f of [...files.filter((f) => !last(f)), ...files.filter(last)]) {
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
  const build = path.join(dir, 'build-1');
  copy(DIST, build);
  execFileSync('node', [path.join(ROOT, 'scripts/compress.mjs'), build], { stdio: 'ignore' });
  publish(build, site);

  const ports = { client: await freePort(), ws: await freePort(), https: await freePort(), http: await freePort() };
  const origin = `https://127.0.0.1:${ports.https}`;
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

  let builds = 1;
  return {
    url: origin,
    origin,
    dir,
    site,
    relay,
    caddy,
    /// A Chromium that accepts this Caddy's certificates (and no others it could not check).
    launch: () => launch({ args: [`--ignore-certificate-errors-spki-list=${spki.join(',')}`] }),
    /// Builds and publishes a new version: the same app with `change` made to its manifest,
    /// then the post-build steps a real build runs (sw.js with the new file list and
    /// version, compression). Returns the new service worker's version.
    async deployNewBuild(change = (m) => ({ ...m, description: `${m.description ?? ''} (build ${builds + 1})` })) {
      builds += 1;
      const next = path.join(dir, `build-${builds}`);
      copy(DIST, next);
      const manifest = path.join(next, 'public/manifest.webmanifest');
      fs.writeFileSync(manifest, JSON.stringify(change(JSON.parse(fs.readFileSync(manifest, 'utf8'))), null, 2));
      fs.rmSync(path.join(next, 'sw.js'));
      execFileSync('node', [path.join(ROOT, 'scripts/precache.mjs')], {
        env: { ...process.env, TRUNK_STAGING_DIR: next, TRUNK_SOURCE_DIR: ROOT }, stdio: 'ignore',
      });
      execFileSync('node', [path.join(ROOT, 'scripts/compress.mjs'), next], { stdio: 'ignore' });
      publish(next, site);
      return fs.readFileSync(path.join(next, 'sw.js'), 'utf8').match(/const VERSION = "([0-9a-f]+)"/)[1];
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
