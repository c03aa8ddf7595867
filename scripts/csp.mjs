// Trunk post-build hook: adds a Content-Security-Policy to the built index.html.
// Inline scripts are allowed only by the hash of the one Trunk writes (the wasm loader);
// anything injected later (an XSS payload) cannot run. connect-src is this site and the
// live-session relay: CAREER_TALK_RELAY_ORIGINS (space-separated) at build time, by
// default a relay on this machine (scripts/serve.sh starts one on ws://127.0.0.1:4223).
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) throw new Error('run as a Trunk post_build hook (TRUNK_STAGING_DIR is not set)');
const file = path.join(staging, 'index.html');
let html = fs.readFileSync(file, 'utf8');

const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map(
  (m) => `'sha256-${crypto.createHash('sha256').update(m[1], 'utf8').digest('base64')}'`,
);
const relay = process.env.CAREER_TALK_RELAY_ORIGINS ?? 'ws://127.0.0.1:* ws://localhost:* wss://127.0.0.1:* wss://localhost:*';
const policy = [
  "default-src 'self'",
  `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(' ')}`,
  "style-src 'self'",
  "img-src 'self' data: blob:",
  `connect-src 'self' ${relay}`,
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
html = html.replace(/<meta charset="utf-8" \/>/, (m) => `${m}\n    <meta http-equiv="Content-Security-Policy" content="${policy}" />`);
fs.writeFileSync(file, html);
console.log(`index.html: Content-Security-Policy with ${hashes.length} inline script hash(es)`);
