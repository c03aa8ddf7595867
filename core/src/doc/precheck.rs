//! A cheap check of Automerge bytes from outside, before Automerge parses them.
//!
//! Automerge 0.12 parses a chunk completely — decoding run-length columns, inflating
//! compressed changes — before it verifies the chunk's checksum, and some of that code
//! panics or allocates without bound on malformed input (fuzzing found a panic and a
//! 700-byte input that asks for gigabytes, both in "bundle" chunks). This walks the chunk
//! headers first and lets through only what this app writes: document and change chunks
//! with a correct checksum, and compressed changes that inflate to a bounded size.

use std::io::Read;

use sha2::{Digest, Sha256};

const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
const DOCUMENT: u8 = 0;
const CHANGE: u8 = 1;
const COMPRESSED: u8 = 2;

/// The most a compressed change may inflate to (the app's own are far smaller).
pub const MAX_INFLATED: usize = 16 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChunkError {
    #[error("it is not Automerge data (no chunk header at byte {0})")]
    NoHeader(usize),
    #[error("a chunk is cut short")]
    Truncated,
    #[error("a chunk of type {0} is not something this app writes")]
    UnsupportedType(u8),
    #[error("a chunk's checksum does not match its contents")]
    Checksum,
    #[error("a compressed change is damaged or inflates past {} MB", MAX_INFLATED / (1024 * 1024))]
    Inflate,
}

fn leb128(bytes: &[u8]) -> Option<(u64, usize)> {
    let mut value: u64 = 0;
    for (i, &b) in bytes.iter().enumerate().take(10) {
        value |= u64::from(b & 0x7f).checked_shl(7 * i as u32)?;
        if b & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

fn checksum(chunk_type: u8, data: &[u8]) -> [u8; 4] {
    let mut len = Vec::with_capacity(10);
    write_leb128(&mut len, data.len() as u64);
    let mut hasher = Sha256::new();
    hasher.update([chunk_type]);
    hasher.update(&len);
    hasher.update(data);
    let hash = hasher.finalize();
    [hash[0], hash[1], hash[2], hash[3]]
}

fn write_leb128(out: &mut Vec<u8>, mut n: u64) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// Checks every chunk in `bytes` (one or more, back to back).
pub fn check(bytes: &[u8]) -> Result<(), ChunkError> {
    let mut at = 0;
    if bytes.is_empty() {
        return Err(ChunkError::NoHeader(0));
    }
    while at < bytes.len() {
        let rest = &bytes[at..];
        if rest.len() < 10 {
            return Err(ChunkError::Truncated);
        }
        if rest[..4] != MAGIC {
            return Err(ChunkError::NoHeader(at));
        }
        let sum: [u8; 4] = rest[4..8].try_into().expect("4 bytes");
        let chunk_type = rest[8];
        let (len, len_size) = leb128(&rest[9..]).ok_or(ChunkError::Truncated)?;
        let start = 9 + len_size;
        let len = usize::try_from(len).map_err(|_| ChunkError::Truncated)?;
        let data = rest
            .get(start..start.checked_add(len).ok_or(ChunkError::Truncated)?)
            .ok_or(ChunkError::Truncated)?;
        match chunk_type {
            DOCUMENT | CHANGE => {
                if checksum(chunk_type, data) != sum {
                    return Err(ChunkError::Checksum);
                }
            }
            COMPRESSED => {
                let mut inflated = Vec::new();
                flate2::read::DeflateDecoder::new(data)
                    .take(MAX_INFLATED as u64 + 1)
                    .read_to_end(&mut inflated)
                    .map_err(|_| ChunkError::Inflate)?;
                if inflated.len() > MAX_INFLATED {
                    return Err(ChunkError::Inflate);
                }
                // The checksum of a compressed change is that of the change it holds.
                if checksum(CHANGE, &inflated) != sum {
                    return Err(ChunkError::Checksum);
                }
            }
            other => return Err(ChunkError::UnsupportedType(other)),
        }
        at += start + len;
    }
    Ok(())
}

/// A sync message's bytes, read field by field without trusting any count.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn rest(&self) -> usize {
        self.bytes.len() - self.at
    }

    fn number(&mut self) -> Result<usize, ChunkError> {
        let (n, size) = leb128(&self.bytes[self.at..]).ok_or(ChunkError::Truncated)?;
        self.at += size;
        usize::try_from(n).map_err(|_| ChunkError::Truncated)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], ChunkError> {
        let end = self.at.checked_add(n).ok_or(ChunkError::Truncated)?;
        let out = self.bytes.get(self.at..end).ok_or(ChunkError::Truncated)?;
        self.at = end;
        Ok(out)
    }

    /// A count of items at least `size` bytes each: never more than the bytes left allow.
    fn count(&mut self, size: usize) -> Result<usize, ChunkError> {
        let n = self.number()?;
        if n.checked_mul(size).is_none_or(|need| need > self.rest()) {
            return Err(ChunkError::Truncated);
        }
        Ok(n)
    }

    fn hashes(&mut self) -> Result<(), ChunkError> {
        let n = self.count(32)?;
        self.take(n * 32).map(|_| ())
    }

    fn bytes(&mut self) -> Result<&'a [u8], ChunkError> {
        let n = self.number()?;
        self.take(n)
    }
}

/// The most probes and bits per entry a Bloom filter may ask for (Automerge writes 7 and
/// 10): Automerge allocates a vector of `probes` for every hash it tests.
const MAX_PROBES: usize = 64;
const MAX_BITS_PER_ENTRY: usize = 64;

/// A Bloom filter of a sync message: empty, or entries, bits per entry and probes within
/// bounds and the bits they call for present (Automerge divides by their number, and
/// sizes a vector by the probes, without checking either).
fn check_bloom(bytes: &[u8]) -> Result<(), ChunkError> {
    if bytes.is_empty() {
        return Ok(());
    }
    let mut r = Reader { bytes, at: 0 };
    let entries = r.number()?;
    let bits_per_entry = r.number()?;
    let probes = r.number()?;
    let bits = entries
        .checked_mul(bits_per_entry)
        .ok_or(ChunkError::Truncated)?
        .div_ceil(8);
    if entries == 0
        || bits == 0
        || probes == 0
        || probes > MAX_PROBES
        || bits_per_entry > MAX_BITS_PER_ENTRY
        || u32::try_from(entries).is_err()
    {
        return Err(ChunkError::Truncated);
    }
    r.take(bits).map(|_| ())
}

/// The first byte of an Automerge sync message (version 1 or 2).
const SYNC_V1: u8 = 0x42;
const SYNC_V2: u8 = 0x43;

/// Checks a sync message from a live peer before Automerge decodes it: every count fits
/// the bytes that follow, and every change (or document) it carries passes [`check`].
pub fn check_sync(bytes: &[u8]) -> Result<(), ChunkError> {
    let mut r = Reader { bytes, at: 1 };
    match bytes.first() {
        Some(&SYNC_V1 | &SYNC_V2) => {}
        _ => return Err(ChunkError::NoHeader(0)),
    }
    r.hashes()?; // heads
    r.hashes()?; // need
    let haves = r.count(2)?;
    for _ in 0..haves {
        r.hashes()?; // last sync
        check_bloom(r.bytes()?)?;
    }
    let changes = r.count(1)?;
    for _ in 0..changes {
        check(r.bytes()?)?;
    }
    if r.rest() > 0 {
        r.bytes()?; // flags
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use automerge::transaction::Transactable;

    fn sample() -> automerge::AutoCommit {
        let mut doc = automerge::AutoCommit::new();
        doc.put(automerge::ROOT, "k", "v".repeat(2000)).unwrap();
        doc.commit();
        doc
    }

    #[test]
    fn what_automerge_writes_passes() {
        let mut doc = sample();
        check(&doc.save()).unwrap();
        let mut all = doc.save();
        doc.put(automerge::ROOT, "k2", "w".repeat(2000)).unwrap();
        doc.commit();
        let incremental = doc.save_incremental();
        check(&incremental).unwrap();
        all.extend(&incremental);
        check(&all).unwrap();
        for c in doc.get_changes(&[]) {
            check(c.raw_bytes()).unwrap();
        }
    }

    #[test]
    fn damage_and_foreign_chunks_are_refused() {
        let mut doc = sample();
        let good = doc.save();
        let mut flipped = good.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert_eq!(check(&flipped), Err(ChunkError::Checksum));
        assert_eq!(check(&good[..good.len() - 1]), Err(ChunkError::Truncated));
        let mut bundle = good.clone();
        bundle[8] = 3;
        assert_eq!(check(&bundle), Err(ChunkError::UnsupportedType(3)));
        assert_eq!(
            check(b"hello world, not automerge"),
            Err(ChunkError::NoHeader(0))
        );
        let mut trailing = good.clone();
        trailing.extend_from_slice(b"junk junk junk");
        assert_eq!(check(&trailing), Err(ChunkError::NoHeader(good.len())));
    }

    #[test]
    fn a_deflate_bomb_is_refused_without_inflating_it_all() {
        use std::io::Write;
        let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(&vec![0u8; MAX_INFLATED + 4096]).unwrap();
        let data = enc.finish().unwrap();
        let mut chunk = MAGIC.to_vec();
        chunk.extend([0, 0, 0, 0, COMPRESSED]);
        write_leb128(&mut chunk, data.len() as u64);
        chunk.extend(&data);
        assert_eq!(check(&chunk), Err(ChunkError::Inflate));
    }
}
