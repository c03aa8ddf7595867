//! Sharing a discussion by link or file, and taking one in.
//!
//! Only the *shared* discussion document ever travels; the leader's prep and the employee's
//! reflection are separate documents that this module never sees.
//!
//! A package (the bytes of a `.ctalk` file, or base64url after `#ct=` in a link) is:
//!
//! ```text
//! "CTK1"                          magic
//! u8    contents                  1 = whole document, 2 = only changes after some heads
//! u8    audience                  1 = for the employee, 2 = for the leader
//! [u8;16] discussion id
//! u8    n, then n × [u8;32]       the sender's heads (what the sender has)
//! u32   CRC-32 of all of the above and the payload
//! ...   payload                   Automerge save() or save_after() bytes
//! ```
//!
//! Taking one in never replaces anything: a whole document is *merged* into the local copy
//! (if there is one), changes are applied to a trial copy first, and any failure leaves the
//! local document exactly as it was.

use automerge::{AutoCommit, ChangeHash};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;
use thiserror::Error;

use crate::Side;

use crate::error::DecodeError;
use crate::model::discussion::{self, Discussion};

const MAGIC: &[u8; 4] = b"CTK1";
/// The fragment key of a share link: `#ct=<package>`.
pub const LINK_PREFIX: &str = "#ct=";
/// Longer links are refused by some browsers and mail clients: offer a file instead.
pub const MAX_LINK_CHARS: usize = 32_000;
/// The largest package taken in (a year of notes is well under 1 MB).
pub const MAX_PACKAGE_BYTES: usize = 10 * 1024 * 1024;
/// File name extension of a package.
pub const FILE_EXTENSION: &str = "ctalk";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Contents {
    Whole,
    ChangesOnly,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ShareError {
    #[error("this is not a Career Talk link or file")]
    NotAPackage,
    #[error("the link or file is incomplete or has been altered")]
    Corrupted,
    #[error("the link or file is too large ({0} MB; the limit is 10 MB)")]
    TooLarge(usize),
    #[error("{0}")]
    Document(String),
    #[error("it belongs to a different discussion that happens to have the same id; nothing was changed")]
    Unrelated,
    #[error("it holds only changes on top of a version you do not have; ask the sender for a full link or file")]
    MissingBase,
}

impl From<DecodeError> for ShareError {
    fn from(e: DecodeError) -> Self {
        ShareError::Document(e.to_string())
    }
}

/// A decoded, checked package.
#[derive(Clone)]
pub struct Package {
    pub contents: Contents,
    pub audience: Side,
    pub discussion_id: String,
    pub sender_heads: Vec<ChangeHash>,
    pub payload: Vec<u8>,
}

fn crc32(parts: &[&[u8]]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for part in parts {
        for &byte in *part {
            crc ^= byte as u32;
            for _ in 0..8 {
                crc = if crc & 1 != 0 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
    }
    !crc
}

fn id_bytes(id: &str) -> Result<[u8; 16], ShareError> {
    if !crate::model::ids::is_valid_id(id) {
        return Err(ShareError::Document(format!(
            "invalid discussion id {id:?}"
        )));
    }
    let bytes = crate::model::ids::from_hex(id).expect("checked hex");
    Ok(bytes.try_into().expect("a valid id is 16 bytes"))
}

impl Package {
    /// The whole shared document.
    pub fn whole(doc: &mut AutoCommit, audience: Side) -> Result<Package, ShareError> {
        let d = discussion::read(doc)?;
        Ok(Package {
            contents: Contents::Whole,
            audience,
            discussion_id: d.id,
            sender_heads: doc.get_heads(),
            payload: doc.save(),
        })
    }

    /// Only the changes the recipient lacks, given heads the recipient is known to have.
    /// Falls back to the whole document when those heads are unknown here.
    pub fn changes_since(
        doc: &mut AutoCommit,
        audience: Side,
        recipient_has: &[ChangeHash],
    ) -> Result<Package, ShareError> {
        let known = !recipient_has.is_empty()
            && recipient_has
                .iter()
                .all(|h| doc.get_change_by_hash(h).is_some());
        if !known {
            return Package::whole(doc, audience);
        }
        let d = discussion::read(doc)?;
        Ok(Package {
            contents: Contents::ChangesOnly,
            audience,
            discussion_id: d.id,
            sender_heads: doc.get_heads(),
            payload: doc.save_after(recipient_has),
        })
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut head = Vec::with_capacity(64 + 32 * self.sender_heads.len());
        head.extend_from_slice(MAGIC);
        head.push(match self.contents {
            Contents::Whole => 1,
            Contents::ChangesOnly => 2,
        });
        head.push(match self.audience {
            Side::Employee => 1,
            Side::Leader => 2,
        });
        head.extend_from_slice(&id_bytes(&self.discussion_id).expect("ids come from documents"));
        let heads = &self.sender_heads[..self.sender_heads.len().min(255)];
        head.push(heads.len() as u8);
        for h in heads {
            head.extend_from_slice(h.as_ref());
        }
        let crc = crc32(&[&head, &self.payload]);
        head.extend_from_slice(&crc.to_be_bytes());
        head.extend_from_slice(&self.payload);
        head
    }

    pub fn from_bytes(bytes: &[u8]) -> Result<Package, ShareError> {
        if bytes.len() > MAX_PACKAGE_BYTES {
            return Err(ShareError::TooLarge(bytes.len() / (1024 * 1024)));
        }
        if bytes.len() < 4 || &bytes[..4] != MAGIC {
            return Err(ShareError::NotAPackage);
        }
        let mut at = 4;
        let mut take = |n: usize| -> Result<&[u8], ShareError> {
            let part = bytes.get(at..at + n).ok_or(ShareError::Corrupted)?;
            at += n;
            Ok(part)
        };
        let contents = match take(1)?[0] {
            1 => Contents::Whole,
            2 => Contents::ChangesOnly,
            _ => return Err(ShareError::Corrupted),
        };
        let audience = match take(1)?[0] {
            1 => Side::Employee,
            2 => Side::Leader,
            _ => return Err(ShareError::Corrupted),
        };
        let discussion_id =
            crate::model::ids::id_from_bytes(take(16)?.try_into().expect("16 bytes"));
        let n = take(1)?[0] as usize;
        let mut sender_heads = Vec::with_capacity(n);
        for _ in 0..n {
            let raw: [u8; 32] = take(32)?.try_into().expect("32 bytes");
            sender_heads.push(ChangeHash(raw));
        }
        let head_len = 4 + 1 + 1 + 16 + 1 + 32 * n;
        let crc = u32::from_be_bytes(take(4)?.try_into().expect("4 bytes"));
        let payload = &bytes[head_len + 4..];
        if crc32(&[&bytes[..head_len], payload]) != crc {
            return Err(ShareError::Corrupted);
        }
        Ok(Package {
            contents,
            audience,
            discussion_id,
            sender_heads,
            payload: payload.to_vec(),
        })
    }

    /// The `#ct=…` fragment of a share link.
    pub fn to_fragment(&self) -> String {
        format!("{LINK_PREFIX}{}", B64URL.encode(self.to_bytes()))
    }

    /// Decodes a link's fragment (with or without the leading `#ct=`).
    pub fn from_fragment(fragment: &str) -> Result<Package, ShareError> {
        let data = fragment
            .strip_prefix(LINK_PREFIX)
            .unwrap_or(fragment)
            .trim();
        // base64 grows data by 4/3: refuse before decoding anything huge.
        if data.len() / 4 * 3 > MAX_PACKAGE_BYTES {
            return Err(ShareError::TooLarge(data.len() / 4 * 3 / (1024 * 1024)));
        }
        let bytes = B64URL
            .decode(data.trim_end_matches('='))
            .map_err(|_| ShareError::Corrupted)?;
        Package::from_bytes(&bytes)
    }

    /// For a whole-document package: the checked document it carries.
    pub fn whole_document(&self) -> Result<(AutoCommit, Discussion), ShareError> {
        let doc = self.document()?;
        let d = discussion::read(&doc)?;
        if d.id != self.discussion_id {
            return Err(ShareError::Corrupted);
        }
        Ok((doc, d))
    }

    /// The document a whole package carries, loaded strictly and complete.
    fn document(&self) -> Result<AutoCommit, ShareError> {
        if self.contents != Contents::Whole {
            return Err(ShareError::MissingBase);
        }
        let mut doc =
            crate::model::schema::load_strict(&self.payload).map_err(|_| ShareError::Corrupted)?;
        if !doc.get_missing_deps(&[]).is_empty() {
            return Err(ShareError::Corrupted);
        }
        Ok(doc)
    }

    /// Brings what the package carries into `doc`: its whole document merged, or its
    /// changes added. Run inside [`join`](super::join::join), which checks and undoes.
    pub(crate) fn bring(&self, doc: &mut AutoCommit) -> Result<(), ShareError> {
        match self.contents {
            // No changes at all: the sender only says what it has (a paired device's
            // acknowledgement).
            Contents::ChangesOnly if self.payload.is_empty() => Ok(()),
            Contents::Whole => doc
                .merge(&mut self.document()?)
                .map(drop)
                .map_err(|_| ShareError::Corrupted),
            Contents::ChangesOnly => crate::model::schema::load_more_strict(doc, &self.payload)
                .map_err(|e| {
                    if e.is_some() {
                        ShareError::Corrupted
                    } else {
                        ShareError::MissingBase
                    }
                }),
        }
    }
}

pub use crate::doc::origin;

/// What a merge brought in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merged {
    /// Local heads before the merge: what "changed since" is measured from.
    pub before: Vec<ChangeHash>,
    pub new_changes: usize,
    /// The discussion as it reads after the merge (`None`: nothing was merged).
    pub discussion: Option<Discussion>,
}

/// Merges `package` into the local copy of its discussion, through the one way in
/// ([`join`](super::join::join)): the same history, and still a valid discussion with the
/// package's id. On any error the local document is left exactly as it was.
pub fn merge_into(local: &mut AutoCommit, package: &Package) -> Result<Merged, ShareError> {
    let joined = super::join::join(
        local,
        |doc| package.bring(doc),
        |doc| match discussion::read(doc)? {
            d if d.id == package.discussion_id => Ok(d),
            _ => Err(ShareError::Unrelated),
        },
    );
    match joined {
        Ok((_, j)) => Ok(Merged {
            before: j.before,
            new_changes: j.new_changes,
            discussion: j.value,
        }),
        Err(super::join::Refused::AnotherHistory) => Err(ShareError::Unrelated),
        Err(super::join::Refused::Because(e)) => Err(e),
    }
}
