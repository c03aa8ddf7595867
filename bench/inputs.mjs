// The benchmarks' input files, checked before a run: a missing or unreadable one is one line
// naming it and what produces it, and a non-zero exit, rather than a crash half-way through.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/// The automerge-paper editing trace, kept in the repository (source and licence: bench/data/README.md).
export const TRACE = path.join(ROOT, 'bench/data/automerge-paper.json.gz');

/// What produces each kind of input, for the message when one is missing.
export const MADE_BY = {
  trace: 'it is part of the repository (bench/data/README.md); restore it with "git checkout -- bench/data/automerge-paper.json.gz"',
  dist: 'the release build, made by "trunk build --release" (./scripts/bench.sh runs it)',
  data: 'written by "cargo run --release -p career-core --example bench_data -- <dir>" (./scripts/bench.sh runs it into $BENCH_DATA)',
  replay: 'the core compiled to wasm for the replay, built by ./scripts/bench.sh (build_replay)',
  floor: 'the bundle floor, built by ./scripts/bench.sh ($FLOOR_PKG)',
  npm: 'installed by scripts/setup.sh (npm ci)',
};

/// Why `file` cannot be used, or null when it is there and readable.
export function problem(file, { dir = false } = {}) {
  let st;
  try {
    st = fs.statSync(file);
  } catch (e) {
    return e.code === 'ENOENT' || e.code === 'ENOTDIR' ? 'is missing' : `cannot be read (${e.code})`;
  }
  if (dir && !st.isDirectory()) return 'is not a directory';
  if (!dir && st.isDirectory()) return 'is a directory, not a file';
  try {
    fs.accessSync(file, dir ? fs.constants.R_OK | fs.constants.X_OK : fs.constants.R_OK);
    if (!dir) fs.closeSync(fs.openSync(file, 'r'));
  } catch (e) {
    return `cannot be read (${e.code})`;
  }
  return null;
}

const shown = (p) => {
  const rel = path.relative(ROOT, p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
};

/// One line per unusable input. `inputs`: { file, madeBy, dir?, base? }; when `base` (the
/// directory the file should be in) is itself unusable, that directory is named once instead.
export function inputProblems(inputs) {
  const lines = [];
  const seen = new Set();
  for (const { file, madeBy, dir = false, base } of inputs) {
    const baseProblem = base ? problem(base, { dir: true }) : null;
    const [target, why] = baseProblem ? [base, baseProblem] : [file, problem(file, { dir })];
    if (!why || seen.has(target)) continue;
    seen.add(target);
    lines.push(`${shown(target)} ${why}: ${madeBy}`);
  }
  return lines;
}

/// Prints the problems (if any) to stderr, one line each prefixed by `who`, and exits with status 1.
export function requireInputs(inputs, who) {
  const lines = inputProblems(inputs);
  if (!lines.length) return;
  for (const line of lines) console.error(`${who}: ${line}`);
  process.exit(1);
}

/// The npm libraries the replay loads (bench/replay-lib.mjs, bench/page-server.mjs).
export const replayLibraries = () => ['@automerge/automerge', 'yjs', 'lib0', 'isomorphic.js']
  .map((pkg) => ({ file: path.join(ROOT, 'node_modules', pkg, 'package.json'), base: path.join(ROOT, 'node_modules'), madeBy: MADE_BY.npm }));
