// The side-by-side replay itself, for a page or for Node: the editing trace automerge-paper
// replayed into (a) this app's core compiled to wasm (bench/replay), (b) @automerge/automerge
// and (c) yjs, one commit/transaction per `every` edits for all three, then each saves and
// reloads. The caller passes the libraries in, so the same code runs wherever it loads them.

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const now = () => performance.now();

export function replayAll({ Replayer, A, Y, trace, runs = 5, every = 100, log = () => {} }) {
  const edits = trace.txns.flatMap((t) => t.patches);
  const end = trace.endContent;
  const utf8 = new TextEncoder();
  // The trace is ASCII, so code-point positions are also the byte positions the core uses.
  const positions = Uint32Array.from(edits, (e) => e[0]);
  const deleted = Uint32Array.from(edits, (e) => e[1]);
  const inserted = edits.map((e) => e[2]).join('');
  const lengths = Uint32Array.from(edits, (e) => utf8.encode(e[2]).length);

  function ours() {
    const t0 = now();
    const r = new Replayer();
    r.apply(positions, deleted, inserted, lengths, every);
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
    for (let i = 0; i < edits.length; i += every) {
      doc = A.change(doc, (d) => {
        for (const [pos, del, ins] of edits.slice(i, i + every)) A.splice(d, ['text'], pos, del, ins);
      });
    }
    const replay = now() - t0;
    if (doc.text !== end) throw new Error('automerge replay: wrong final text');
    const t1 = now();
    const bytes = A.save(doc);
    const save = now() - t1;
    const t2 = now();
    const len = A.load(bytes).text.length;
    const load = now() - t2;
    if (len !== end.length) throw new Error('automerge reload: wrong length');
    return { replay, save, load, bytes: bytes.length };
  }

  function yjs() {
    const t0 = now();
    const doc = new Y.Doc();
    const text = doc.getText('text');
    for (let i = 0; i < edits.length; i += every) {
      doc.transact(() => {
        for (const [pos, del, ins] of edits.slice(i, i + every)) {
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
    const all = Array.from({ length: runs }, run);
    const pick = (k) => median(all.map((r) => r[k]));
    results[name] = { replay: pick('replay'), save: pick('save'), load: pick('load'), bytes: all[0].bytes };
    log(JSON.stringify({ name, ...results[name] }));
  }
  return { results, edits: edits.length, every, runs };
}
