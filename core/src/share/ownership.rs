//! What arrives from the other side changes only what that side may change.
//!
//! Each part of the record has an owner or none ([`FieldKey::owner`]). The screens of the
//! other side never offer to change a part they do not own; a device also keeps to it for
//! what arrives, so an app that changes such a part anyway gets nowhere on the owner's
//! device: after a merge of changes from the other side (a link, a file, a bundle, a live
//! session), every part this side owns that those changes altered is set back to what this
//! side stood behind, in one new change of this device's, and what the other side set it
//! to becomes their suggestion ([`Proposal`]), which this side may accept. Everything else
//! the merge brought stays. Changes made by this device (its other tabs: one actor prefix)
//! and what they build on are this side's, however they arrived.
//!
//! Set back are: the leader's assessment (track, readiness, held on), the leader's views
//! and the names in the record (on the leader's device); this side's actions, its
//! suggestions and its answers to the other's, its consent to paired sync, its recorded
//! key and its signature (on either). A part both may change (the answers, "willing", the
//! notes) is merged as always.
//!
//! "From the other side" is where the changes came from: a package made for this side
//! (its audience), a live peer that says it is on the other side. Neither is signed: a
//! package that says it was made by this side, or a live peer that says it is, is not
//! looked at, and telling another device of this person from someone who claims to be one
//! takes linked devices, which this version does not have.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ChangeHash, ObjId, ReadDoc, ScalarValue, Value};
use autosurgeon::{hydrate_prop, reconcile_prop, Hydrate, Reconcile, Text};

use crate::error::EditError;
use crate::model::am::{find_item, obj_at, push_item, remove_item, set_text};
use crate::model::date::Day;
use crate::model::discussion::{self, Action, Discussion, LeaderView};
use crate::model::fields::{self, Proposal, Suggestion};
use crate::Side;

/// Root properties that belong to one side: its consent to paired sync, its recorded key,
/// its signature, the other party's keys it confirmed.
fn own_roots(side: Side) -> [&'static str; 4] {
    match side {
        Side::Leader => [
            "pairing_leader",
            "key_leader",
            "signed_leader",
            "confirmed_leader",
        ],
        Side::Employee => [
            "pairing_employee",
            "key_employee",
            "signed_employee",
            "confirmed_employee",
        ],
    }
}

/// Properties that never change once the record is made.
const FIXED: [&str; 5] = ["kind", "schema", "id", "person_id", "created_on"];

/// The record as it was at `heads`: the discussion, its suggestions, and the raw values of
/// the root properties named.
struct Then {
    d: Discussion,
    proposals: Vec<Proposal>,
    roots: Vec<(&'static str, Option<ScalarValue>)>,
}

fn scalar(doc: &AutoCommit, prop: &str) -> Option<ScalarValue> {
    match doc.get(automerge::ROOT, prop).ok()?? {
        (Value::Scalar(s), _) => Some(s.into_owned()),
        _ => None,
    }
}

fn read_then(doc: &mut AutoCommit, heads: &[ChangeHash], roots: &[&'static str]) -> Option<Then> {
    if heads
        .iter()
        .any(|h| doc.get_change_meta_by_hash(h).is_none())
    {
        return None;
    }
    doc.isolate(heads);
    let then = discussion::read(doc).ok().map(|d| Then {
        d,
        proposals: fields::proposals(doc),
        roots: roots.iter().map(|p| (*p, scalar(doc, p))).collect(),
    });
    doc.integrate();
    then
}

/// The values `obj[prop]` holds now other than `kept`, read as `T`.
fn others<T: Hydrate + PartialEq>(doc: &AutoCommit, obj: &ObjId, prop: &str, kept: &T) -> Vec<T> {
    let Ok(all) = doc.get_all(obj, prop) else {
        return vec![];
    };
    all.into_iter()
        .filter_map(|(v, _)| match v {
            Value::Scalar(s) => {
                let mut tmp = AutoCommit::new();
                tmp.put(automerge::ROOT, "v", s.into_owned()).ok()?;
                hydrate_prop::<_, T, _, _>(&tmp, automerge::ROOT, "v").ok()
            }
            Value::Object(_) => None,
        })
        .filter(|v| v != kept)
        .collect()
}

/// Writes `value` at `obj[prop]` so that it supersedes every value there now, concurrent
/// ones included.
fn force<T: Reconcile>(
    doc: &mut AutoCommit,
    obj: &ObjId,
    prop: &str,
    value: &T,
) -> Result<(), EditError> {
    if doc.get(obj, prop)?.is_some() {
        doc.delete(obj, prop)?;
    }
    reconcile_prop(doc, obj, prop, value)?;
    Ok(())
}

/// A register this side owns: set back when the merge changed it or left it undecided.
/// Returns what the sender set, when it differs from what is kept.
fn keep_value<T>(
    doc: &mut AutoCommit,
    obj: &ObjId,
    prop: &str,
    then: &T,
    now: &T,
) -> Result<Option<T>, EditError>
where
    T: Reconcile + Hydrate + PartialEq + Clone,
{
    // Values set at once that are all the same are no disagreement: nothing to write (two
    // devices that both set a part back would otherwise rewrite it on every merge).
    let competing = others(doc, obj, prop, then);
    if then == now && competing.is_empty() {
        return Ok(None);
    }
    let theirs = if now != then {
        Some(now.clone())
    } else {
        competing.into_iter().next()
    };
    force(doc, obj, prop, then)?;
    Ok(theirs)
}

fn fresh_action(a: &Action) -> Action {
    Action {
        text: Text::with_value(a.text.as_str()),
        ..a.clone()
    }
}

fn fresh_view(v: &LeaderView) -> LeaderView {
    LeaderView {
        text: Text::with_value(v.text.as_str()),
        ..v.clone()
    }
}

fn item(doc: &AutoCommit, list: &str, id: &str) -> Result<ObjId, EditError> {
    let list = obj_at(doc, &[list])?;
    Ok(find_item(doc, &list, id)?.1)
}

/// A stable id for a suggestion kept from a merge: the same merge makes the same one.
fn kept_id(merged: &[ChangeHash], s: &Suggestion) -> String {
    use sha2::{Digest, Sha256};
    let p = s.proposal(
        String::new(),
        Side::Leader,
        Day::new(2000, 1, 1).expect("a day"),
    );
    let mut hash = Sha256::new();
    hash.update(p.field.as_bytes());
    hash.update([0]);
    hash.update(p.value.as_bytes());
    hash.update([p.remove as u8]);
    let mut heads = merged.to_vec();
    heads.sort();
    for h in heads {
        hash.update(h.0);
    }
    crate::model::ids::id_from_bytes(hash.finalize()[..16].try_into().expect("16 bytes"))
}

/// What this side stands behind among the changes a merge brought: the heads of `before`
/// with every new change made by this device (`mine`: its tabs share an actor prefix) and
/// every change those build on — this device saw and kept to those already. `None` when
/// nothing new is left to look at.
fn stands_behind(
    doc: &mut AutoCommit,
    before: &[ChangeHash],
    mine: &dyn Fn(&automerge::ActorId) -> bool,
) -> Option<Vec<ChangeHash>> {
    use std::collections::{BTreeSet, HashMap};
    let new = doc.get_changes_meta(before);
    let deps: HashMap<ChangeHash, Vec<ChangeHash>> =
        new.iter().map(|c| (c.hash, c.deps.to_vec())).collect();
    let mut kept: BTreeSet<ChangeHash> = BTreeSet::new();
    let mut todo: Vec<ChangeHash> = new
        .iter()
        .filter(|c| mine(&c.actor))
        .map(|c| c.hash)
        .collect();
    while let Some(h) = todo.pop() {
        if kept.insert(h) {
            todo.extend(
                deps.get(&h)
                    .into_iter()
                    .flatten()
                    .filter(|d| deps.contains_key(d)),
            );
        }
    }
    if kept.len() == new.len() {
        return None;
    }
    let depended: BTreeSet<ChangeHash> = kept
        .iter()
        .flat_map(|h| deps.get(h).into_iter().flatten().copied())
        .collect();
    let mut heads: Vec<ChangeHash> = before
        .iter()
        .chain(kept.iter())
        .filter(|h| !depended.contains(h))
        .copied()
        .collect();
    heads.sort();
    heads.dedup();
    Some(heads)
}

/// Root properties the other side's changes may touch without a look: the parts either
/// side may change.
const JOINT: [&str; 3] = ["answers", "notes", "willing"];

/// Whether what came since `base` touches anything but the parts either side may change
/// (a keystroke in an answer, the common case, does not).
fn touches_owned(doc: &mut AutoCommit, base: &[ChangeHash]) -> bool {
    use automerge::{PatchAction, Prop};
    let heads = doc.get_heads();
    doc.diff(base, &heads).iter().any(|p| {
        let key = match p.path.first() {
            Some((_, Prop::Map(key))) => key.as_str(),
            Some(_) => return true,
            None => match &p.action {
                PatchAction::PutMap { key, .. } | PatchAction::DeleteMap { key } => key.as_str(),
                _ => return true,
            },
        };
        !JOINT.contains(&key)
    })
}

/// After a merge into `doc` of changes from `sender` (the document held `before` until
/// then; `mine` tells this device's actors): sets back every part the receiving side owns
/// that the other side's changes altered, and keeps what `sender` set as their suggestions.
/// Changes of this device's (another tab, relayed by the other side) and what they build on
/// stand. Returns the suggestions it made; an empty list when the merge kept to what
/// `sender` may change.
pub fn keep_owned(
    doc: &mut AutoCommit,
    before: &[ChangeHash],
    sender: Side,
    today: Day,
    mine: &dyn Fn(&automerge::ActorId) -> bool,
) -> Result<Vec<Proposal>, EditError> {
    let owner = sender.other();
    let Some(base) = stands_behind(doc, before, mine) else {
        return Ok(vec![]);
    };
    if !touches_owned(doc, &base) {
        return Ok(vec![]);
    }
    let merged = doc.get_heads();
    let mut roots: Vec<&'static str> = own_roots(owner).to_vec();
    roots.extend(FIXED);
    let Some(then) = read_then(doc, &base, &roots) else {
        // Nothing known before (a new copy): nothing of this side's to keep.
        return Ok(vec![]);
    };
    let Ok(now) = discussion::read(doc) else {
        return Ok(vec![]);
    };
    let root = automerge::ROOT;
    let mut kept: Vec<Suggestion> = Vec::new();

    // Root properties of this side's, and those nobody changes.
    for (prop, value) in &then.roots {
        let current = scalar(doc, prop);
        let competing = doc
            .get_all(&root, *prop)
            .map(|all| {
                all.into_iter().any(|(v, _)| match (v, value) {
                    (Value::Scalar(s), Some(kept)) => s.as_ref() != kept,
                    _ => true,
                })
            })
            .unwrap_or(false);
        if &current == value && !competing {
            continue;
        }
        match value {
            Some(v) => {
                if doc.get(&root, *prop)?.is_some() {
                    doc.delete(&root, *prop)?;
                }
                doc.put(&root, *prop, v.clone())?;
            }
            None => doc.delete(&root, *prop)?,
        }
    }

    if owner == Side::Leader {
        let (b, a) = (&then.d, &now);
        if let Some(t) = keep_value(doc, &root, "track", &b.track, &a.track)? {
            kept.push(Suggestion::Track(t));
        }
        if let Some(r) = keep_value(doc, &root, "readiness", &b.readiness, &a.readiness)? {
            kept.push(Suggestion::Readiness(r));
        }
        if let Some(h) = keep_value(doc, &root, "held_on", &b.held_on, &a.held_on)? {
            kept.push(Suggestion::HeldOn(h));
        }
        for (key, then_p, now_p) in [
            ("employee", &b.employee, &a.employee),
            ("manager", &b.manager, &a.manager),
        ] {
            if let Ok(obj) = obj_at(doc, &[key]) {
                keep_value(doc, &obj, "name", &then_p.name, &now_p.name)?;
                keep_value(doc, &obj, "role", &then_p.role, &now_p.role)?;
            }
        }
        for v in &b.leader_views {
            match a.leader_views.iter().find(|x| x.id == v.id) {
                None => {
                    push_item(doc, &["leader_views"], &fresh_view(v))?;
                    kept.push(Suggestion::RemoveView { id: v.id.clone() });
                }
                Some(x) => {
                    let obj = item(doc, "leader_views", &v.id)?;
                    if x.text.as_str() != v.text.as_str() {
                        set_text(doc, &obj, "text", v.text.as_str())?;
                        kept.push(Suggestion::ViewText {
                            id: v.id.clone(),
                            text: x.text.as_str().to_string(),
                        });
                    }
                    keep_value(doc, &obj, "question", &v.question, &x.question)?;
                    keep_value(doc, &obj, "source", &v.source, &x.source)?;
                    keep_value(doc, &obj, "added_on", &v.added_on, &x.added_on)?;
                }
            }
        }
        // Views only the leader adds.
        for x in &a.leader_views {
            if !b.leader_views.iter().any(|v| v.id == x.id) {
                remove_item(doc, &["leader_views"], &x.id)?;
            }
        }
    }

    // This side's actions.
    for act in then.d.actions.iter().filter(|a| a.by == owner) {
        let id = act.id.clone();
        let Some(x) = now.actions.iter().find(|x| x.id == act.id) else {
            push_item(doc, &["actions"], &fresh_action(act))?;
            kept.push(Suggestion::RemoveAction { id });
            continue;
        };
        let obj = item(doc, "actions", &act.id)?;
        if x.text.as_str() != act.text.as_str() {
            set_text(doc, &obj, "text", act.text.as_str())?;
            kept.push(Suggestion::ActionText {
                id: id.clone(),
                text: x.text.as_str().to_string(),
            });
        }
        if let Some(owner) = keep_value(doc, &obj, "owner", &act.owner, &x.owner)? {
            kept.push(Suggestion::ActionOwner {
                id: id.clone(),
                owner,
            });
        }
        if let Some(due) = keep_value(doc, &obj, "due", &act.due, &x.due)? {
            kept.push(Suggestion::ActionDue {
                id: id.clone(),
                due,
            });
        }
        if let Some(done) = keep_value(doc, &obj, "done", &act.done, &x.done)? {
            kept.push(Suggestion::ActionDone {
                id: id.clone(),
                done,
            });
        }
        keep_value(doc, &obj, "by", &act.by, &x.by)?;
        keep_value(
            doc,
            &obj,
            "carried_from",
            &act.carried_from,
            &x.carried_from,
        )?;
    }
    // A new action is the sender's, whatever it says.
    for x in &now.actions {
        if x.by == owner && !then.d.actions.iter().any(|a| a.id == x.id) {
            let obj = item(doc, "actions", &x.id)?;
            force(doc, &obj, "by", &sender)?;
        }
    }

    // Suggestions: this side's own stay as made (but for the other side's answer to them);
    // the answers to the other side's are this side's to give; a new one is the sender's,
    // unanswered.
    let now_proposals = fields::proposals(doc);
    for p in &then.proposals {
        let current = now_proposals.iter().find(|q| q.id == p.id);
        if p.by == owner {
            // Made here: the other side answers it, and changes nothing else of it.
            let answered = Proposal {
                answer: current.map_or(p.answer, |q| q.answer),
                ..p.clone()
            };
            if current != Some(&answered) {
                fields::write_proposal(doc, &answered)?;
            }
        } else if let Some(q) = current {
            // The other side's own: once answered here it stays as answered; before that
            // only the answer is this side's.
            let kept = if p.answer.is_some() {
                p.clone()
            } else {
                Proposal {
                    answer: p.answer,
                    ..q.clone()
                }
            };
            if q != &kept {
                fields::write_proposal(doc, &kept)?;
            }
        }
    }
    for q in &now_proposals {
        if then.proposals.iter().any(|p| p.id == q.id) {
            continue;
        }
        // A new suggestion in this side's name comes from this side's other device (or
        // is one the other side kept for this side on arrival): it stays, unanswered
        // unless this side answered it; a new one in the sender's name is unanswered.
        if q.by == sender && q.answer.is_some() {
            fields::write_proposal(
                doc,
                &Proposal {
                    answer: None,
                    ..q.clone()
                },
            )?;
        }
    }

    // What the sender tried, kept as their suggestions (once: an open one saying the same
    // is not made again).
    let open = fields::proposals(doc);
    let mut made = Vec::new();
    for s in kept {
        let p = s.proposal(kept_id(&merged, &s), sender, today);
        let same = open.iter().any(|q| {
            q.open()
                && q.by == sender
                && q.field == p.field
                && q.value == p.value
                && q.remove == p.remove
        });
        if !same {
            fields::write_proposal(doc, &p)?;
            made.push(p);
        }
    }
    Ok(made)
}
