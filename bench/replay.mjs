// The side-by-side replay in Node (V8), for a quick look without a browser; the benchmark
// itself runs it in one Chromium page (bench/replay.html, from bench/run.mjs).
// Usage: node bench/replay.mjs <replay pkg dir, --target nodejs> [trace.json.gz]
import fs from 'node:fs';
import zlib from 'node:zlib';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as A from '@automerge/automerge';
import * as Y from 'yjs';
import { replayAll } from './replay-lib.mjs';

const require = createRequire(import.meta.url);
const [pkgDir, tracePath = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../shared/data/automerge-paper.json.gz')] = process.argv.slice(2);
const { Replayer } = require(path.resolve(pkgDir, 'career_talk_replay.js'));
const trace = JSON.parse(zlib.gunzipSync(fs.readFileSync(tracePath)));
const out = replayAll({ Replayer, A, Y, trace, runs: Number(process.env.REPLAY_RUNS ?? 5), log: console.log });
console.log(JSON.stringify(out));
