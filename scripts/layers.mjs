// Checks the shape of the house (run by scripts/test.sh): the core's layers point only down
// (core/src/lib.rs lists them), and the app's modules (src/) import each other without a
// circle. Reads `use crate::…` and `crate::…` paths; prints every arrow that breaks a rule.
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

function files(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : p.endsWith('.rs') ? [p] : [];
  });
}

// The module a file is (`src/pages/discussion/mod.rs` → pages::discussion).
function moduleOf(src, file) {
  const parts = path.relative(src, file).replace(/\.rs$/, '').split(path.sep);
  if (['mod', 'lib', 'main'].includes(parts.at(-1))) parts.pop();
  return parts;
}

// Every `crate::a::b…` path a file names, outside comments (with `use crate::{a, b::c}`
// groups opened one level).
function cratePaths(text) {
  const code = text.replace(/\/\/.*$/gm, '');
  const out = [];
  for (const m of code.matchAll(/crate::([A-Za-z_][\w:]*)(::\{([^}]*)\})?/g)) {
    if (m[3] !== undefined) {
      for (const item of m[3].split(',')) {
        const name = item.trim().split(/\s|::/)[0];
        if (name && name !== 'self') out.push(`${m[1]}::${name}`.split('::'));
        else if (name === 'self') out.push(m[1].split('::'));
      }
    } else {
      out.push(m[1].split('::'));
    }
  }
  return out;
}

let broken = 0;

// 1. The core: a layer may name only the layers below it (and itself).
const LAYERS = [['text', 'doc'], ['model', 'error'], ['share'], ['live'], ['storage'], ['reports'], ['workspace']];
const rank = Object.fromEntries(LAYERS.flatMap((names, i) => names.map((n) => [n, i])));
const coreSrc = path.join(ROOT, 'core/src');
for (const file of files(coreSrc)) {
  const from = moduleOf(coreSrc, file)[0];
  if (from === undefined || rank[from] === undefined) continue;
  for (const p of cratePaths(fs.readFileSync(file, 'utf8'))) {
    const to = p[0];
    if (rank[to] !== undefined && rank[to] > rank[from]) {
      console.log(`core: ${path.relative(ROOT, file)} (${from}) points up to ${p.join('::')}`);
      broken++;
    }
  }
}

// 2. The app: no circle between its modules (a module and its submodules are one node;
// a parent naming its children, e.g. declaring and re-exporting them, is not an arrow).
const appSrc = path.join(ROOT, 'src');
const mods = files(appSrc).map((f) => moduleOf(appSrc, f).join('::')).filter(Boolean);
const known = new Set(mods);
const edges = new Map(mods.map((m) => [m, new Set()]));
for (const file of files(appSrc)) {
  const from = moduleOf(appSrc, file).join('::');
  if (!from) continue;
  for (const p of cratePaths(fs.readFileSync(file, 'utf8'))) {
    // The longest known module the path names.
    let to = null;
    for (let i = p.length; i > 0 && !to; i--) if (known.has(p.slice(0, i).join('::'))) to = p.slice(0, i).join('::');
    if (!to || to === from || to.startsWith(from + '::') || from.startsWith(to + '::')) continue;
    edges.get(from).add(to);
  }
}
// Tarjan's strongly connected components: any with more than one module is a circle.
let index = 0;
const idx = new Map(), low = new Map(), stack = [], on = new Set();
function visit(v) {
  idx.set(v, index); low.set(v, index); index++; stack.push(v); on.add(v);
  for (const w of edges.get(v)) {
    if (!idx.has(w)) { visit(w); low.set(v, Math.min(low.get(v), low.get(w))); }
    else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const scc = [];
    let w;
    do { w = stack.pop(); on.delete(w); scc.push(w); } while (w !== v);
    if (scc.length > 1) {
      const arrows = scc.flatMap((a) => [...edges.get(a)].filter((b) => scc.includes(b)).map((b) => `${a} → ${b}`));
      console.log(`app: a circle between ${scc.join(', ')}: ${arrows.join('; ')}`);
      broken++;
    }
  }
}
for (const m of mods) if (!idx.has(m)) visit(m);

if (broken) {
  console.log(`${broken} arrow(s) against the layers`);
  process.exit(1);
}
console.log(`layers: the core's ${Object.keys(rank).length} parts point only down; the app's ${mods.length} modules have no circle`);
