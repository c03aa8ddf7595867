//! Replays an editing trace into an Automerge text through the app's core build, one commit
//! per `commit_every` edits, for the side-by-side benchmark (bench/replay.mjs).

use automerge::transaction::Transactable;
use automerge::{ObjType, ReadDoc, ROOT};
use career_core::AutoCommit;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub struct Replayer {
    doc: AutoCommit,
    text: automerge::ObjId,
}

#[wasm_bindgen]
impl Replayer {
    #[wasm_bindgen(constructor)]
    pub fn new() -> Replayer {
        let mut doc = AutoCommit::new();
        let text = doc.put_object(ROOT, "text", ObjType::Text).unwrap();
        doc.commit();
        Replayer { doc, text }
    }

    /// Applies edits `(position, deleted, inserted)`: `inserted` holds every insertion back
    /// to back, `lengths` their byte lengths. Positions are bytes (the trace is ASCII).
    pub fn apply(
        &mut self,
        positions: &[u32],
        deleted: &[u32],
        inserted: &str,
        lengths: &[u32],
        commit_every: u32,
    ) {
        let mut at = 0usize;
        for i in 0..positions.len() {
            let len = lengths[i] as usize;
            let ins = &inserted[at..at + len];
            at += len;
            self.doc
                .splice_text(&self.text, positions[i] as usize, deleted[i] as isize, ins)
                .unwrap();
            if (i as u32 + 1) % commit_every == 0 {
                self.doc.commit();
            }
        }
        self.doc.commit();
    }

    pub fn save(&mut self) -> Vec<u8> {
        self.doc.save()
    }

    pub fn text(&self) -> String {
        self.doc.text(&self.text).unwrap()
    }

    /// Loads saved bytes; returns the text's length.
    pub fn load(bytes: &[u8]) -> usize {
        let doc = AutoCommit::load(bytes).unwrap();
        let (_, text) = doc.get(ROOT, "text").unwrap().unwrap();
        doc.length(&text)
    }
}

impl Default for Replayer {
    fn default() -> Self {
        Self::new()
    }
}
