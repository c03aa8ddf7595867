//! This device's signing keys, the other party's pinned key, and the signatures of the record.

use crate::model::discussion::Discussion;
use crate::model::trust::{self, DeviceKeys, PublicKey, Trust};
use crate::share::signoff::{self, SignOff};
use crate::storage::blobs::KvStore;
use crate::storage::keys::DocName;
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
    /// The other party's key the discussion records now.
    pub recorded: Option<PublicKey>,
}

impl KeyState {
    /// The other party's recorded key differs from the one pinned: not accepted until the
    /// person confirms it.
    pub fn changed(&self) -> bool {
        matches!((self.pinned, self.recorded), (Some(p), Some(r)) if p != r)
    }

    /// The code both people compare: leader's key first, the same on both devices.
    pub fn safety_code(&self) -> Option<String> {
        let other = self.pinned?;
        Some(match self.side {
            Side::Leader => trust::safety_code(&self.mine, &other),
            Side::Employee => trust::safety_code(&other, &self.mine),
        })
    }
}

impl<K: KvStore> Workspace<K> {
    /// This device's signing keys.
    pub fn device_keys(&self) -> &DeviceKeys {
        &self.keys
    }

    /// Which keys this device accepts for each party of a discussion: its own (and, after a
    /// handover, the previous leader's) for its side; the pinned key, and keys pinned before
    /// an accepted change, for the other.
    pub(super) fn trust(&self, id: &str) -> Trust {
        let meta = self.meta(id).ok().flatten().unwrap_or_default();
        let mine: Vec<PublicKey> = self.keys.all().collect();
        let mut other: Vec<PublicKey> = meta.pinned.into_iter().collect();
        other.extend(meta.former_pinned);
        match self.side(id).side {
            Side::Leader => Trust {
                leader: mine.into_iter().chain(meta.former_leaders).collect(),
                employee: other,
            },
            Side::Employee => Trust {
                leader: other,
                employee: mine,
            },
        }
    }

    /// Both parties' keys for a discussion, as this device sees them.
    pub fn keys_of(&mut self, id: &str) -> Result<KeyState, WorkspaceError> {
        let side = self.side(id).side;
        let pinned = self.meta(id)?.and_then(|m| m.pinned);
        let mine = self.keys.current.public();
        let stored = self.stored(&DocName::Discussion(id.into()))?;
        Ok(KeyState {
            side,
            mine,
            pinned,
            recorded: trust::recorded_key(&stored.doc, side.other()),
        })
    }

    /// The person compared safety codes and accepts the other party's new key.
    pub fn accept_key(&mut self, id: &str) -> Result<(), WorkspaceError> {
        let state = self.keys_of(id)?;
        if let Some(recorded) = state.recorded.filter(|k| !self.keys.owns(k)) {
            let mut meta = self.meta_to_change(id);
            // The key pinned before keeps counting for what it signed then (the leader's
            // earlier device, or the leader before a handover).
            if let Some(old) = meta.pinned.take() {
                if old != recorded && !meta.former_pinned.contains(&old) {
                    meta.former_pinned.push(old);
                }
            }
            meta.pinned = Some(recorded);
            self.write_meta(id, meta);
        }
        Ok(())
    }

    /// After something from the other side was merged: pins their key the first time one
    /// is recorded (never one of this device's own keys, and never over a pinned one).
    pub(super) fn pin_other_key(&mut self, id: &str) {
        let Ok(state) = self.keys_of(id) else { return };
        if state.pinned.is_some() {
            return;
        }
        if let Some(recorded) = state.recorded.filter(|k| !self.keys.owns(k)) {
            let mut meta = self.meta_to_change(id);
            meta.pinned = Some(recorded);
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
