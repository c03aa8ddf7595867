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
/// or their concurrent changes would collide.
pub fn new_actor() -> ActorId {
    ActorId::from(&random16()[..])
}
