// Side by side: the real editing trace automerge-paper (259,778 single-character edits) replayed
// into (a) this app's core compiled to wasm (bench/replay, the app's release settings), (b)
// @automerge/automerge (JS + wasm) and (c) yjs, with one commit/transaction per 100 edits for
// all three; then each saves and reloads. One process (Node, V8 — Chromium's engine), the
// same data, medians of RUNS. Usage: node bench/replay.mjs <replay pkg dir> [trace.json.gz]
// Prints a JSON line per library and, last, { results } for bench/run.mjs.
import fs from 'node:fs';
import zlib from 'node:zlib';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as A from '@automerge/automerge';
import * as Y from 'yjs';

const require = createRequire(import.meta.url);
const [pkgDir, tracePath = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../shared/data/automerge-paper.json.gz')] = process.argv.slice(2);
const { Replayer } = require(path.resolve(pkgDir, 'career_talk_replay.js'));
const RUNS = Number(process.env.REPLAY_RUNS ?? 5);
const EVERY = 100;

const trace = JSON.parse(zlib.gunzipSync(fs.readFileSync(tracePath)));
const edits = trace.txns.flatMap((t) => t.patches);
const end = trace.endContent;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const now = () => performance.now();

// The trace is ASCII, so code-point positions are also the byte positions the core uses.
const positions = Uint32Array.from(edits, (e) => e[0]);
const deleted = Uint32Array.from(edits, (e) => e[1]);
const inserted = edits.map((e) => e[2]).join('');
const lengths = Uint32Array.from(edits, (e) => Buffer.byteLength(e[2]));

function ours() {
  const t0 = now();
  const r = new Replayer();
  r.apply(positions, deleted, inserted, lengths, EVERY);
  const replay = now() - t0;
  if (r.text() !== end) throw new Error('core replay: wrong final text');
  const t1 = now();
  const bytes = r.save();
  const save = now() - t1;
  const t2 = now();
  const len = Replayer.load(bytes);
  const load = now() - t2;
  if (len !== end.length) throw new Error('core reload: wrong length');
  r.free();
  return { replay, save, load, bytes: bytes.length };
}

function automerge() {
  const t0 = now();
  let doc = A.from({ text: '' });
  for (let i = 0; i < edits.length; i += EVERY) {
    doc = A.change(doc, (d) => {
      for (const [pos, del, ins] of edits.slice(i, i + EVERY)) A.splice(d, ['text'], pos, del, ins);
    });
  }
  const replay = now() - t0;
  if (doc.text !== end) throw new Error('automerge replay: wrong final text');
  const t1 = now();
  const bytes = A.save(doc);
  const save = now() - t1;
  const t2 = now();
  const loaded = A.load(bytes);
  const len = loaded.text.length;
  const load = now() - t2;
  if (len !== end.length) throw new Error('automerge reload: wrong length');
  return { replay, save, load, bytes: bytes.length };
}

function yjs() {
  const t0 = now();
  const doc = new Y.Doc();
  const text = doc.getText('text');
  for (let i = 0; i < edits.length; i += EVERY) {
    doc.transact(() => {
      for (const [pos, del, ins] of edits.slice(i, i + EVERY)) {
        if (del) text.delete(pos, del);
        if (ins) text.insert(pos, ins);
      }
    });
  }
  const replay = now() - t0;
  if (text.toString() !== end) throw new Error('yjs replay: wrong final text');
  const t1 = now();
  const bytes = Y.encodeStateAsUpdate(doc);
  const save = now() - t1;
  const t2 = now();
  const other = new Y.Doc();
  Y.applyUpdate(other, bytes);
  const len = other.getText('text').length;
  const load = now() - t2;
  if (len !== end.length) throw new Error('yjs reload: wrong length');
  return { replay, save, load, bytes: bytes.length };
}

const results = {};
for (const [name, run] of [['ours', ours], ['automerge', automerge], ['yjs', yjs]]) {
  const runs = Array.from({ length: RUNS }, run);
  const pick = (k) => median(runs.map((r) => r[k]));
  results[name] = { replay: pick('replay'), save: pick('save'), load: pick('load'), bytes: runs[0].bytes };
  console.log(JSON.stringify({ name, ...results[name] }));
}
console.log(JSON.stringify({ results, edits: edits.length, every: EVERY, runs: RUNS }));
