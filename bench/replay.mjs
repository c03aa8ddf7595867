// The side-by-side replay in Node (V8), for a quick look without a browser; the benchmark
// itself runs it in one Chromium page (bench/replay.html, from bench/run.mjs).
// Usage: node bench/replay.mjs <replay pkg dir, --target nodejs> [trace.json.gz]
// (the trace defaults to the one in the repository, bench/data/automerge-paper.json.gz)
import fs from 'node:fs';
import zlib from 'node:zlib';
import path from 'node:path';
import { createRequire } from 'node:module';
import { MADE_BY, TRACE, replayLibraries, requireInputs } from './inputs.mjs';
import { replayAll } from './replay-lib.mjs';

const require = createRequire(import.meta.url);
const [pkgDir, tracePath = TRACE] = process.argv.slice(2);
const fail = (line) => { console.error(`replay: ${line}`); process.exit(1); };
if (!pkgDir) fail('usage: node bench/replay.mjs <replay pkg dir, --target nodejs> [trace.json.gz]');
const pkg = path.resolve(pkgDir);
requireInputs([
  { file: path.join(pkg, 'career_talk_replay.js'), base: pkg, madeBy: `${MADE_BY.replay}, e.g. $BENCH_DATA/replay-z` },
  { file: path.join(pkg, 'career_talk_replay_bg.wasm'), base: pkg, madeBy: MADE_BY.replay },
  { file: path.resolve(tracePath), madeBy: path.resolve(tracePath) === TRACE ? MADE_BY.trace : 'the trace given on the command line' },
  ...replayLibraries(),
], 'replay');
// Loaded only once the inputs are known to be there, so a missing one is the message above.
const A = await import('@automerge/automerge');
const Y = await import('yjs');
const { Replayer } = require(path.join(pkg, 'career_talk_replay.js'));
let trace;
try {
  trace = JSON.parse(zlib.gunzipSync(fs.readFileSync(tracePath)));
} catch (e) {
  fail(`${tracePath} is not a gzip'd JSON editing trace (${e.message}); the repository's is bench/data/automerge-paper.json.gz`);
}
const out = replayAll({ Replayer, A, Y, trace, runs: Number(process.env.REPLAY_RUNS ?? 5), log: console.log });
console.log(JSON.stringify(out));
