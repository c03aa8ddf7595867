// Trunk post-build hook: moves the wasm loader Trunk writes inline into index.html to a file
// of its own (boot-<hash>.js), so no inline script is needed at all, and adds the
// Content-Security-Policy to index.html as a <meta> tag. The production server sends the
// same policy as an HTTP header, with frame-ancestors (which a <meta> cannot carry):
// deploy/caddy/Caddyfile. With no inline script the policy is the same for every build.
//
// connect-src is this site ('self', which also covers ws:// and wss:// to this same host:
// the relay at /relay) and CAREER_TALK_RELAY_ORIGINS (space-separated) at build time, by
// default a relay on this machine's loopback (the tests start their own nats-servers there).
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) throw new Error('run as a Trunk post_build hook (TRUNK_STAGING_DIR is not set)');
const file = path.join(staging, 'index.html');
let html = fs.readFileSync(file, 'utf8');

const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>([\s\S]*?)<\/script>/g)];
for (const [whole, attributes, body] of inline) {
  const name = `boot-${crypto.createHash('sha256').update(body, 'utf8').digest('hex').slice(0, 16)}.js`;
  fs.writeFileSync(path.join(staging, name), body.trim() + '\n');
  html = html.replace(whole, `<script${attributes} src="/${name}"></script>`);
}

const relay = process.env.CAREER_TALK_RELAY_ORIGINS ?? 'ws://127.0.0.1:* ws://localhost:* wss://127.0.0.1:* wss://localhost:*';
const policy = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  `connect-src 'self' ${relay}`.trim(),
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
html = html.replace(/<meta charset="utf-8" \/>/, (m) => `${m}\n    <meta http-equiv="Content-Security-Policy" content="${policy}" />`);
fs.writeFileSync(file, html);
console.log(`index.html: Content-Security-Policy; ${inline.length} inline script(s) moved to files`);
