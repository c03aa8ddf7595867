//! Device keys, and what they let the two people check.
//!
//! Each device holds an Ed25519 key pair, made from 32 random bytes the shell supplies on
//! first use and kept with the device's data. A discussion records each party's public key
//! (`key_leader`, `key_employee` at its root) when that party first shares, publishes or
//! signs from a device. The other device pins that key the first time it sees it (in its
//! own metadata, never in the shared document), *unconfirmed*: anyone who held the first
//! link could have sent it. A short safety code made from both keys lets the two people
//! see, in the room, that each device holds the other's real key; once they tapped "We
//! compared it" the key is confirmed, and only a confirmed key's signatures count. A
//! different key before that is a candidate beside the pin; after it, a change to confirm.
//!
//! Keys have a lifetime: a key that leaves a party (an accepted change, the previous leader
//! after a handover) keeps the heads of the history at that moment as its cutoff, and its
//! signatures count only over versions inside that history ([`within`]).
//!
//! What a key proves: a signature that verifies against a confirmed key was made on the
//! device whose code the two compared. It says nothing about who held the device.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ChangeHash, ReadDoc, ScalarValue, Value};
use ed25519_dalek::{Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::EditError;
use crate::model::ids::{from_hex, to_hex};
use crate::Side;

/// A device's secret signing key. Never printed.
#[derive(Clone)]
pub struct DeviceKey(SigningKey);

impl std::fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("DeviceKey").field(&self.public()).finish()
    }
}

impl PartialEq for DeviceKey {
    fn eq(&self, other: &DeviceKey) -> bool {
        self.public() == other.public()
    }
}

impl DeviceKey {
    /// The key made from 32 random bytes.
    pub fn from_seed(seed: [u8; 32]) -> DeviceKey {
        DeviceKey(SigningKey::from_bytes(&seed))
    }

    pub fn public(&self) -> PublicKey {
        PublicKey(self.0.verifying_key().to_bytes())
    }

    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        self.0.sign(message).to_bytes()
    }

    /// 32 bytes derived from this key's secret and `context`: the seed of a key for one
    /// purpose (a mailbox's sender key), which no one can link to this key without the
    /// secret.
    pub fn derive(&self, context: &[u8]) -> [u8; 32] {
        let mut hash = Sha256::new();
        hash.update(b"career-talk/derived-key/v1");
        hash.update(self.0.to_bytes());
        hash.update((context.len() as u64).to_be_bytes());
        hash.update(context);
        hash.finalize().into()
    }

    fn to_secret_hex(&self) -> String {
        to_hex(&self.0.to_bytes())
    }

    fn from_secret_hex(s: &str) -> Option<DeviceKey> {
        Some(DeviceKey::from_seed(from_hex(s)?.try_into().ok()?))
    }
}

/// A public key, as recorded in documents and HR records (64 hex characters).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PublicKey([u8; 32]);

impl std::fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PublicKey({})", &self.to_hex()[..8])
    }
}

impl PublicKey {
    pub fn from_bytes(bytes: [u8; 32]) -> PublicKey {
        PublicKey(bytes)
    }

    pub fn bytes(&self) -> &[u8; 32] {
        &self.0
    }

    pub fn to_hex(&self) -> String {
        to_hex(&self.0)
    }

    /// A key from hex; `None` for anything that is not a valid Ed25519 public key.
    pub fn from_hex(s: &str) -> Option<PublicKey> {
        let bytes: [u8; 32] = from_hex(s)?.try_into().ok()?;
        VerifyingKey::from_bytes(&bytes).ok()?;
        Some(PublicKey(bytes))
    }

    /// Whether `signature` is this key's signature of `message` (strict verification: no
    /// weak keys, no malleable signatures).
    pub fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        let Ok(key) = VerifyingKey::from_bytes(&self.0) else {
            return false;
        };
        let Ok(bytes) = <[u8; 64]>::try_from(signature) else {
            return false;
        };
        let signature = ed25519_dalek::Signature::from_bytes(&bytes);
        key.verify_strict(message, &signature).is_ok()
    }
}

/// The code both people compare in the room: the same on both devices when each holds the
/// other's real key. 20 digits in groups of four, from a hash of both keys (leader first).
pub fn safety_code(leader: &PublicKey, employee: &PublicKey) -> String {
    let mut hash = Sha256::new();
    hash.update(b"career-talk/safety-code/v1");
    hash.update(leader.bytes());
    hash.update(employee.bytes());
    let digest = hash.finalize();
    let digits: String = digest
        .chunks(3)
        .take(5)
        .map(|c| {
            let n = u32::from_be_bytes([0, c[0], c[1], c[2]]);
            format!("{:04}", n % 10_000)
        })
        .collect::<Vec<_>>()
        .join(" ");
    digits
}

/// The keys of this device: the one it signs with, and earlier ones (from a backup of
/// another device this one took over), whose signatures are still this person's.
#[derive(Clone, Debug, PartialEq)]
pub struct DeviceKeys {
    pub current: DeviceKey,
    pub earlier: Vec<DeviceKey>,
}

#[derive(Serialize, Deserialize)]
struct StoredKeys {
    current: String,
    #[serde(default)]
    earlier: Vec<String>,
}

impl DeviceKeys {
    pub fn new(current: DeviceKey) -> DeviceKeys {
        DeviceKeys {
            current,
            earlier: vec![],
        }
    }

    /// Whether `key` is one of this device's keys.
    pub fn owns(&self, key: &PublicKey) -> bool {
        self.all().any(|k| k == *key)
    }

    pub fn all(&self) -> impl Iterator<Item = PublicKey> + '_ {
        std::iter::once(&self.current)
            .chain(&self.earlier)
            .map(DeviceKey::public)
    }

    /// Takes in the keys of another device (a backup): they become earlier keys.
    pub fn adopt(&mut self, other: &DeviceKeys) {
        for key in std::iter::once(&other.current).chain(&other.earlier) {
            if !self.owns(&key.public()) {
                self.earlier.push(key.clone());
            }
        }
    }

    /// The stored form (secret: stored only on this device and in its full backups).
    pub fn to_stored(&self) -> String {
        serde_json::to_string(&StoredKeys {
            current: self.current.to_secret_hex(),
            earlier: self.earlier.iter().map(DeviceKey::to_secret_hex).collect(),
        })
        .expect("plain data serializes")
    }

    pub fn from_stored(s: &str) -> Option<DeviceKeys> {
        let stored: StoredKeys = serde_json::from_str(s).ok()?;
        let earlier: Option<Vec<DeviceKey>> = stored
            .earlier
            .iter()
            .take(64)
            .map(|k| DeviceKey::from_secret_hex(k))
            .collect();
        Some(DeviceKeys {
            current: DeviceKey::from_secret_hex(&stored.current)?,
            earlier: earlier?,
        })
    }
}

/// How far this device stands behind a key it accepts for a party.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// This device's own key, or one the person confirmed by comparing the safety code.
    Confirmed,
    /// Seen in something that came in (a link, a file, a bundle, a live session) and not
    /// yet compared: its signatures are shown as such and make nothing agreed.
    Unconfirmed,
    /// A previous leader's key, from the handover file: it counts once this device has
    /// confirmed the employee (the two compared codes with the new leader).
    FromFile,
}

/// A key accepted for a party, with its lifetime.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustedKey {
    pub key: PublicKey,
    pub standing: Standing,
    /// For a key that left the party (a replaced device, a previous leader): the heads of
    /// the history at that moment. Its signatures count only over versions inside that
    /// history (every signed head an ancestor of, or one of, these), never a later one.
    pub until: Option<Vec<ChangeHash>>,
}

impl TrustedKey {
    pub fn confirmed(key: PublicKey) -> TrustedKey {
        TrustedKey {
            key,
            standing: Standing::Confirmed,
            until: None,
        }
    }
}

/// Which keys this device accepts as each party's, for one discussion: its own keys for its
/// own side, the pinned key for the other, and former keys with their cutoffs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Trust {
    pub leader: Vec<TrustedKey>,
    pub employee: Vec<TrustedKey>,
}

impl Trust {
    /// Each party's one confirmed key (as both devices hold it once the code was compared).
    pub fn confirmed(leader: PublicKey, employee: PublicKey) -> Trust {
        Trust {
            leader: vec![TrustedKey::confirmed(leader)],
            employee: vec![TrustedKey::confirmed(employee)],
        }
    }

    pub fn of(&self, party: Side) -> &[TrustedKey] {
        match party {
            Side::Leader => &self.leader,
            Side::Employee => &self.employee,
        }
    }

    /// What this device accepts `key` as, for `party`.
    pub fn find(&self, party: Side, key: &PublicKey) -> Option<&TrustedKey> {
        self.of(party).iter().find(|t| t.key == *key)
    }
}

/// Whether every one of `signed` lies inside the history that ends at `until` (each is one
/// of those heads or an ancestor of them); see [`crate::doc::within`].
pub fn within(doc: &mut AutoCommit, signed: &[ChangeHash], until: &[ChangeHash]) -> bool {
    crate::doc::within(doc, signed, until)
}

fn key_field(party: Side) -> &'static str {
    match party {
        Side::Leader => "key_leader",
        Side::Employee => "key_employee",
    }
}

/// The public key the discussion records for `party`, if a readable one.
pub fn recorded_key(doc: &AutoCommit, party: Side) -> Option<PublicKey> {
    let Ok(Some((Value::Scalar(s), _))) = doc.get(automerge::ROOT, key_field(party)) else {
        return None;
    };
    match s.as_ref() {
        ScalarValue::Str(hex) => PublicKey::from_hex(hex),
        _ => None,
    }
}

/// Every readable key the discussion holds for `party`: the one [`recorded_key`] reads and
/// any written at the same time on another device (a conflict Automerge keeps), so that a
/// second key is seen even when the first one wins the merge.
pub fn recorded_keys(doc: &AutoCommit, party: Side) -> Vec<PublicKey> {
    let Ok(values) = doc.get_all(automerge::ROOT, key_field(party)) else {
        return vec![];
    };
    let mut keys: Vec<PublicKey> = values
        .into_iter()
        .filter_map(|(v, _)| match v {
            Value::Scalar(s) => match s.as_ref() {
                ScalarValue::Str(hex) => PublicKey::from_hex(hex),
                _ => None,
            },
            _ => None,
        })
        .collect();
    keys.dedup();
    keys.truncate(8);
    keys
}

fn confirmed_field(by: Side) -> &'static str {
    match by {
        Side::Leader => "confirmed_leader",
        Side::Employee => "confirmed_employee",
    }
}

#[derive(Serialize, Deserialize)]
struct Confirmed {
    keys: Vec<String>,
    by: String,
    sig: String,
}

fn confirmed_message(discussion_id: &str, by: Side, keys: &[String]) -> Vec<u8> {
    format!(
        "career-talk/confirmed/v1\n{discussion_id}\n{}\n{}",
        by.as_str(),
        keys.join(",")
    )
    .into_bytes()
}

/// The other party's keys that `by` confirmed (compared the safety code for), as `signer`
/// signed them in the discussion: empty unless the statement verifies with `signer`.
pub fn confirmed_by(
    doc: &AutoCommit,
    discussion_id: &str,
    by: Side,
    signer: &PublicKey,
) -> Vec<PublicKey> {
    let Ok(Some((Value::Scalar(s), _))) = doc.get(automerge::ROOT, confirmed_field(by)) else {
        return vec![];
    };
    let ScalarValue::Str(json) = s.as_ref() else {
        return vec![];
    };
    let Ok(stored) = serde_json::from_str::<Confirmed>(json) else {
        return vec![];
    };
    let sig = from_hex(&stored.sig).unwrap_or_default();
    if stored.by != signer.to_hex()
        || stored.keys.len() > 16
        || !signer.verifies(&confirmed_message(discussion_id, by, &stored.keys), &sig)
    {
        return vec![];
    }
    stored
        .keys
        .iter()
        .filter_map(|k| PublicKey::from_hex(k))
        .collect()
}

/// Records, signed by `signer`, that `by` confirmed `key` as the other party's (with the
/// keys it confirmed before, when `signer` signed those). The device of a new leader can then
/// tell which previous leader's key the employee stood behind.
pub fn record_confirmed(
    doc: &mut AutoCommit,
    discussion_id: &str,
    by: Side,
    key: &PublicKey,
    signer: &DeviceKey,
) -> Result<bool, EditError> {
    let mut keys = confirmed_by(doc, discussion_id, by, &signer.public());
    if keys.contains(key) {
        return Ok(false);
    }
    keys.push(*key);
    let skip = keys.len().saturating_sub(16);
    let keys: Vec<String> = keys.iter().skip(skip).map(PublicKey::to_hex).collect();
    let stored = Confirmed {
        sig: to_hex(&signer.sign(&confirmed_message(discussion_id, by, &keys))),
        keys,
        by: signer.public().to_hex(),
    };
    doc.put(
        automerge::ROOT,
        confirmed_field(by),
        serde_json::to_string(&stored).expect("plain data serializes"),
    )?;
    Ok(true)
}

/// Records `key` as `party`'s in the discussion; `false` when it already was.
pub fn record_key(doc: &mut AutoCommit, party: Side, key: &PublicKey) -> Result<bool, EditError> {
    if recorded_key(doc, party) == Some(*key) {
        return Ok(false);
    }
    doc.put(automerge::ROOT, key_field(party), key.to_hex())?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_sign_and_verify_and_survive_storage() {
        let key = DeviceKey::from_seed([7; 32]);
        let sig = key.sign(b"hello");
        assert!(key.public().verifies(b"hello", &sig));
        assert!(!key.public().verifies(b"hellO", &sig));
        assert!(!DeviceKey::from_seed([8; 32])
            .public()
            .verifies(b"hello", &sig));
        assert!(!key.public().verifies(b"hello", &sig[..63]));
        let mut keys = DeviceKeys::new(key.clone());
        keys.adopt(&DeviceKeys::new(DeviceKey::from_seed([9; 32])));
        keys.adopt(&DeviceKeys::new(key.clone()));
        let back = DeviceKeys::from_stored(&keys.to_stored()).unwrap();
        assert_eq!(back, keys);
        assert_eq!(back.earlier.len(), 1);
        assert!(back.owns(&DeviceKey::from_seed([9; 32]).public()));
        assert_eq!(DeviceKeys::from_stored("{\"current\":\"zz\"}"), None);
        assert!(!format!("{key:?}").contains(&to_hex(&[7; 32])));
    }

    #[test]
    fn safety_codes_depend_on_both_keys_in_order() {
        let (a, b, c) = (
            DeviceKey::from_seed([1; 32]).public(),
            DeviceKey::from_seed([2; 32]).public(),
            DeviceKey::from_seed([3; 32]).public(),
        );
        let code = safety_code(&a, &b);
        assert_eq!(code.len(), 24);
        assert!(code.split(' ').all(|g| g.len() == 4));
        assert_eq!(code, safety_code(&a, &b));
        assert_ne!(code, safety_code(&b, &a));
        assert_ne!(code, safety_code(&a, &c));
    }

    #[test]
    fn a_key_that_is_not_a_curve_point_is_refused() {
        // About half of all 32-byte strings are not the encoding of a curve point.
        let refused = (0u8..=255)
            .filter(|b| PublicKey::from_hex(&to_hex(&[*b; 32])).is_none())
            .count();
        assert!(refused > 50, "{refused}");
        assert_eq!(PublicKey::from_hex("ab"), None);
        let k = DeviceKey::from_seed([1; 32]).public();
        assert_eq!(PublicKey::from_hex(&k.to_hex()), Some(k));
    }
}
