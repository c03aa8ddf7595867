//! Frames from someone holding the room key, who can encrypt anything: reassembly, opening
//! and the session never panic, and never take in a message whose key is not its sender's
//! or whose signature does not verify, nor an "end" from anyone but the host.
//!
//! The first byte picks what the rest is:
//! - 0: relay frames separated by 0xA5 (whole or chunked);
//! - 1: a sender id and a plaintext of the fuzzer's, encrypted here under the room key;
//! - 2: two bytes of position, one of difference, one of kind, then a message body: a real
//!   signed message whose plaintext is altered at that position before it is encrypted
//!   again. Every such change must be refused.
#![no_main]
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Key, Nonce};
use career_core::live::envelope::{sender_id, Envelope, Kind, Reassembler, Room, SenderKey};
use career_core::live::session::{Presence, Session};
use career_core::model::trust::PublicKey;
use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

mod common;

const ROOM_ID: [u8; 16] = [1; 16];
const ROOM_KEY: [u8; 32] = [2; 32];

/// Keys are made once: deriving one is most of an input's work under the sanitizer.
struct Fixed {
    room: Room,
    me: SenderKey,
    sender: SenderKey,
}

fn fixed() -> &'static Fixed {
    static FIXED: OnceLock<Fixed> = OnceLock::new();
    FIXED.get_or_init(|| Fixed {
        room: Room::new(
            "0123456789abcdef0123456789abcdef",
            ROOM_ID,
            ROOM_KEY,
            SenderKey::from_seed([8; 32]).id(),
        ),
        me: SenderKey::from_seed([9; 32]),
        sender: SenderKey::from_seed([7; 32]),
    })
}

fn room() -> &'static Room {
    &fixed().room
}

fn cipher() -> Aes256Gcm {
    Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&ROOM_KEY))
}

fn aad(sender: &[u8]) -> Vec<u8> {
    [&ROOM_ID[..], sender].concat()
}

/// Whether a whole frame carries a valid signature, checked here from the documented
/// layout (core `envelope.rs`), not by the code under test.
fn signed_by_its_sender(frame: &[u8]) -> bool {
    let Some((sender, nonce, sealed)) =
        (frame.len() >= 33).then(|| (&frame[5..21], &frame[21..33], &frame[33..]))
    else {
        return false;
    };
    let Ok(plain) = cipher().decrypt(
        Nonce::from_slice(nonce),
        Payload {
            msg: sealed,
            aad: &aad(sender),
        },
    ) else {
        return false;
    };
    if plain.len() < 96 {
        return false;
    }
    let key = PublicKey::from_bytes(plain[..32].try_into().expect("32 bytes"));
    let mut hash = Sha256::new();
    hash.update(b"career-talk/live-message/v1");
    hash.update(ROOM_ID);
    hash.update(&plain[96..]);
    sender_id(&key) == sender && key.verifies(&hash.finalize(), &plain[32..96])
}

/// Opens a whole frame; what opens must be signed, and only the host's "end" ends.
fn open(session: &mut Session, doc: &mut career_core::AutoCommit, frame: &[u8]) {
    let Ok(env) = room().open(frame) else { return };
    assert!(
        signed_by_its_sender(frame),
        "took in a message not signed by its sender"
    );
    assert_eq!(
        &frame[5..21],
        &env.from[..],
        "took in a message under another sender"
    );
    let from = env.from;
    if let Ok(r) = session.receive(doc, env) {
        assert!(
            !r.ended || from == room().host,
            "someone but the host ended the session"
        );
    }
}

fn seal_plain(sender: &[u8], plain: &[u8]) -> Vec<u8> {
    let nonce = [3; 12];
    let sealed = cipher()
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: plain,
                aad: &aad(sender),
            },
        )
        .expect("encryption in memory");
    [&b"CTL2\0"[..], sender, &nonce, &sealed].concat()
}

fuzz_target!(|data: &[u8]| {
    common::judge_panics();
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let mut session = Session::new(fixed().me.clone(), room().host, Presence::default());
    let mut doc = career_core::AutoCommit::new();
    match mode % 3 {
        0 => {
            let mut r = Reassembler::default();
            for frame in rest.split(|b| *b == 0xA5) {
                if let Ok(Some(whole)) = r.push(frame) {
                    open(&mut session, &mut doc, &whole);
                }
            }
        }
        1 if rest.len() >= 16 => {
            let frame = seal_plain(&rest[..16], &rest[16..]);
            open(&mut session, &mut doc, &frame);
        }
        2 if rest.len() >= 4 => {
            let key = &fixed().sender;
            let kind = [Kind::Hello, Kind::Sync, Kind::Presence, Kind::Bye][rest[3] as usize % 4];
            let env = Envelope {
                from: key.id(),
                to: None,
                kind,
                seq: 1,
                bytes: rest[4..].to_vec(),
            };
            let frame = room().seal(&env, key, [4; 12]);
            assert_eq!(
                room().open(&frame).as_ref(),
                Ok(&env),
                "a real message was refused"
            );
            let mut plain = cipher()
                .decrypt(
                    Nonce::from_slice(&frame[21..33]),
                    Payload {
                        msg: &frame[33..],
                        aad: &aad(&key.id()),
                    },
                )
                .expect("our own frame");
            let at = usize::from(u16::from_be_bytes([rest[0], rest[1]])) % plain.len();
            if rest[2] == 0 {
                return;
            }
            plain[at] ^= rest[2];
            let altered = seal_plain(&key.id(), &plain);
            assert!(
                room().open(&altered).is_err(),
                "took in a message altered at plaintext byte {at}"
            );
        }
        _ => {}
    }
});
