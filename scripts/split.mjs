// Trunk post-build hook, the first of three (then csp.mjs, precache.mjs): splits the app's
// wasm into the first module and the parts loaded when first opened (the `wasm_split`
// function `part` at the end of each such page), and puts the result in place of the
// single module Trunk built.
//
// Trunk 0.21 cannot split (trunk-rs/trunk#1022), so this does what cargo-leptos does, on the
// module cargo linked (with relocations: .cargo/config.toml):
//   1. wasm-split (crate wasm_split_cli_support, installed by scripts/setup.sh) writes the
//      first module, one module per part (and per chunk shared by parts) and the loader
//      __wasm_split.js that fetches and instantiates them against the first module;
//   2. wasm-bindgen (--keep-lld-exports: the parts use the first module's exports) makes the
//      first module's JavaScript, as Trunk would;
//   3. in release builds, wasm-opt -Oz on every module (Trunk's own pass is off:
//      data-wasm-opt="0" in index.html);
//   4. every file gets a content-derived name, so the production server can cache them for
//      a year (deploy/caddy/Caddyfile) and one build's files never mix with another's; the
//      loader's name is patched into the first module in place (the same length), and
//      index.html refers to the new names with their integrity hashes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';

const staging = process.env.TRUNK_STAGING_DIR;
if (!staging) throw new Error('run as a Trunk post_build hook (TRUNK_STAGING_DIR is not set)');
const release = process.env.TRUNK_PROFILE === 'release';
const NAME = 'career-talk';
const LOADER = './__wasm_split.js'; // the module name wasm-split gives the loader

const run = (cmd, args) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
const targetDir = JSON.parse(run('cargo', ['metadata', '--format-version', '1', '--no-deps', '--offline'])).target_directory;
const linked = path.join(targetDir, 'wasm32-unknown-unknown', release ? 'release' : 'debug', `${NAME}.wasm`);
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'career-talk-split-'));
try {
  const split = path.join(work, 'split');
  run('wasm-split-cli', [linked, split, '--out-name', NAME]);
  const bindgen = path.join(work, 'bindgen');
  run('wasm-bindgen', ['--target', 'web', '--keep-lld-exports', '--no-demangle', '--no-typescript',
    '--out-dir', bindgen, '--out-name', NAME, path.join(split, `${NAME}.wasm`)]);

  const parts = fs.readdirSync(split).filter((f) => f.endsWith('.wasm') && f !== `${NAME}.wasm`).sort();
  const mainWasm = path.join(bindgen, `${NAME}_bg.wasm`);
  if (release) {
    for (const f of [mainWasm, ...parts.map((p) => path.join(split, p))]) {
      // KEEP_NAMES=1 keeps the functions' names, for a profile (bench/profile-typing.mjs).
      run('wasm-opt', ['-Oz', ...(process.env.KEEP_NAMES ? ['-g'] : []), f, '-o', f]);
    }
  }

  const digest = (...buffers) => {
    const h = crypto.createHash('sha256');
    for (const b of buffers) h.update(b);
    return h.digest('hex');
  };
  // The parts, named by their contents.
  const renamed = new Map();
  for (const p of parts) {
    const bytes = fs.readFileSync(path.join(split, p));
    const name = `${p.replace(/\.wasm$/, '').replace(/[^A-Za-z0-9_]/g, '_')}-${digest(bytes).slice(0, 16)}.wasm`;
    fs.writeFileSync(path.join(staging, name), bytes);
    renamed.set(p, name);
  }
  // One id for the three files that refer to each other (first module, its JavaScript, the
  // loader): a hash of everything they are made from.
  let js = fs.readFileSync(path.join(bindgen, `${NAME}.js`), 'utf8');
  let wasm = fs.readFileSync(mainWasm);
  let loader = fs.readFileSync(path.join(split, '__wasm_split.js'), 'utf8');
  const id = digest(js, wasm, loader, [...renamed.values()].join()).slice(0, 16);
  const names = { js: `${NAME}-${id}.js`, wasm: `${NAME}-${id}_bg.wasm`, loader: `s-${id.slice(0, 10)}.js` };
  const loaderRef = `./${names.loader}`;
  if (loaderRef.length !== LOADER.length) throw new Error('the loader name must keep its length');

  const replaceAll = (text, from, to) => {
    if (!text.includes(from)) throw new Error(`split: expected ${from} in the output`);
    return text.split(from).join(to);
  };
  for (const [from, to] of renamed) loader = replaceAll(loader, `"./${from}"`, `"./${to}"`);
  loader = replaceAll(loader, `"./${NAME}.js"`, `"./${names.js}"`);
  js = replaceAll(js, `"${LOADER}"`, `"${loaderRef}"`);
  js = js.split(`'${NAME}_bg.wasm'`).join(`'${names.wasm}'`);
  // The module's imports name the loader; the new name has the same length, so the bytes
  // are replaced in place.
  const from = Buffer.from(LOADER), to = Buffer.from(loaderRef);
  let at = wasm.indexOf(from), patched = 0;
  for (; at !== -1; at = wasm.indexOf(from, at + from.length), patched++) to.copy(wasm, at);
  if (patched === 0) throw new Error('split: the first module does not import the loader');

  fs.writeFileSync(path.join(staging, names.js), js);
  fs.writeFileSync(path.join(staging, names.wasm), wasm);
  fs.writeFileSync(path.join(staging, names.loader), loader);

  // Trunk's single module out, ours in.
  const index = path.join(staging, 'index.html');
  let html = fs.readFileSync(index, 'utf8');
  const trunkJs = html.match(new RegExp(`/(${NAME}-[0-9a-f]+\\.js)`))?.[1];
  const trunkWasm = html.match(new RegExp(`/(${NAME}-[0-9a-f]+_bg\\.wasm)`))?.[1];
  if (!trunkJs || !trunkWasm) throw new Error('split: index.html does not load the app as Trunk writes it');
  const sri = (file) => `sha384-${crypto.createHash('sha384').update(fs.readFileSync(path.join(staging, file))).digest('base64')}`;
  for (const [old, now] of [[trunkJs, names.js], [trunkWasm, names.wasm]]) {
    html = html.replace(new RegExp(`(<link[^>]*href="/${old}"[^>]*integrity=")[^"]*"`), `$1${sri(now)}"`);
    html = replaceAll(html, `/${old}`, `/${now}`);
    fs.rmSync(path.join(staging, old));
  }
  // The loader is imported by the first module's JavaScript: fetched beside it, not after.
  html = html.replace(/(<link rel="modulepreload"[^>]*>)/, `$1\n<link rel="modulepreload" href="/${names.loader}" crossorigin="anonymous" integrity="${sri(names.loader)}">`);
  fs.writeFileSync(index, html);
  const size = (f) => `${Math.round(fs.statSync(path.join(staging, f)).size / 1024)} KB`;
  console.log(`split: first module ${size(names.wasm)}; ${renamed.size} on demand: ${[...renamed.values()].map((f) => `${f} ${size(f)}`).join(', ')}`);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}
