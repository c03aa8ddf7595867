//! This device's signing keys, the other party's pinned key, and the signatures of the record.

use crate::model::discussion::Discussion;
use crate::model::trust::{self, DeviceKeys, PublicKey, Standing, Trust, TrustedKey};
use crate::share::signoff::{self, SignOff};
use crate::storage::blobs::KvStore;
use crate::storage::keys::DocName;
use crate::storage::meta::FormerKey;
use crate::{Day, Side};

use super::{Workspace, WorkspaceError};

/// The two parties' device keys for one discussion, as this device sees them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyState {
    pub side: Side,
    /// This device's key.
    pub mine: PublicKey,
    /// The other party's key this device pinned, if it has seen one.
    pub pinned: Option<PublicKey>,
    /// Whether the person compared the safety code with the pinned key ("We compared it").
    pub confirmed: bool,
    /// Other keys that came in as the other party's before the pinned one was confirmed:
    /// shown side by side with it, each with its own code.
    pub candidates: Vec<PublicKey>,
    /// The other party's key the discussion records now.
    pub recorded: Option<PublicKey>,
}

impl KeyState {
    /// The other party's recorded key differs from the confirmed one: not accepted until
    /// the person compares the code again and confirms it.
    pub fn changed(&self) -> bool {
        self.confirmed && matches!((self.pinned, self.recorded), (Some(p), Some(r)) if p != r)
    }

    /// The code both people compare with `other` as the other party's key: leader's key
    /// first, the same on both devices.
    pub fn code_with(&self, other: &PublicKey) -> String {
        match self.side {
            Side::Leader => trust::safety_code(&self.mine, other),
            Side::Employee => trust::safety_code(other, &self.mine),
        }
    }

    /// The code with the pinned key.
    pub fn safety_code(&self) -> Option<String> {
        Some(self.code_with(&self.pinned?))
    }
}

impl<K: KvStore> Workspace<K> {
    /// This device's signing keys.
    pub fn device_keys(&self) -> &DeviceKeys {
        &self.keys
    }

    /// Which keys this device accepts for each party of a discussion: its own for its side
    /// (and, after a handover, the previous leader's, up to the handover, as from the
    /// file); for the other, the pinned key (unconfirmed until the code was compared) and
    /// keys pinned before an accepted change, each up to that change.
    pub(super) fn trust(&mut self, id: &str) -> Trust {
        self.cut_former_keys(id);
        let meta = self.meta(id).ok().flatten().unwrap_or_default();
        let former = |f: &FormerKey, standing| TrustedKey {
            key: f.key,
            standing,
            until: Some(f.until.clone()),
        };
        let mine: Vec<TrustedKey> = self.keys.all().map(TrustedKey::confirmed).collect();
        let mut other: Vec<TrustedKey> = meta
            .pinned
            .into_iter()
            .map(|key| TrustedKey {
                key,
                standing: if meta.confirmed {
                    Standing::Confirmed
                } else {
                    Standing::Unconfirmed
                },
                until: None,
            })
            .collect();
        other.extend(
            meta.former_pinned
                .iter()
                .filter(|f| Some(f.key) != meta.pinned)
                .map(|f| former(f, Standing::Confirmed)),
        );
        match self.side(id).side {
            Side::Leader => {
                // A previous leader's key from the handover file counts once the employee's
                // confirmed key signed, in the record, that they confirmed it.
                let vouched: Vec<PublicKey> = match (meta.pinned, meta.confirmed) {
                    (Some(employee), true) => self
                        .stored(&DocName::Discussion(id.into()))
                        .map(|s| trust::confirmed_by(&s.doc, id, Side::Employee, &employee))
                        .unwrap_or_default(),
                    _ => vec![],
                };
                let mut leader = mine;
                leader.extend(
                    meta.former_leaders
                        .iter()
                        .filter(|f| !self.keys.owns(&f.key))
                        .map(|f| {
                            let standing = if vouched.contains(&f.key) {
                                Standing::Confirmed
                            } else {
                                Standing::FromFile
                            };
                            former(f, standing)
                        }),
                );
                Trust {
                    leader,
                    employee: other,
                }
            }
            Side::Employee => Trust {
                leader: other,
                employee: mine,
            },
        }
    }

    /// Former keys stored before cutoffs were kept get one: the heads now.
    fn cut_former_keys(&mut self, id: &str) {
        let Ok(Some(mut meta)) = self.meta(id) else {
            return;
        };
        let uncut = |keys: &[FormerKey]| keys.iter().any(|k| k.until.is_empty());
        if !uncut(&meta.former_pinned) && !uncut(&meta.former_leaders) {
            return;
        }
        let Ok(stored) = self.stored(&DocName::Discussion(id.into())) else {
            return;
        };
        let heads = stored.doc.get_heads();
        for k in meta
            .former_pinned
            .iter_mut()
            .chain(meta.former_leaders.iter_mut())
        {
            if k.until.is_empty() {
                k.until = heads.clone();
            }
        }
        self.write_meta(id, meta);
    }

    /// Both parties' keys for a discussion, as this device sees them.
    pub fn keys_of(&mut self, id: &str) -> Result<KeyState, WorkspaceError> {
        let side = self.side(id).side;
        let meta = self.meta(id)?.unwrap_or_default();
        let mine = self.keys.current.public();
        let stored = self.stored(&DocName::Discussion(id.into()))?;
        // The record's key for them: the pinned one when it is among those written at the
        // same time (whichever won the merge), else the winner, unless the person already
        // set it aside.
        let all = trust::recorded_keys(&stored.doc, side.other());
        let recorded = match meta.pinned {
            Some(p) if all.contains(&p) => Some(p),
            _ => trust::recorded_key(&stored.doc, side.other())
                .filter(|k| !meta.rejected.contains(k)),
        };
        Ok(KeyState {
            side,
            mine,
            pinned: meta.pinned,
            confirmed: meta.pinned.is_some() && meta.confirmed,
            candidates: meta.candidates,
            recorded,
        })
    }

    /// The person compared the safety code made with `key` with the other person's screen
    /// ("We compared it"): `key` becomes the other party's confirmed key, and the record
    /// says so, signed by this device. It must be one
    /// this device has seen as theirs (the pinned key, a candidate, or the recorded one).
    /// A confirmed key it replaces keeps counting for versions up to now, never after.
    pub fn confirm_key(&mut self, id: &str, key: &PublicKey) -> Result<(), WorkspaceError> {
        let state = self.keys_of(id)?;
        let seen = state.pinned == Some(*key)
            || state.candidates.contains(key)
            || state.recorded == Some(*key);
        if !seen || self.keys.owns(key) {
            return Err(WorkspaceError::UnknownKey);
        }
        let now = self
            .stored(&DocName::Discussion(id.into()))?
            .doc
            .get_heads();
        let mut meta = self.meta_to_change(id);
        // The confirmed key's cutoff: when the other key first came in, not the tap.
        let heads = meta.change_seen_at.take().unwrap_or(now);
        // The others shown beside an unconfirmed pin are set aside for good.
        let mut aside: Vec<PublicKey> = std::mem::take(&mut meta.candidates);
        if !meta.confirmed {
            aside.extend(meta.pinned);
        }
        for other in aside {
            if other != *key && !meta.rejected.contains(&other) && meta.rejected.len() < 16 {
                meta.rejected.push(other);
            }
        }
        if let Some(old) = meta.pinned.take() {
            if old != *key && meta.confirmed {
                meta.former_pinned.retain(|f| f.key != old);
                meta.former_pinned.push(FormerKey {
                    key: old,
                    until: heads,
                });
            }
        }
        meta.rejected.retain(|k| k != key);
        // A key confirmed again after it was replaced counts in full again.
        meta.former_pinned.retain(|f| f.key != *key);
        meta.pinned = Some(*key);
        meta.confirmed = true;
        meta.candidates.clear();
        self.write_meta(id, meta);
        // Said in the record too, signed: a later leader's device learns from it which
        // leader key the employee stood behind.
        let (side, signer) = (self.side(id).side, self.keys.current.clone());
        self.change_discussion(id, |doc| {
            Ok((trust::record_confirmed(doc, id, side, key, &signer)?, ()))
        })
    }

    /// The person compared safety codes and accepts the other party's new recorded key.
    pub fn accept_key(&mut self, id: &str) -> Result<(), WorkspaceError> {
        match self.keys_of(id)?.recorded {
            Some(recorded) if !self.keys.owns(&recorded) => self.confirm_key(id, &recorded),
            _ => Ok(()),
        }
    }

    /// After something from the other side was merged: pins their key the first time one
    /// is recorded (never one of this device's own keys), unconfirmed. A different key
    /// while the pin is unconfirmed becomes a candidate beside it, never the pin.
    pub(super) fn pin_other_key(&mut self, id: &str) {
        let side = self.side(id).side;
        // The key the record names, and any written at the same time elsewhere.
        let (all, heads) = match self.stored(&DocName::Discussion(id.into())) {
            Ok(stored) => (
                trust::recorded_keys(&stored.doc, side.other()),
                stored.doc.get_heads(),
            ),
            Err(_) => return,
        };
        let mut meta = self.meta_to_change(id);
        let recorded: Vec<PublicKey> = all
            .into_iter()
            .filter(|k| !self.keys.owns(k) && !meta.rejected.contains(k))
            .collect();
        if recorded.is_empty() {
            return;
        }
        let before = (
            meta.pinned,
            meta.candidates.clone(),
            meta.change_seen_at.clone(),
        );
        for key in recorded {
            match meta.pinned {
                None => meta.pinned = Some(key),
                Some(p)
                    if p != key
                        && !meta.confirmed
                        && !meta.candidates.contains(&key)
                        && meta.candidates.len() < 8 =>
                {
                    meta.candidates.push(key);
                }
                Some(_) if !meta.confirmed => {}
                // A change to the confirmed key: when it was first seen.
                Some(p) if p != key && meta.change_seen_at.is_none() => {
                    meta.change_seen_at = Some(heads.clone());
                }
                _ => {}
            }
        }
        if (
            meta.pinned,
            meta.candidates.clone(),
            meta.change_seen_at.clone(),
        ) != before
        {
            self.write_meta(id, meta);
        }
    }

    /// Records this device's key as its party's in the discussion, when it is not already.
    /// No key is recorded for this device's side of the discussion yet.
    pub(super) fn my_key_unrecorded(&mut self, id: &str) -> Result<bool, WorkspaceError> {
        let side = self.side(id).side;
        let stored = self.stored(&DocName::Discussion(id.into()))?;
        Ok(trust::recorded_key(&stored.doc, side).is_none())
    }

    pub(super) fn record_my_key(&mut self, id: &str) -> Result<(), WorkspaceError> {
        let side = self.side(id).side;
        let key = self.keys.current.public();
        let stored = self.stored(&DocName::Discussion(id.into()))?;
        if trust::recorded_key(&stored.doc, side) == Some(key) {
            return Ok(());
        }
        self.change_discussion(id, |doc| Ok((trust::record_key(doc, side, &key)?, ())))
    }

    pub fn sign_off(&mut self, id: &str) -> Result<SignOff, WorkspaceError> {
        let trust = self.trust(id);
        let stored = self.stored(&DocName::Discussion(id.into()))?;
        Ok(signoff::status(&mut stored.doc, &trust)?)
    }

    /// The version both signed, with the signatures, if there is one.
    pub fn agreed_version(
        &mut self,
        id: &str,
    ) -> Result<(SignOff, Option<(Discussion, SignOff)>), WorkspaceError> {
        let trust = self.trust(id);
        let stored = self.stored(&DocName::Discussion(id.into()))?;
        let status = signoff::status(&mut stored.doc, &trust)?;
        let agreed = signoff::agreed_version(&mut stored.doc, &trust)?;
        Ok((status, agreed))
    }

    /// Signs the record as it is now, for `side`, as `name`.
    pub fn sign(
        &mut self,
        id: &str,
        side: Side,
        name: &str,
        on: Day,
    ) -> Result<(), WorkspaceError> {
        self.record_my_key(id)?;
        let key = self.keys.current.clone();
        self.change_discussion(id, |doc| {
            signoff::sign(doc, side, name, on, &key)?;
            Ok((true, ()))
        })
    }
}
