//! Randomness from WebCrypto (via getrandom), for ids, actor ids, keys and nonces.

use career_core::model::ids::{from_hex, id_from_bytes, to_hex};
use career_core::storage::keys::StorageKey;

/// `N` random bytes from WebCrypto.
pub fn bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).expect("WebCrypto random numbers are available");
    b
}

pub fn new_id() -> String {
    id_from_bytes(bytes())
}

/// A fresh actor per page load: two tabs of one browser must never share an actor id,
/// or their concurrent changes would collide. The first 8 bytes are this device's (kept in
/// localStorage), so a sign-off can say which device made a later amendment.
pub fn new_actor() -> [u8; 16] {
    let mut actor: [u8; 16] = bytes();
    actor[..8].copy_from_slice(&device_prefix().unwrap_or_else(bytes));
    actor
}

fn device_prefix() -> Option<[u8; 8]> {
    let storage = web_sys::window()?.local_storage().ok()??;
    let key = StorageKey::Device.key();
    let stored = storage.get_item(&key).ok().flatten();
    if let Some(prefix) = stored.and_then(|s| from_hex(&s)?.try_into().ok()) {
        return Some(prefix);
    }
    let prefix: [u8; 8] = bytes();
    storage.set_item(&key, &to_hex(&prefix)).ok()?;
    Some(prefix)
}
