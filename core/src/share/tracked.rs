//! What a merge did to one text field, read from the document's history rather than from
//! the two texts: every character in Automerge has an identity (the operation that inserted
//! it, and so its author), so the characters present before and after line up exactly, a
//! removed character is known to be removed (not retyped), and the change that removed it
//! names who did.
//!
//! The character alignment is shown in words ([`super::words`]): a word with any changed
//! character is shown removed and added whole, so the review reads like tracked changes.

use std::collections::{HashMap, HashSet};

use automerge::transaction::Transactable;
use automerge::{ActorId, AutoCommit, ChangeHash, ObjId, ReadDoc, ValueRef};

use crate::error::EditError;
use crate::text::words::{fold_runs, needs_space, tokenize, Absorb, Mark, Replaced, Run, Token};

/// One character of a text and the operation that inserted it.
pub(crate) type Elem = (ObjId, char);

/// The characters of the text `obj` as the document reads now (or as isolated).
pub(crate) fn elems(doc: &AutoCommit, obj: &ObjId) -> Vec<Elem> {
    doc.list_range(obj, ..)
        .filter_map(|item| {
            let c = match &item.value {
                ValueRef::Scalar(automerge::ScalarValueRef::Str(s)) => s.chars().next(),
                _ => None,
            }?;
            Some((item.id(), c))
        })
        .collect()
}

pub(crate) fn actor_of(id: &ObjId) -> Option<&ActorId> {
    match id {
        ObjId::Id(_, actor, _) => Some(actor),
        ObjId::Root => None,
    }
}

/// Who removed which character, and when each object was last touched, from the changes
/// a review covers.
#[derive(Default)]
pub(crate) struct History {
    /// A character removed by the other side (its insert operation) → the actor whose
    /// change removed it. This device's own removals are not read.
    pub removed_by: HashMap<(u64, ActorId), ActorId>,
    /// An object's id → the time of the latest change by the other side that touched it.
    pub touched: HashMap<(u64, ActorId), i64>,
    /// The time of the latest change by the other side.
    pub latest: Option<i64>,
    /// The other side's changes by actor: (first op, last op, time), sorted.
    ops: HashMap<ActorId, Vec<(u64, u64, i64)>>,
    /// Characters (and list items) this device's own changes in the range removed.
    removed_by_me: HashSet<(u64, ActorId)>,
}

fn key_of(id: &ObjId) -> Option<(u64, ActorId)> {
    match id {
        ObjId::Id(ctr, actor, _) => Some((*ctr, actor.clone())),
        ObjId::Root => None,
    }
}

impl History {
    /// Reads the changes in the history of `to` that are not in the history of `from`:
    /// their times from the changes' metadata and, when `removals` is asked for (some
    /// removed words were this device's), who removed what from the decoded operations.
    pub(crate) fn between(
        doc: &mut AutoCommit,
        from: &[ChangeHash],
        to: &[ChangeHash],
        mine: &dyn Fn(&ActorId) -> bool,
        removals: bool,
    ) -> History {
        let metas: HashMap<ChangeHash, (ActorId, u64, u64, i64, Vec<ChangeHash>)> = doc
            .get_changes_meta(from)
            .into_iter()
            .map(|m| {
                let actor = m.actor.into_owned();
                (m.hash, (actor, m.start_op, m.max_op, m.timestamp, m.deps))
            })
            .collect();
        let mut seen = HashSet::new();
        let mut stack: Vec<ChangeHash> = to.to_vec();
        let mut out = History::default();
        let (mut theirs, mut ours) = (Vec::new(), Vec::new());
        while let Some(h) = stack.pop() {
            if !seen.insert(h) {
                continue;
            }
            let Some((actor, start, max, time, deps)) = metas.get(&h) else {
                continue;
            };
            stack.extend(deps.iter().copied());
            if mine(actor) {
                ours.push(h);
                continue;
            }
            theirs.push(h);
            out.latest = Some(out.latest.map_or(*time, |t| t.max(*time)));
            out.ops
                .entry(actor.clone())
                .or_default()
                .push((*start, *max, *time));
        }
        for ranges in out.ops.values_mut() {
            ranges.sort_unstable();
        }
        // This device's own changes in the range (sent, and back with the other side's):
        // what they removed is not the other side's doing.
        for h in ours {
            let Some(change) = doc.get_change_by_hash(&h).map(|c| c.decode()) else {
                continue;
            };
            for op in &change.operations {
                use automerge::legacy::{ElementId, Key, OpType};
                if let (OpType::Delete, Key::Seq(ElementId::Id(e))) = (&op.action, &op.key) {
                    out.removed_by_me.insert((e.0, e.1.clone()));
                }
            }
        }
        if !removals {
            return out;
        }
        for h in theirs {
            let Some(change) = doc.get_change_by_hash(&h).map(|c| c.decode()) else {
                continue;
            };
            for op in &change.operations {
                use automerge::legacy::{ElementId, Key, ObjectId, OpType};
                if let ObjectId::Id(o) = &op.obj {
                    let t = out.touched.entry((o.0, o.1.clone())).or_insert(change.time);
                    *t = (*t).max(change.time);
                }
                if let (OpType::Delete, Key::Seq(ElementId::Id(e))) = (&op.action, &op.key) {
                    out.removed_by
                        .insert((e.0, e.1.clone()), change.actor_id.clone());
                }
            }
        }
        out
    }

    /// Whether this device removed `id` itself (and the other side did not).
    pub(crate) fn removed_by_me(&self, id: &ObjId) -> bool {
        key_of(id)
            .is_some_and(|k| self.removed_by_me.contains(&k) && !self.removed_by.contains_key(&k))
    }

    /// When the other side's operation `id` was made (for an inserted character).
    pub(crate) fn time_of(&self, id: &ObjId) -> Option<i64> {
        let ObjId::Id(ctr, actor, _) = id else {
            return None;
        };
        let ranges = self.ops.get(actor)?;
        let i = ranges.partition_point(|(start, _, _)| start <= ctr);
        let (start, max, time) = ranges.get(i.checked_sub(1)?)?;
        (start <= ctr && ctr <= max).then_some(*time)
    }

    pub(crate) fn touched(&self, obj: &ObjId) -> Option<i64> {
        key_of(obj).and_then(|k| self.touched.get(&k).copied())
    }

    fn removed_by(&self, id: &ObjId) -> Option<&ActorId> {
        key_of(id).and_then(|k| self.removed_by.get(&k))
    }
}

/// A run of a tracked text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tracked {
    pub mark: Mark,
    pub text: String,
    /// For removed text with words of yours the other side removed: how *Restore* puts
    /// it back.
    pub restore: Option<Restore>,
    /// How many of the removed words here were yours, removed by the other side.
    pub yours: usize,
    /// Whether this device already put the removed words back.
    pub restored: bool,
}

/// Where and what *Restore* puts back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Restore {
    /// The character it goes after (`ctr@actor`), or the start of the text.
    pub after: Option<String>,
    pub text: String,
    /// Names the removed run (its first removed character), to show it as restored.
    pub key: String,
}

enum Op {
    Keep(usize, usize),
    Del(usize),
    Ins(usize),
}

/// The token index of every character.
fn token_of(elems: &[Elem], text: &str, tokens: &[Token]) -> Vec<usize> {
    let mut out = Vec::with_capacity(elems.len());
    let (mut at, mut t) = (0usize, 0usize);
    for (_, c) in elems {
        while t + 1 < tokens.len() && tokens[t].range.end <= at {
            t += 1;
        }
        out.push(t);
        at += c.len_utf8();
    }
    debug_assert_eq!(at, text.len());
    out
}

/// Lines up the characters before (`a`) and after (`b`) and shows the change in words.
/// `mine` tells this device's actors; `history` who removed what.
pub(crate) fn track(
    a: &[Elem],
    b: &[Elem],
    mine: &dyn Fn(&ActorId) -> bool,
    history: &History,
) -> Vec<Tracked> {
    // What this device itself did in the range (edits it sent that came back with the
    // other side's) is not the other side's change: counted as done before the review.
    let ops = align(a, b);
    let own = |op: &Op| match *op {
        Op::Del(i) => history.removed_by_me(&a[i].0),
        Op::Ins(j) => actor_of(&b[j].0).is_some_and(mine),
        Op::Keep(..) => false,
    };
    if ops.iter().any(own) {
        let before: Vec<Elem> = ops
            .iter()
            .filter_map(|op| match *op {
                Op::Keep(i, _) => Some(a[i].clone()),
                Op::Del(i) => (!own(op)).then(|| a[i].clone()),
                Op::Ins(j) => own(op).then(|| b[j].clone()),
            })
            .collect();
        return track_aligned(&before, b, align(&before, b), mine, history);
    }
    track_aligned(a, b, ops, mine, history)
}

/// Characters kept appear in the same order on both sides (Automerge's list order).
fn align(a: &[Elem], b: &[Elem]) -> Vec<Op> {
    let in_a: HashSet<&ObjId> = a.iter().map(|(id, _)| id).collect();
    let in_b: HashSet<&ObjId> = b.iter().map(|(id, _)| id).collect();
    let mut ops = Vec::with_capacity(a.len().max(b.len()));
    let (mut i, mut j) = (0, 0);
    loop {
        while i < a.len() && !in_b.contains(&a[i].0) {
            ops.push(Op::Del(i));
            i += 1;
        }
        while j < b.len() && !in_a.contains(&b[j].0) {
            ops.push(Op::Ins(j));
            j += 1;
        }
        if i < a.len() && j < b.len() {
            ops.push(Op::Keep(i, j));
            i += 1;
            j += 1;
        } else {
            break;
        }
    }
    ops
}

fn track_aligned(
    a: &[Elem],
    b: &[Elem],
    ops: Vec<Op>,
    mine: &dyn Fn(&ActorId) -> bool,
    history: &History,
) -> Vec<Tracked> {
    let before: String = a.iter().map(|(_, c)| c).collect();
    let after: String = b.iter().map(|(_, c)| c).collect();
    let (ta, tb) = (tokenize(&before), tokenize(&after));
    let (tok_a, tok_b) = (token_of(a, &before, &ta), token_of(b, &after, &tb));
    let in_b: HashSet<&ObjId> = b.iter().map(|(id, _)| id).collect();

    // A token is shown as changed when any of its characters changed or a change falls
    // inside it; a kept character joins the tokens on both sides, so a changed token on
    // one side makes its counterpart changed too (until nothing changes).
    let (mut dirty_a, mut dirty_b) = (vec![false; ta.len()], vec![false; tb.len()]);
    let mut last_keep: Option<(usize, usize)> = None;
    let mut gap = false;
    for op in &ops {
        match *op {
            Op::Del(i) => {
                dirty_a[tok_a[i]] = true;
                gap = true;
            }
            Op::Ins(j) => {
                dirty_b[tok_b[j]] = true;
                gap = true;
            }
            Op::Keep(i, j) => {
                if let (true, Some((pi, pj))) = (gap, last_keep) {
                    if tok_a[pi] == tok_a[i] {
                        dirty_a[tok_a[i]] = true;
                    }
                    if tok_b[pj] == tok_b[j] {
                        dirty_b[tok_b[j]] = true;
                    }
                }
                last_keep = Some((i, j));
                gap = false;
            }
        }
    }
    let text_a = |t: usize| &before[ta[t].range.clone()];
    let text_b = |t: usize| &after[tb[t].range.clone()];
    loop {
        let mut changed = false;
        for op in &ops {
            if let Op::Keep(i, j) = *op {
                let (x, y) = (tok_a[i], tok_b[j]);
                let differ = !dirty_a[x] && !dirty_b[y] && text_a(x) != text_b(y);
                if dirty_a[x] != dirty_b[y] || differ {
                    dirty_a[x] = true;
                    dirty_b[y] = true;
                    changed = true;
                }
            }
        }
        if !changed {
            break;
        }
    }

    // Removed characters of yours that the other side removed.
    let yours_removed = |i: usize| {
        let (id, _) = &a[i];
        actor_of(id).is_some_and(mine) && history.removed_by(id).is_some_and(|by| !mine(by))
    };

    // Emit tokens in order: unchanged ones once, changed ones as removed then added runs,
    // each run remembering the last unchanged character before it (where Restore puts it).
    let mut runs: Vec<Run<Credit>> = Vec::new();
    let (mut next_a, mut next_b) = (0usize, 0usize);
    let mut anchor: Option<usize> = None;
    for op in &ops {
        let (x, y) = match *op {
            Op::Keep(i, j) => (Some(tok_a[i]), Some(tok_b[j])),
            Op::Del(i) => (Some(tok_a[i]), None),
            Op::Ins(j) => (None, Some(tok_b[j])),
        };
        if let (Some(x), Some(y)) = (x, y) {
            if !dirty_a[x] {
                if x >= next_a {
                    match runs.last_mut() {
                        Some(Run::Same(text)) => text.push_str(text_a(x)),
                        _ => runs.push(Run::Same(text_a(x).to_string())),
                    }
                    next_a = x + 1;
                }
                next_b = next_b.max(y + 1);
                if let Op::Keep(i, _) = *op {
                    anchor = Some(i);
                }
                continue;
            }
        }
        if !matches!(runs.last(), Some(Run::Change(_))) {
            runs.push(Run::Change(Stretch {
                extra: Credit {
                    anchor: anchor.map(|i| a[i].0.to_string()),
                    ..Credit::default()
                },
                ..Stretch::default()
            }));
        }
        let Some(Run::Change(c)) = runs.last_mut() else {
            unreachable!("a change run was just pushed")
        };
        if let Some(x) = x.filter(|&x| x >= next_a) {
            c.removed.push_str(text_a(x));
            c.words += usize::from(ta[x].kind.is_word());
            let gone: Vec<usize> = tok_range(&tok_a, x)
                .filter(|&i| !in_b.contains(&a[i].0))
                .collect();
            if gone.iter().any(|&i| yours_removed(i)) {
                c.extra.restorable = true;
                if ta[x].kind.is_word() {
                    c.extra.yours += 1;
                }
            }
            if c.extra.key.is_none() {
                c.extra.key = gone.first().map(|&i| a[i].0.to_string());
            }
            next_a = x + 1;
        }
        if let Some(y) = y.filter(|&y| y >= next_b) {
            c.added.push_str(text_b(y));
            c.words += usize::from(tb[y].kind.is_word());
            next_b = y + 1;
        }
    }
    render(fold_runs(runs))
}

/// What a change of the tracked text carries besides its text: whose words it removed and
/// what Restore needs.
#[derive(Default)]
struct Credit {
    yours: usize,
    restorable: bool,
    /// The last unchanged character before the change (`ctr@actor`).
    anchor: Option<String>,
    /// The first removed character: names the run for "restored".
    key: Option<String>,
}

impl Absorb for Credit {
    fn absorb(&mut self, next: Credit) {
        self.yours += next.yours;
        self.restorable |= next.restorable;
        if self.key.is_none() {
            self.key = next.key;
        }
    }
}

type Stretch = Replaced<Credit>;

fn render(runs: Vec<Run<Credit>>) -> Vec<Tracked> {
    let mut out = Vec::new();
    for run in runs {
        let c = match run {
            Run::Same(text) => {
                push_same(&mut out, &text);
                continue;
            }
            Run::Change(c) => c,
        };
        if !c.removed.is_empty() {
            // Put back before what replaced it.
            let text = if needs_space(&c.removed, &c.added) {
                format!("{} ", c.removed)
            } else {
                c.removed.clone()
            };
            let credit = c.extra;
            out.push(Tracked {
                restore: (credit.restorable && credit.yours > 0).then(|| Restore {
                    after: credit.anchor,
                    text,
                    key: credit.key.unwrap_or_default(),
                }),
                mark: Mark::Removed,
                text: c.removed,
                yours: credit.yours,
                restored: false,
            });
        }
        if !c.added.is_empty() {
            out.push(Tracked::new(Mark::Added, c.added));
        }
    }
    out
}

/// The characters of token `t` (indices into the side's characters).
fn tok_range(tok: &[usize], t: usize) -> std::ops::Range<usize> {
    let start = tok.partition_point(|&x| x < t);
    let end = tok.partition_point(|&x| x <= t);
    start..end
}

fn push_same(out: &mut Vec<Tracked>, text: &str) {
    match out.last_mut() {
        Some(last) if last.mark == Mark::Same => last.text.push_str(text),
        _ => out.push(Tracked {
            mark: Mark::Same,
            text: text.to_string(),
            restore: None,
            yours: 0,
            restored: false,
        }),
    }
}

impl Tracked {
    fn new(mark: Mark, text: String) -> Tracked {
        Tracked {
            mark,
            text,
            restore: None,
            yours: 0,
            restored: false,
        }
    }
}

/// Puts removed text back (a [`Tracked::restore`]) as a new edit of the text `obj`: after
/// the character it followed, or, when that one is gone too, after the nearest character
/// before it (as the text read at `from`) that is still there.
pub(crate) fn restore(
    doc: &mut AutoCommit,
    obj: &ObjId,
    from: &[ChangeHash],
    what: &Restore,
) -> Result<(), EditError> {
    let now = elems(doc, obj);
    let mut end_of: HashMap<String, usize> = HashMap::new();
    let mut at = 0;
    for (id, c) in &now {
        at += c.len_utf8();
        end_of.insert(id.to_string(), at);
    }
    let offset = match &what.after {
        None => 0,
        Some(after) => match end_of.get(after) {
            Some(&end) => end,
            None => {
                doc.isolate(from);
                let before = elems(doc, obj);
                doc.integrate();
                let ids: Vec<String> = before.iter().map(|(id, _)| id.to_string()).collect();
                let pos = ids.iter().position(|id| id == after).unwrap_or(0);
                ids[..pos]
                    .iter()
                    .rev()
                    .find_map(|id| end_of.get(id).copied())
                    .unwrap_or(0)
            }
        },
    };
    doc.splice_text(obj, offset, 0, &what.text)?;
    Ok(())
}
