//! What travels through the relay: end-to-end encrypted, signed envelopes.
//!
//! The live link `#live=<discussion>.<room>.<key>.<host>` carries a 256-bit room key that
//! the relay never sees, and the host's sender id. Each message is
//! `{from, to, kind, seq, bytes}` sealed with AES-256-GCM under a fresh 96-bit nonce, with
//! the room id and the sender id as associated data, so a message cannot be moved to
//! another room.
//!
//! The room key is shared by everyone holding the link, so it cannot tell them apart: any
//! of them could seal a message naming another sender. So each tab signs what it sends.
//! It makes an Ed25519 key pair for the session, and its sender id is a hash of the public
//! key: the id cannot be claimed without the secret key. Inside the encryption each
//! message carries the sender's public key and a signature over the room id and the rest
//! of the plaintext; a message whose key does not hash to its sender, or whose signature
//! does not verify, is dropped. Only the host (whose id is in the link) can end the
//! session for everyone.
//!
//! Sequence numbers per sender drop replays. Sealed messages larger than the relay allows
//! are split into chunks and put back together on the other side, within fixed limits.
//!
//! ```text
//! frame  = "CTL2" type:u8 ...
//!   type 0 (whole):  sender:[u8;16] nonce:[u8;12] AES-GCM(plain, aad = room:[u8;16] sender)
//!   type 1 (chunk):  sender:[u8;16] msg:u32 index:u16 count:u16 piece   (of a whole frame)
//! plain  = key:[u8;32] signature:[u8;64] signed
//! signed = kind:u8 from:[u8;16] has_to:u8 to:[u8;16]? seq:u64 len:u32 bytes padding
//! sender = SHA-256("career-talk/live-sender/v1" key)[..16]
//! signature = Ed25519(key, SHA-256("career-talk/live-message/v1" room signed))
//! ```

use std::collections::{BTreeMap, HashMap, VecDeque};

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::model::trust::{DeviceKey, PublicKey};

const MAGIC: &[u8; 4] = b"CTL2";
pub const LINK_PREFIX: &str = "#live=";
/// Where the signed part of a plaintext starts: after the sender's key and signature.
const SIGNED_AT: usize = 32 + 64;
/// The most one reassembled message may hold.
pub const MAX_MESSAGE: usize = 16 * 1024 * 1024;
/// Incomplete chunked messages kept at once; older ones are dropped.
const MAX_PENDING: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Hello,
    Sync,
    Presence,
    Bye,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    pub from: [u8; 16],
    /// `None`: for everyone in the room.
    pub to: Option<[u8; 16]>,
    pub kind: Kind,
    pub seq: u64,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EnvelopeError {
    #[error("a message that is not from this app")]
    NotOurs,
    #[error("a message that could not be decrypted (wrong key, or altered on the way)")]
    BadSeal,
    #[error("a malformed message")]
    Malformed,
    #[error("a message larger than allowed")]
    TooLarge,
    #[error("a replayed message")]
    Replayed,
    #[error("a message numbered too far ahead of its sender's last")]
    SeqJump,
    #[error("a message whose key is not its sender's (someone speaking as another peer)")]
    WrongKey,
    #[error("a message whose signature does not match (altered, or speaking as another peer)")]
    BadSignature,
}

/// A sender id: a hash of the sender's public key, so no one can claim it without the
/// secret key.
pub fn sender_id(key: &PublicKey) -> [u8; 16] {
    let mut hash = Sha256::new();
    hash.update(b"career-talk/live-sender/v1");
    hash.update(key.bytes());
    let digest = hash.finalize();
    digest[..16].try_into().expect("16 of 32 bytes")
}

/// One tab's key for one live session: made from 32 random bytes when the session starts,
/// never stored. (Ephemeral rather than the device key: a tab is a peer of its own, and
/// the relay, which sees sender ids, cannot link sessions to a device.)
#[derive(Clone)]
pub struct SenderKey {
    key: DeviceKey,
    id: [u8; 16],
}

impl std::fmt::Debug for SenderKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the secret.
        f.debug_tuple("SenderKey")
            .field(&crate::model::ids::id_from_bytes(self.id))
            .finish()
    }
}

impl SenderKey {
    pub fn from_seed(seed: [u8; 32]) -> SenderKey {
        let key = DeviceKey::from_seed(seed);
        let id = sender_id(&key.public());
        SenderKey { key, id }
    }

    /// A device's own key as a sender (mailbox bundles are signed by the device).
    pub fn from_device(key: DeviceKey) -> SenderKey {
        let id = sender_id(&key.public());
        SenderKey { key, id }
    }

    /// The sender id messages signed with this key carry.
    pub fn id(&self) -> [u8; 16] {
        self.id
    }
}

/// A live room: its id (the relay subject), key (only in the link), and the sender id of
/// its host, the one peer that can end it.
#[derive(Clone, PartialEq, Eq)]
pub struct Room {
    pub discussion_id: String,
    pub id: [u8; 16],
    key: [u8; 32],
    pub host: [u8; 16],
}

impl std::fmt::Debug for Room {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the key.
        f.debug_struct("Room").field("id", &self.subject()).finish()
    }
}

impl Room {
    pub fn new(discussion_id: &str, id: [u8; 16], key: [u8; 32], host: [u8; 16]) -> Room {
        Room {
            discussion_id: discussion_id.to_string(),
            id,
            key,
            host,
        }
    }

    /// The relay subject for this room.
    pub fn subject(&self) -> String {
        format!("ctalk.{}", crate::model::ids::id_from_bytes(self.id))
    }

    pub fn to_fragment(&self) -> String {
        format!(
            "{LINK_PREFIX}{}.{}.{}.{}",
            self.discussion_id,
            crate::model::ids::id_from_bytes(self.id),
            B64URL.encode(self.key),
            crate::model::ids::id_from_bytes(self.host)
        )
    }

    /// A room from its link; `None` for anything else, including links of earlier versions
    /// (without the host).
    pub fn from_fragment(fragment: &str) -> Option<Room> {
        let rest = fragment.strip_prefix(LINK_PREFIX).unwrap_or(fragment);
        let mut parts = rest.split('.');
        let (d, r, k, h) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some()
            || !crate::model::ids::is_valid_id(d)
            || !crate::model::ids::is_valid_id(r)
            || !crate::model::ids::is_valid_id(h)
        {
            return None;
        }
        let key: [u8; 32] = B64URL.decode(k).ok()?.try_into().ok()?;
        let id: [u8; 16] = crate::model::ids::from_hex(r)?.try_into().ok()?;
        let host: [u8; 16] = crate::model::ids::from_hex(h)?.try_into().ok()?;
        Some(Room::new(d, id, key, host))
    }

    fn cipher(&self) -> Aes256Gcm {
        Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&self.key))
    }

    fn aad(&self, sender: &[u8; 16]) -> [u8; 32] {
        let mut aad = [0u8; 32];
        aad[..16].copy_from_slice(&self.id);
        aad[16..].copy_from_slice(sender);
        aad
    }

    /// What the sender signs: a hash of the room id and the signed part of the plaintext.
    /// (The room id is in it so that a key holder of two rooms cannot carry a peer's
    /// message from one to the other; hashing first spares a copy of large messages.)
    fn digest(&self, signed: &[u8]) -> [u8; 32] {
        let mut hash = Sha256::new();
        hash.update(b"career-talk/live-message/v1");
        hash.update(self.id);
        hash.update(signed);
        hash.finalize().into()
    }

    /// Seals an envelope as one frame, signed with `key`, whose id must be `env.from`;
    /// `nonce` must be fresh random bytes.
    pub fn seal(&self, env: &Envelope, key: &SenderKey, nonce: [u8; 12]) -> Vec<u8> {
        // A mismatch is a bug here; the receiver would drop the message as not its sender's.
        debug_assert_eq!(env.from, key.id(), "sealed with another sender's key");
        let mut plain = Vec::with_capacity(SIGNED_AT + 48 + env.bytes.len());
        plain.extend_from_slice(key.key.public().bytes());
        plain.extend_from_slice(&[0; 64]);
        plain.push(match env.kind {
            Kind::Hello => 0,
            Kind::Sync => 1,
            Kind::Presence => 2,
            Kind::Bye => 3,
        });
        plain.extend_from_slice(&env.from);
        match env.to {
            Some(to) => {
                plain.push(1);
                plain.extend_from_slice(&to);
            }
            None => plain.push(0),
        }
        plain.extend_from_slice(&env.seq.to_be_bytes());
        plain.extend_from_slice(&(env.bytes.len() as u32).to_be_bytes());
        plain.extend_from_slice(&env.bytes);
        // Padded to a size bucket: the relay sees the bucket, not how many characters a
        // keystroke or an answer had.
        plain.resize(padded(plain.len()), 0);
        // The padding is signed too: nothing in the plaintext but the key and the signature
        // itself goes unsigned, and the key must hash to the sender.
        let signature = key.key.sign(&self.digest(&plain[SIGNED_AT..]));
        plain[32..SIGNED_AT].copy_from_slice(&signature);
        let sealed = self
            .cipher()
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: &plain,
                    aad: &self.aad(&env.from),
                },
            )
            .expect("AES-GCM encryption of an in-memory buffer");
        let mut frame = Vec::with_capacity(4 + 1 + 16 + 12 + sealed.len());
        frame.extend_from_slice(MAGIC);
        frame.push(0);
        frame.extend_from_slice(&env.from);
        frame.extend_from_slice(&nonce);
        frame.extend_from_slice(&sealed);
        frame
    }

    /// The nonce of a whole sealed frame, which names it: the same frame arriving through
    /// two transports (relay and tab channel) is one message. `None` for anything else.
    pub fn nonce_of(frame: &[u8]) -> Option<[u8; 12]> {
        if frame.len() < 33 || &frame[..4] != MAGIC || frame[4] != 0 {
            return None;
        }
        frame[21..33].try_into().ok()
    }

    /// Opens a whole frame. Anything wrong is an error, never a panic.
    pub fn open(&self, frame: &[u8]) -> Result<Envelope, EnvelopeError> {
        if frame.len() < 4 + 1 + 16 + 12 + 16 || &frame[..4] != MAGIC {
            return Err(EnvelopeError::NotOurs);
        }
        if frame[4] != 0 {
            return Err(EnvelopeError::Malformed);
        }
        let sender: [u8; 16] = frame[5..21].try_into().expect("16 bytes");
        let nonce = &frame[21..33];
        let plain = self
            .cipher()
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: &frame[33..],
                    aad: &self.aad(&sender),
                },
            )
            .map_err(|_| EnvelopeError::BadSeal)?;
        if plain.len() < SIGNED_AT {
            return Err(EnvelopeError::Malformed);
        }
        let key = PublicKey::from_bytes(plain[..32].try_into().expect("32 bytes"));
        if sender_id(&key) != sender {
            return Err(EnvelopeError::WrongKey);
        }
        let signed = &plain[SIGNED_AT..];
        if !key.verifies(&self.digest(signed), &plain[32..SIGNED_AT]) {
            return Err(EnvelopeError::BadSignature);
        }
        let mut at: usize = 0;
        let mut take = |n: usize| -> Result<&[u8], EnvelopeError> {
            let end = at.checked_add(n).ok_or(EnvelopeError::Malformed)?;
            let part = signed.get(at..end).ok_or(EnvelopeError::Malformed)?;
            at += n;
            Ok(part)
        };
        let kind = match take(1)?[0] {
            0 => Kind::Hello,
            1 => Kind::Sync,
            2 => Kind::Presence,
            3 => Kind::Bye,
            _ => return Err(EnvelopeError::Malformed),
        };
        let from: [u8; 16] = take(16)?.try_into().expect("16 bytes");
        if from != sender {
            return Err(EnvelopeError::Malformed);
        }
        let to = match take(1)?[0] {
            0 => None,
            1 => Some(take(16)?.try_into().expect("16 bytes")),
            _ => return Err(EnvelopeError::Malformed),
        };
        let seq = u64::from_be_bytes(take(8)?.try_into().expect("8 bytes"));
        let len = u32::from_be_bytes(take(4)?.try_into().expect("4 bytes")) as usize;
        let bytes = take(len)?.to_vec();
        Ok(Envelope {
            from,
            to,
            kind,
            seq,
            bytes,
        })
    }
}

/// The size a sealed envelope's plaintext is padded to: powers of two from 256 bytes to
/// 64 KiB, then whole multiples of 64 KiB. (What follows the declared length is ignored.)
pub fn padded(len: usize) -> usize {
    const STEP: usize = 64 * 1024;
    if len <= STEP {
        len.next_power_of_two().max(256)
    } else {
        len.div_ceil(STEP) * STEP
    }
}

/// The chunk header: magic, kind 1, the sender (as in the frame), message id, index, count.
const CHUNK_HEAD: usize = 4 + 1 + 16 + 4 + 2 + 2;
/// Incomplete chunked messages kept per sender.
const MAX_PENDING_PER_SENDER: usize = 4;
/// Largest step a sender's sequence number may take: a bigger jump would let one message
/// shut out that sender's next ones as replays.
pub const MAX_SEQ_STEP: u64 = 1 << 20;

/// Splits a frame into pieces of at most `max` bytes each (whole if it fits). Each piece
/// names the frame's sender, so pieces of two senders never mix.
pub fn chunk(frame: Vec<u8>, max: usize, msg_id: u32) -> Vec<Vec<u8>> {
    if frame.len() <= max {
        return vec![frame];
    }
    let sender: [u8; 16] = frame
        .get(5..21)
        .and_then(|s| s.try_into().ok())
        .unwrap_or([0; 16]);
    let piece = max.saturating_sub(CHUNK_HEAD).max(1);
    let count = frame.len().div_ceil(piece);
    frame
        .chunks(piece)
        .enumerate()
        .map(|(i, part)| {
            let mut out = Vec::with_capacity(CHUNK_HEAD + part.len());
            out.extend_from_slice(MAGIC);
            out.push(1);
            out.extend_from_slice(&sender);
            out.extend_from_slice(&msg_id.to_be_bytes());
            out.extend_from_slice(&(i as u16).to_be_bytes());
            out.extend_from_slice(&(count as u16).to_be_bytes());
            out.extend_from_slice(part);
            out
        })
        .collect()
}

/// A chunked message being put back together: its piece count, the pieces so far, and
/// their total size.
type Partial = (u16, Vec<Option<Vec<u8>>>, usize);

/// Puts chunked frames back together, per sender and message id, within fixed limits: a
/// few pending messages per sender, and all pending pieces together no larger than one
/// whole message.
#[derive(Default)]
pub struct Reassembler {
    pending: BTreeMap<([u8; 16], u32), Partial>,
    /// Arrival order of the pending messages, oldest first.
    order: Vec<([u8; 16], u32)>,
}

impl Reassembler {
    fn drop_partial(&mut self, key: &([u8; 16], u32)) {
        self.pending.remove(key);
        self.order.retain(|k| k != key);
    }

    fn pending_bytes(&self) -> usize {
        self.pending.values().map(|p| p.2).sum()
    }

    /// Returns a whole frame when `frame` is one, or completes one.
    pub fn push(&mut self, frame: &[u8]) -> Result<Option<Vec<u8>>, EnvelopeError> {
        if frame.len() < 5 || &frame[..4] != MAGIC {
            return Err(EnvelopeError::NotOurs);
        }
        match frame[4] {
            0 => Ok(Some(frame.to_vec())),
            1 if frame.len() >= CHUNK_HEAD => {
                let sender: [u8; 16] = frame[5..21].try_into().expect("16 bytes");
                let id = u32::from_be_bytes(frame[21..25].try_into().expect("4 bytes"));
                let index = u16::from_be_bytes(frame[25..27].try_into().expect("2 bytes"));
                let count = u16::from_be_bytes(frame[27..29].try_into().expect("2 bytes"));
                let part = &frame[CHUNK_HEAD..];
                if count == 0
                    || index >= count
                    || (count as usize) * part.len().max(1) > MAX_MESSAGE * 2
                {
                    return Err(EnvelopeError::Malformed);
                }
                let key = (sender, id);
                if !self.pending.contains_key(&key) {
                    // Room for a new message: within this sender's share, then overall.
                    let mine: Vec<_> = self
                        .order
                        .iter()
                        .filter(|k| k.0 == sender)
                        .copied()
                        .collect();
                    if mine.len() >= MAX_PENDING_PER_SENDER {
                        self.drop_partial(&mine[0]);
                    }
                    if self.pending.len() >= MAX_PENDING {
                        let oldest = self.order[0];
                        self.drop_partial(&oldest);
                    }
                    self.order.push(key);
                }
                let entry = self
                    .pending
                    .entry(key)
                    .or_insert_with(|| (count, vec![None; count as usize], 0));
                if entry.0 != count {
                    self.drop_partial(&key);
                    return Err(EnvelopeError::Malformed);
                }
                if entry.1[index as usize].is_none() {
                    entry.2 += part.len();
                    entry.1[index as usize] = Some(part.to_vec());
                    if entry.2 > MAX_MESSAGE {
                        self.drop_partial(&key);
                        return Err(EnvelopeError::TooLarge);
                    }
                    // All pending pieces together stay within one whole message: the
                    // oldest other messages go first.
                    while self.pending_bytes() > MAX_MESSAGE {
                        let Some(oldest) = self.order.iter().find(|k| **k != key).copied() else {
                            break;
                        };
                        self.drop_partial(&oldest);
                    }
                }
                let entry = self.pending.get(&key).expect("present");
                if entry.1.iter().all(Option::is_some) {
                    let (_, parts, _) = self.pending.remove(&key).expect("present");
                    self.order.retain(|k| *k != key);
                    let whole: Vec<u8> = parts.into_iter().flatten().flatten().collect();
                    // The pieces' sender must be the frame's.
                    if whole.get(5..21) != Some(&sender[..]) {
                        return Err(EnvelopeError::Malformed);
                    }
                    return Ok(Some(whole));
                }
                Ok(None)
            }
            _ => Err(EnvelopeError::Malformed),
        }
    }
}

/// Which way a frame came: through the relay, or from a tab of this browser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    Relay,
    Channel,
}

/// What [`SeenFrames::note`] makes of a whole frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seen {
    /// Not seen before (or no nonce to tell): open it.
    New,
    /// The same frame through the other transport, as expected: drop it quietly.
    Echo,
    /// The same frame again through the same transport: a replay.
    Again,
}

/// The nonces of the last [`SeenFrames::LIMIT`] whole frames, and the transport each came
/// by: every frame goes out on both, so each arrives twice in a tab of the same browser.
#[derive(Default)]
pub struct SeenFrames {
    seen: HashMap<[u8; 12], Transport>,
    order: VecDeque<[u8; 12]>,
}

impl SeenFrames {
    pub const LIMIT: usize = 4096;

    pub fn note(&mut self, whole: &[u8], via: Transport) -> Seen {
        let Some(nonce) = Room::nonce_of(whole) else {
            return Seen::New;
        };
        if let Some(first) = self.seen.get(&nonce) {
            return if *first == via {
                Seen::Again
            } else {
                Seen::Echo
            };
        }
        self.seen.insert(nonce, via);
        self.order.push_back(nonce);
        if self.order.len() > Self::LIMIT {
            if let Some(old) = self.order.pop_front() {
                self.seen.remove(&old);
            }
        }
        Seen::New
    }
}

/// Drops messages whose sequence number a sender has already used, or that jump further
/// ahead than any real gap. A sender that said goodbye is remembered (its old messages
/// stay replays); one that rejoins does so under a new id.
#[derive(Default)]
pub struct ReplayGuard {
    last: HashMap<[u8; 16], u64>,
}

impl ReplayGuard {
    pub fn check(&mut self, env: &Envelope) -> Result<(), EnvelopeError> {
        let last = self.last.entry(env.from).or_insert(0);
        if env.seq <= *last {
            return Err(EnvelopeError::Replayed);
        }
        if env.seq - *last > MAX_SEQ_STEP {
            return Err(EnvelopeError::SeqJump);
        }
        *last = env.seq;
        Ok(())
    }
}

#[cfg(test)]
mod seen_tests {
    use super::*;

    fn frame(nonce: u8) -> Vec<u8> {
        let mut f = MAGIC.to_vec();
        f.push(0);
        f.extend([0; 16]);
        f.extend([nonce; 12]);
        f.extend([0; 16]);
        f
    }

    #[test]
    fn a_frame_through_both_transports_is_one_message_and_the_same_way_twice_a_replay() {
        let mut seen = SeenFrames::default();
        assert_eq!(seen.note(&frame(1), Transport::Relay), Seen::New);
        assert_eq!(seen.note(&frame(1), Transport::Channel), Seen::Echo);
        assert_eq!(seen.note(&frame(1), Transport::Relay), Seen::Again);
        assert_eq!(seen.note(&frame(2), Transport::Channel), Seen::New);
        assert_eq!(seen.note(b"not ours", Transport::Relay), Seen::New);
    }

    #[test]
    fn only_the_latest_frames_are_remembered() {
        let mut seen = SeenFrames::default();
        let mut f = frame(0);
        for i in 0..=SeenFrames::LIMIT as u32 {
            f[21..25].copy_from_slice(&i.to_be_bytes());
            assert_eq!(seen.note(&f, Transport::Relay), Seen::New);
        }
        f[21..25].copy_from_slice(&0u32.to_be_bytes());
        assert_eq!(seen.note(&f, Transport::Relay), Seen::New);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn room() -> Room {
        Room::new(
            "0123456789abcdef0123456789abcdef",
            [7; 16],
            [9; 32],
            [5; 16],
        )
    }

    fn alice() -> SenderKey {
        SenderKey::from_seed([1; 32])
    }

    fn env(seq: u64, bytes: &[u8]) -> Envelope {
        Envelope {
            from: alice().id(),
            to: None,
            kind: Kind::Sync,
            seq,
            bytes: bytes.to_vec(),
        }
    }

    #[test]
    fn a_sealed_envelope_opens_only_with_the_right_key_and_room() {
        let sealed = room().seal(&env(1, b"Zoe's notes"), &alice(), [3; 12]);
        assert_eq!(room().open(&sealed).unwrap(), env(1, b"Zoe's notes"));
        // The relay sees no plaintext.
        assert!(!sealed.windows(5).any(|w| w == b"notes"));
        let wrong_key = Room::new(
            "0123456789abcdef0123456789abcdef",
            [7; 16],
            [8; 32],
            [5; 16],
        );
        assert_eq!(wrong_key.open(&sealed), Err(EnvelopeError::BadSeal));
        let other_room = Room::new(
            "0123456789abcdef0123456789abcdef",
            [6; 16],
            [9; 32],
            [5; 16],
        );
        assert_eq!(other_room.open(&sealed), Err(EnvelopeError::BadSeal));
    }

    #[test]
    fn sealed_sizes_show_a_bucket_not_the_length() {
        let size = |n: usize| {
            room()
                .seal(&env(1, &vec![b'x'; n]), &alice(), [3; 12])
                .len()
        };
        assert_eq!(size(1), size(120), "a keystroke and a sentence look alike");
        assert!(size(200) > size(120));
        assert_eq!(size(200), size(350));
        assert_eq!(
            room()
                .open(&room().seal(&env(1, b"Zo\xc3\xab"), &alice(), [3; 12]))
                .unwrap()
                .bytes,
            "Zoë".as_bytes()
        );
        assert_eq!(padded(70_000), 128 * 1024);
        assert_eq!(padded(200_000), 256 * 1024);
    }

    #[test]
    fn tampering_anywhere_is_detected() {
        let sealed = room().seal(&env(1, b"hello"), &alice(), [3; 12]);
        for i in 5..sealed.len() {
            let mut t = sealed.clone();
            t[i] ^= 0x40;
            assert!(room().open(&t).is_err(), "byte {i} flipped went unnoticed");
        }
        assert_eq!(room().open(b"junk"), Err(EnvelopeError::NotOurs));
    }

    #[test]
    fn large_messages_are_chunked_and_reassembled_in_any_order() {
        let big: Vec<u8> = (0..100_000u32).map(|i| (i * 31 % 251) as u8).collect();
        let sealed = room().seal(&env(1, &big), &alice(), [3; 12]);
        let mut pieces = chunk(sealed.clone(), 4096, 42);
        assert!(pieces.len() > 20 && pieces.iter().all(|p| p.len() <= 4096));
        pieces.reverse();
        let mut r = Reassembler::default();
        let mut whole = None;
        for p in &pieces {
            if let Some(frame) = r.push(p).unwrap() {
                whole = Some(frame);
            }
        }
        assert_eq!(room().open(&whole.unwrap()).unwrap().bytes, big);
    }

    #[test]
    fn two_senders_with_the_same_message_id_both_arrive() {
        let big: Vec<u8> = (0..20_000u32).map(|i| (i % 251) as u8).collect();
        let bob = SenderKey::from_seed([2; 32]);
        let mut second = env(1, &big);
        second.from = bob.id();
        let a = chunk(room().seal(&env(1, &big), &alice(), [3; 12]), 4096, 7);
        let b = chunk(room().seal(&second, &bob, [4; 12]), 4096, 7);
        let mut r = Reassembler::default();
        let mut whole = vec![];
        for (x, y) in a.iter().zip(&b) {
            whole.extend(r.push(x).unwrap());
            whole.extend(r.push(y).unwrap());
        }
        let senders: Vec<[u8; 16]> = whole.iter().map(|f| room().open(f).unwrap().from).collect();
        assert_eq!(senders, vec![alice().id(), bob.id()]);
    }

    #[test]
    fn pieces_claiming_another_sender_do_not_make_a_message() {
        let big: Vec<u8> = (0..20_000u32).map(|i| (i % 251) as u8).collect();
        let mut pieces = chunk(room().seal(&env(1, &big), &alice(), [3; 12]), 4096, 7);
        for p in &mut pieces {
            p[5..21].copy_from_slice(&[9; 16]);
        }
        let mut r = Reassembler::default();
        let results: Vec<_> = pieces.iter().map(|p| r.push(p)).collect();
        assert_eq!(results.last(), Some(&Err(EnvelopeError::Malformed)));
    }

    #[test]
    fn a_sequence_number_far_ahead_cannot_shut_a_sender_out() {
        let mut guard = ReplayGuard::default();
        assert!(guard.check(&env(1, b"a")).is_ok());
        assert_eq!(
            guard.check(&env(u64::MAX, b"x")),
            Err(EnvelopeError::SeqJump)
        );
        assert!(
            guard.check(&env(2, b"b")).is_ok(),
            "the sender's next message"
        );
    }

    #[test]
    fn replays_are_dropped() {
        let mut guard = ReplayGuard::default();
        assert!(guard.check(&env(1, b"a")).is_ok());
        assert!(guard.check(&env(2, b"b")).is_ok());
        assert_eq!(guard.check(&env(2, b"b")), Err(EnvelopeError::Replayed));
        assert_eq!(guard.check(&env(1, b"a")), Err(EnvelopeError::Replayed));
    }

    #[test]
    fn live_links_round_trip_and_reject_junk() {
        let r = room();
        let link = r.to_fragment();
        assert!(link.starts_with("#live=0123456789abcdef0123456789abcdef."));
        assert!(
            link.ends_with(".05050505050505050505050505050505"),
            "{link}"
        );
        assert_eq!(Room::from_fragment(&link), Some(r));
        // A link of an earlier version, without the host: refused, not joined with no host.
        let without_host = link.rsplit_once('.').unwrap().0.to_string();
        let with_more = format!("{link}.05050505050505050505050505050505");
        for bad in [
            "#live=",
            "#live=a.b.c",
            "#live=0123456789abcdef0123456789abcdef.0707.xx",
            "nonsense",
            &without_host,
            &with_more,
        ] {
            assert_eq!(Room::from_fragment(bad), None, "{bad}");
        }
    }

    /// Decrypts a frame of room `from`, lets `change` alter the plaintext, and seals it
    /// again for room `to` as a key holder could: the rooms' encryption is intact, only
    /// the signature can tell.
    fn reseal(from: &Room, to: &Room, frame: &[u8], change: impl FnOnce(&mut Vec<u8>)) -> Vec<u8> {
        let sender: [u8; 16] = frame[5..21].try_into().unwrap();
        let nonce = Nonce::from_slice(&frame[21..33]);
        let mut plain = from
            .cipher()
            .decrypt(
                nonce,
                Payload {
                    msg: &frame[33..],
                    aad: &from.aad(&sender),
                },
            )
            .unwrap();
        change(&mut plain);
        let sealed = to
            .cipher()
            .encrypt(
                nonce,
                Payload {
                    msg: &plain,
                    aad: &to.aad(&sender),
                },
            )
            .unwrap();
        [&frame[..33], &sealed[..]].concat()
    }

    #[test]
    fn every_byte_a_key_holder_changes_breaks_the_signature() {
        let r = room();
        let sealed = r.seal(&env(1, b"hello"), &alice(), [3; 12]);
        assert_eq!(
            r.open(&reseal(&r, &r, &sealed, |_| {})).unwrap(),
            env(1, b"hello")
        );
        let len = sealed.len() - 33 - 16;
        for i in 0..len {
            let altered = reseal(&r, &r, &sealed, |p| p[i] ^= 0x01);
            let expected = if i < 32 {
                EnvelopeError::WrongKey
            } else {
                EnvelopeError::BadSignature
            };
            assert_eq!(r.open(&altered), Err(expected), "plaintext byte {i}");
        }
        // Nor can anything be added or taken away.
        let longer = reseal(&r, &r, &sealed, |p| p.push(0));
        assert_eq!(r.open(&longer), Err(EnvelopeError::BadSignature));
        let cut = reseal(&r, &r, &sealed, |p| p.truncate(SIGNED_AT - 1));
        assert_eq!(r.open(&cut), Err(EnvelopeError::Malformed));
    }

    #[test]
    fn a_signed_message_does_not_open_in_another_room_with_the_same_key() {
        // Someone holding the keys of two rooms re-encrypts a peer's message for the other.
        let sealed = room().seal(&env(1, b"hello"), &alice(), [3; 12]);
        let other = Room::new(
            "0123456789abcdef0123456789abcdef",
            [6; 16],
            [9; 32],
            [5; 16],
        );
        let moved = reseal(&room(), &other, &sealed, |_| {});
        assert_eq!(other.open(&moved), Err(EnvelopeError::BadSignature));
    }

    #[test]
    fn a_sender_id_is_the_hash_of_its_key() {
        let a = alice();
        assert_eq!(a.id(), sender_id(&a.key.public()));
        assert_ne!(a.id(), SenderKey::from_seed([2; 32]).id());
        // Never the secret in debug output.
        assert!(!format!("{a:?}").contains("01010101"), "{a:?}");
    }
}
