//! Randomness from WebCrypto (via getrandom), for ids and Automerge actor ids.

use career_core::ids::id_from_bytes;
use career_core::ActorId;

fn random16() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).expect("WebCrypto random numbers are available");
    bytes
}

pub fn new_id() -> String {
    id_from_bytes(random16())
}

/// A fresh actor per page load: two tabs of one browser must never share an actor id,
/// or their concurrent changes would collide. The first 8 bytes are this device's (kept in
/// localStorage), so a sign-off can say which device made a later amendment.
pub fn new_actor() -> ActorId {
    let mut bytes = random16();
    bytes[..8].copy_from_slice(
        &device_prefix().unwrap_or_else(|| random16()[..8].try_into().expect("8 bytes")),
    );
    ActorId::from(&bytes[..])
}

const DEVICE_KEY: &str = "ct1:device";

fn device_prefix() -> Option<[u8; 8]> {
    let storage = web_sys::window()?.local_storage().ok()??;
    let stored = storage.get_item(DEVICE_KEY).ok().flatten();
    let parse = |s: &str| -> Option<[u8; 8]> {
        if s.len() != 16 {
            return None;
        }
        let mut out = [0u8; 8];
        for (i, b) in out.iter_mut().enumerate() {
            *b = u8::from_str_radix(s.get(i * 2..i * 2 + 2)?, 16).ok()?;
        }
        Some(out)
    };
    if let Some(prefix) = stored.as_deref().and_then(parse) {
        return Some(prefix);
    }
    let prefix: [u8; 8] = random16()[..8].try_into().expect("8 bytes");
    let hex: String = prefix.iter().map(|b| format!("{b:02x}")).collect();
    storage.set_item(DEVICE_KEY, &hex).ok()?;
    Some(prefix)
}
