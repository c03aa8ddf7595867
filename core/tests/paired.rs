//! Paired sync through a mailbox: devices that are never online together end with the same
//! record and every word, whatever the relay loses, repeats or keeps too briefly.
//!
//! The relay here is a model of the JetStream stream the app uses: one sequence for the
//! stream, subjects per side, at most `PER_SUBJECT` messages kept per subject (older ones
//! dropped), deliveries in stream order from a device's stored position.

mod common;

use career_core::live::mailbox::{Phase, PER_SUBJECT};
use career_core::model::discussion::DiscussionText;
use career_core::model::method::AnswerField;
use career_core::share::Package;
use career_core::storage::blobs::MemoryKv;
use career_core::text::Splice;
use career_core::workspace::{MailboxError, MailboxTaken, NoGuard, TextField, Workspace};
use career_core::Side;
use common::day;

const NOW: i64 = 1_795_000_000_000;
const ID: &str = "0123456789abcdef0123456789abcdef";
const FIELDS: [AnswerField; 3] = [
    AnswerField::Strengths,
    AnswerField::Next12Months,
    AnswerField::ShortTerm,
];

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// The relay's stream: (sequence, subject's side, bytes), oldest first.
#[derive(Default)]
struct Stream {
    last: u64,
    messages: Vec<(u64, Side, Vec<u8>)>,
}

impl Stream {
    fn append(&mut self, side: Side, frame: Vec<u8>) -> u64 {
        self.last += 1;
        self.messages.push((self.last, side, frame));
        let on_subject = self.messages.iter().filter(|m| m.1 == side).count();
        if on_subject as u64 > PER_SUBJECT {
            let oldest = self.messages.iter().position(|m| m.1 == side).unwrap();
            self.messages.remove(oldest);
        }
        self.last
    }
}

struct Device {
    ws: Workspace<MemoryKv>,
    n: u8,
    side: Side,
    online: bool,
    /// Words this device typed, all of which every device must end with.
    typed: usize,
    starts: u8,
}

fn device(kv: MemoryKv, n: u8) -> Workspace<MemoryKv> {
    reopen(kv, n, 0)
}

/// Device `n` started for the `start`th time: a new tab, so a new actor (as in the app).
fn reopen(kv: MemoryKv, n: u8, start: u8) -> Workspace<MemoryKv> {
    let mut actor = [n; 16];
    actor[8..].fill(start);
    Workspace::open(
        kv,
        actor,
        &format!("dev{n}s{start}"),
        [n; 32],
        Box::new(NoGuard),
    )
}

fn field(f: AnswerField) -> TextField {
    TextField::Discussion(ID.into(), DiscussionText::Answer(f))
}

fn text(ws: &mut Workspace<MemoryKv>, f: AnswerField) -> String {
    let d = ws.discussion(ID).unwrap();
    d.answers.get(f).to_string()
}

/// The leader's device with a paired discussion, and the link it shares.
fn leader() -> (Workspace<MemoryKv>, Package) {
    leader_paired([9; 48])
}

fn leader_paired(random: [u8; 48]) -> (Workspace<MemoryKv>, Package) {
    let mut ws = device(MemoryKv::default(), 1);
    let link = common::paired_discussion(&mut ws, ID, random, NOW);
    ws.save(NOW).unwrap();
    (ws, link)
}

/// Every stored document's bytes after a save (the device's own metadata — mailbox
/// positions — left out: moving past a bad message is meant to be stored).
fn documents(ws: &mut Workspace<MemoryKv>) -> Vec<(String, String)> {
    ws.save(NOW).unwrap();
    ws.kv()
        .map
        .iter()
        .filter(|(k, _)| !k.contains(":meta:"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// Types `words` into the strengths answer at byte `at`.
fn strengths_at(ws: &mut Workspace<MemoryKv>, at: usize, words: &str) {
    ws.splice(
        &field(AnswerField::Strengths),
        &Splice::insert(at, words),
        NOW,
    )
    .unwrap();
}

/// A paired leader and employee, and the leader's bundle after typing "Calm".
fn calm_bundle() -> (Workspace<MemoryKv>, Workspace<MemoryKv>, Vec<u8>) {
    let (mut leader, link) = leader();
    let employee = employee(&link, 2);
    strengths_at(&mut leader, 0, "Calm");
    let frame = leader.mailbox_bundle(ID, [1; 12], NOW).unwrap().unwrap();
    (leader, employee, frame)
}

fn employee(link: &Package, n: u8) -> Workspace<MemoryKv> {
    let mut ws = device(MemoryKv::default(), n);
    ws.take_in(link, day("2026-11-27"), NOW).unwrap();
    // She says yes to the sync the leader asked for (the link's question).
    ws.pair(ID, [n; 48], NOW).unwrap();
    ws.save(NOW).unwrap();
    ws
}

/// Reads everything after the device's positions, in stream order.
fn read(dev: &mut Device, stream: &Stream, now: i64, warnings: &mut usize) {
    let read = dev.ws.mailbox_status(ID).unwrap().read;
    for (seq, side, frame) in &stream.messages {
        if *seq <= read.get(side).copied().unwrap_or(0) {
            continue;
        }
        match dev
            .ws
            .mailbox_take(ID, *side, *seq, frame, day("2026-11-28"), now)
        {
            Ok(MailboxTaken::Own | MailboxTaken::Taken { .. }) => {}
            Err(MailboxError::Envelope(_) | MailboxError::Share(_) | MailboxError::Replayed) => {
                *warnings += 1
            }
            Err(e) => panic!("device {}: {e}", dev.n),
        }
    }
}

fn publish(dev: &mut Device, stream: &mut Stream, rng: &mut Rng, now: i64, lossy: bool) {
    let mut nonce = [0u8; 12];
    nonce[..8].copy_from_slice(&rng.next().to_be_bytes());
    let Some(frame) = dev.ws.mailbox_bundle(ID, nonce, now).unwrap() else {
        return;
    };
    if lossy && rng.chance(15) {
        return; // lost on the way: never stored, never confirmed
    }
    stream.append(dev.side, frame);
    if lossy && rng.chance(15) {
        return; // stored, but the confirmation was lost: sent again later
    }
    dev.ws.mailbox_published(ID, now);
}

fn run(seed: u64, devices: u8) {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let (leader, link) = leader();
    let mut devs = vec![Device {
        ws: leader,
        n: 1,
        side: Side::Leader,
        online: false,
        typed: 0,
        starts: 0,
    }];
    for n in 2..=devices {
        devs.push(Device {
            ws: employee(&link, n),
            n,
            side: Side::Employee,
            online: false,
            typed: 0,
            starts: 0,
        });
    }
    let mut stream = Stream::default();
    let mut warnings = 0;
    let mut now = NOW;
    for _ in 0..160 {
        now += 60_000;
        let i = rng.below(devs.len() as u64) as usize;
        // Never two online at once, during the random part.
        let anyone_online = devs.iter().any(|d| d.online);
        let dev = &mut devs[i];
        match rng.below(10) {
            0..=1 => {
                if dev.online {
                    dev.online = false;
                } else if !anyone_online {
                    dev.online = true;
                }
            }
            2..=5 => {
                let f = FIELDS[rng.below(FIELDS.len() as u64) as usize];
                let current = text(&mut dev.ws, f);
                let word = format!(" w{}x{}", dev.n, dev.typed);
                dev.typed += 1;
                dev.ws
                    .splice(&field(f), &Splice::insert(current.len(), &word), now)
                    .unwrap();
                if rng.chance(70) {
                    dev.ws.save(now).unwrap();
                }
            }
            6 => {
                // The relay restarts or a node is lost: what it stored stays; a message
                // arrives garbled, or an old one comes round again under a new number.
                match rng.below(3) {
                    0 => {
                        stream.append(Side::Leader, vec![0x43, 0x54, 0x4c, 0x32, 0, 1, 2]);
                    }
                    1 if !stream.messages.is_empty() => {
                        let k = rng.below(stream.messages.len() as u64) as usize;
                        let (_, side, frame) = stream.messages[k].clone();
                        stream.append(side, frame);
                    }
                    _ => {}
                }
            }
            7 => {
                // The device closes and opens again: only what it saved is there.
                dev.ws.save(now).unwrap();
                let kv = dev.ws.kv().clone();
                dev.starts += 1;
                dev.ws = reopen(kv, dev.n, dev.starts);
            }
            _ => {}
        }
        let dev = &mut devs[i];
        if dev.online {
            read(dev, &stream, now, &mut warnings);
            publish(dev, &mut stream, &mut rng, now, true);
            dev.ws.save(now).unwrap();
        }
    }
    // Then each comes online in turn, alone, until nothing is due and all have read all.
    for d in devs.iter_mut() {
        d.ws.save(now).unwrap();
    }
    for round in 0.. {
        assert!(round < 30, "seed {seed}: no quiet after 30 rounds");
        let mut quiet = true;
        for d in devs.iter_mut() {
            now += 60_000;
            let before = stream.last;
            read(d, &stream, now, &mut warnings);
            publish(d, &mut stream, &mut rng, now, false);
            d.ws.save(now).unwrap();
            quiet &= stream.last == before;
        }
        if quiet {
            break;
        }
    }
    let words: usize = devs.iter().map(|d| d.typed).sum();
    let texts: Vec<Vec<String>> = devs
        .iter_mut()
        .map(|d| FIELDS.iter().map(|f| text(&mut d.ws, *f)).collect())
        .collect();
    for (k, t) in texts.iter().enumerate() {
        assert_eq!(t, &texts[0], "seed {seed}: device {} differs", k + 1);
    }
    let all = texts[0].join(" ");
    for d in &devs {
        for w in 0..d.typed {
            let word = format!("w{}x{w}", d.n);
            assert!(
                all.split_whitespace().any(|x| x == word),
                "seed {seed}: {word} lost"
            );
        }
    }
    assert_eq!(all.split_whitespace().count(), words, "seed {seed}");
    for d in devs.iter_mut() {
        let status = d.ws.mailbox_status(ID).unwrap();
        assert_eq!(status.waiting, 0, "seed {seed}");
        assert!(!status.due, "seed {seed}");
    }
}

#[test]
fn two_devices_never_online_together_end_with_every_word() {
    for seed in 0..24 {
        run(seed, 2);
    }
}

#[test]
fn a_second_device_of_the_same_person_neither_loses_nor_doubles_anything() {
    for seed in 100..112 {
        run(seed, 3);
    }
}

#[test]
fn a_bundle_carries_no_private_preparation_and_no_plain_text() {
    let (mut leader, link) = leader();
    let mut employee = employee(&link, 2);
    leader
        .splice(
            &TextField::Prep(ID.into(), career_core::model::method::PrepField::Potential),
            &Splice::insert(0, "Could run the platform group"),
            NOW,
        )
        .unwrap();
    strengths_at(&mut leader, 0, "Calm in incidents");
    let frame = leader.mailbox_bundle(ID, [1; 12], NOW).unwrap().unwrap();
    let seen = String::from_utf8_lossy(&frame);
    for secret in ["Calm", "platform", "Sam", "Maria"] {
        assert!(!seen.contains(secret), "{secret} in the clear");
    }
    // Padded to a size bucket.
    assert!(frame.len() >= 256);
    employee
        .mailbox_take(ID, Side::Leader, 1, &frame, day("2026-11-28"), NOW)
        .unwrap();
    assert_eq!(
        text(&mut employee, AnswerField::Strengths),
        "Calm in incidents"
    );
    assert!(!common::all_content(
        &career_core::AutoCommit::load(&employee.package(ID, true, NOW).unwrap().payload).unwrap()
    )
    .contains("platform"));
}

/// Finding 4 (bundles link a device across mailboxes): a bundle's clear header carried the
/// hash of the device key, the same in every mailbox and derivable from every link.
#[test]
fn bundles_of_one_device_in_two_mailboxes_share_no_id_the_relay_sees() {
    use career_core::live::envelope::sender_id;
    let (mut leader, link) = leader();
    const OTHER: &str = "fedcba9876543210fedcba9876543210";
    let d = leader.discussion(ID).unwrap();
    leader
        .new_discussion(
            career_core::model::discussion::NewDiscussion {
                id: OTHER.into(),
                person_id: d.person_id.clone(),
                employee: d.employee.clone(),
                manager: d.manager.clone(),
                created_on: day("2026-12-01"),
            },
            NOW,
        )
        .unwrap();
    leader.pair(OTHER, [5; 48], NOW).unwrap();
    strengths_at(&mut leader, 0, "Calm");
    leader
        .splice(
            &TextField::Discussion(OTHER.into(), DiscussionText::Notes),
            &Splice::insert(0, "Other"),
            NOW,
        )
        .unwrap();
    let first = leader.mailbox_bundle(ID, [1; 12], NOW).unwrap().unwrap();
    let second = leader.mailbox_bundle(OTHER, [2; 12], NOW).unwrap().unwrap();
    // Whole frame: "CTL2", type, sender id (16 bytes, in the clear), nonce, sealed bytes.
    let header = |frame: &[u8]| -> [u8; 16] { frame[5..21].try_into().unwrap() };
    assert_ne!(header(&first), header(&second));
    let device = sender_id(&leader.device_keys().current.public());
    assert_ne!(header(&first), device);
    assert_ne!(header(&second), device);
    // Still taken in by the other side, and recognised as its own by the device.
    let mut employee = employee(&link, 2);
    employee
        .mailbox_take(ID, Side::Leader, 1, &first, day("2026-11-28"), NOW)
        .unwrap();
    assert_eq!(text(&mut employee, AnswerField::Strengths), "Calm");
    assert!(matches!(
        leader.mailbox_take(ID, Side::Leader, 1, &first, day("2026-11-28"), NOW),
        Ok(MailboxTaken::Own)
    ));
}

#[test]
fn altered_or_foreign_messages_are_skipped_and_change_nothing() {
    let (_, mut employee, frame) = calm_bundle();
    let before = text(&mut employee, AnswerField::Strengths);
    let stored = documents(&mut employee);
    // One byte changed anywhere in the sealed part: refused.
    let mut altered = frame.clone();
    let last = altered.len() - 1;
    altered[last] ^= 1;
    assert!(matches!(
        employee.mailbox_take(ID, Side::Leader, 1, &altered, day("2026-11-28"), NOW),
        Err(MailboxError::Envelope(_))
    ));
    // Sealed for another pairing (someone else's mailbox key): refused.
    let (mut stranger, _) = leader_paired([3; 48]);
    strengths_at(&mut stranger, 0, "Spoof");
    let foreign = stranger.mailbox_bundle(ID, [2; 12], NOW).unwrap().unwrap();
    assert!(matches!(
        employee.mailbox_take(ID, Side::Leader, 2, &foreign, day("2026-11-28"), NOW),
        Err(MailboxError::Envelope(_))
    ));
    assert_eq!(text(&mut employee, AnswerField::Strengths), before);
    assert_eq!(documents(&mut employee), stored, "stored documents changed");
    // The position moved past both: a later good message is read.
    assert_eq!(employee.mailbox_status(ID).unwrap().read[&Side::Leader], 2);
    employee
        .mailbox_take(ID, Side::Leader, 3, &frame, day("2026-11-28"), NOW)
        .unwrap();
    assert_eq!(text(&mut employee, AnswerField::Strengths), "Calm");
}

#[test]
fn stopping_the_pairing_tells_the_other_side_and_keeps_what_was_merged() {
    let (mut leader, link) = leader();
    let mut employee = employee(&link, 2);
    strengths_at(&mut employee, 0, "Calm");
    employee.stop_pairing(ID, NOW).unwrap();
    assert_eq!(
        employee.pairing(ID).unwrap().phase(Side::Employee),
        Phase::OffByMe
    );
    // The last bundle goes out, sealed with the pairing both had.
    let frame = employee.mailbox_bundle(ID, [1; 12], NOW).unwrap().unwrap();
    employee.mailbox_published(ID, NOW);
    assert!(employee.mailbox_bundle(ID, [2; 12], NOW).unwrap().is_none());
    leader
        .mailbox_take(ID, Side::Employee, 1, &frame, day("2026-11-28"), NOW)
        .unwrap();
    assert_eq!(
        leader.pairing(ID).unwrap().phase(Side::Leader),
        Phase::OffByOther
    );
    assert_eq!(text(&mut leader, AnswerField::Strengths), "Calm");
    // The leader's device sends nothing more.
    strengths_at(&mut leader, 4, " too");
    assert!(leader.mailbox_bundle(ID, [3; 12], NOW).unwrap().is_none());
}

#[test]
fn a_full_device_keeps_its_mailbox_position_so_nothing_is_skipped() {
    let (mut leader, link) = leader();
    let employee = employee(&link, 2);
    leader
        .splice(
            &field(AnswerField::Strengths),
            &Splice::insert(0, &"Calm in incidents. ".repeat(50)),
            NOW,
        )
        .unwrap();
    let frame = leader.mailbox_bundle(ID, [1; 12], NOW).unwrap().unwrap();
    // The employee's storage is full: nothing more can be written.
    let mut kv = employee.kv().clone();
    kv.quota = Some(kv.used());
    let mut full = reopen(kv, 2, 1);
    full.mailbox_take(ID, Side::Leader, 7, &frame, day("2026-11-28"), NOW)
        .unwrap();
    assert!(full.save(NOW).is_err(), "the save is refused");
    assert_eq!(full.mailbox_status(ID).unwrap().read[&Side::Leader], 7);
    // Next start: the position is where it was stored, and the bundle is read again.
    let mut kv = full.kv().clone();
    kv.quota = None;
    let mut next = reopen(kv, 2, 2);
    assert_eq!(
        next.mailbox_status(ID).unwrap().read.get(&Side::Leader),
        None
    );
    next.mailbox_take(ID, Side::Leader, 7, &frame, day("2026-11-28"), NOW)
        .unwrap();
    assert!(text(&mut next, AnswerField::Strengths).starts_with("Calm in incidents."));
    next.save(NOW).unwrap();
    assert_eq!(
        reopen(next.kv().clone(), 2, 3)
            .mailbox_status(ID)
            .unwrap()
            .read[&Side::Leader],
        7
    );
}

#[test]
fn a_bundle_that_comes_round_again_is_dropped() {
    let (mut leader, mut employee, frame) = calm_bundle();
    employee
        .mailbox_take(ID, Side::Leader, 1, &frame, day("2026-11-28"), NOW)
        .unwrap();
    // The same bytes published again by someone who copied them: a new stream sequence,
    // the same bundle.
    assert!(matches!(
        employee.mailbox_take(ID, Side::Leader, 2, &frame, day("2026-11-28"), NOW),
        Err(MailboxError::Replayed)
    ));
    // The leader's next bundle is newer and taken.
    strengths_at(&mut leader, 4, " and kind");
    let next = leader.mailbox_bundle(ID, [2; 12], NOW).unwrap().unwrap();
    employee
        .mailbox_take(ID, Side::Leader, 3, &next, day("2026-11-28"), NOW)
        .unwrap();
    assert_eq!(text(&mut employee, AnswerField::Strengths), "Calm and kind");
}

#[test]
fn a_bundle_carrying_another_history_is_refused_whole() {
    use career_core::live::envelope::{Envelope, Kind, SenderKey};
    use career_core::live::mailbox::Pairing;
    let (_, link) = leader();
    let mut employee = employee(&link, 2);
    let before = text(&mut employee, AnswerField::Strengths);
    let stored = documents(&mut employee);
    // Someone holding the mailbox key: the real record, plus a change with no parent that
    // would overwrite the answers.
    let (mut real, _) = link.whole_document().unwrap();
    let base = real.get_heads();
    let mut other = common::new_discussion_by(9);
    career_core::model::discussion::apply(
        &mut other,
        career_core::model::discussion::DiscussionEdit::Answer(
            AnswerField::Strengths,
            "Overwritten".into(),
        ),
    )
    .unwrap();
    other.commit();
    real.merge(&mut other).unwrap();
    let crafted = Package {
        contents: career_core::share::Contents::ChangesOnly,
        audience: Side::Employee,
        discussion_id: ID.into(),
        sender_heads: real.get_heads(),
        payload: real.save_after(&base),
    };
    let key = SenderKey::from_seed([5; 32]);
    let env = Envelope {
        from: key.id(),
        to: None,
        kind: Kind::Sync,
        seq: 1,
        bytes: crafted.to_bytes(),
    };
    let frame = Pairing::from_random([9; 48])
        .room(ID)
        .seal(&env, &key, [3; 12]);
    let taken = employee.mailbox_take(ID, Side::Leader, 1, &frame, day("2026-11-28"), NOW);
    assert!(matches!(taken, Err(MailboxError::Share(_))), "{taken:?}");
    assert_eq!(text(&mut employee, AnswerField::Strengths), before);
    assert_eq!(documents(&mut employee), stored, "stored documents changed");
}

#[test]
fn what_the_other_side_never_acknowledged_goes_again_once_asked() {
    let (mut leader, _) = leader();
    strengths_at(&mut leader, 0, "Calm");
    assert!(leader.mailbox_bundle(ID, [1; 12], NOW).unwrap().is_some());
    leader.mailbox_published(ID, NOW);
    // Nothing new: nothing due...
    assert!(leader.mailbox_bundle(ID, [2; 12], NOW).unwrap().is_none());
    // ...but on a new connection, what the employee never declared goes again (the relay
    // may have dropped it).
    assert!(leader.mailbox_resend(ID, [3; 12], NOW).unwrap().is_some());
}

#[test]
fn the_leaders_no_holds_whatever_the_reply_carries() {
    let mut leader = device(MemoryKv::default(), 1);
    let link = common::paired_discussion(&mut leader, ID, [9; 48], NOW);
    drop(link);
    // The manager unticked pairing before sharing: a no.
    leader.stop_pairing(ID, NOW).unwrap();
    let link = leader.package(ID, true, NOW).unwrap();
    // The employee's box was still ticked: her yes goes back with her reply.
    let mut employee = device(MemoryKv::default(), 2);
    employee.take_in(&link, day("2026-11-27"), NOW).unwrap();
    employee.pair(ID, [8; 48], NOW).unwrap();
    let reply = employee.package(ID, false, NOW).unwrap();
    leader.take_in(&reply, day("2026-11-28"), NOW).unwrap();
    for (ws, side) in [(&mut leader, Side::Leader), (&mut employee, Side::Employee)] {
        let state = ws.pairing(ID).unwrap();
        assert_eq!(state.paired(), None, "{side:?}");
        assert!(
            ws.mailbox_bundle(ID, [1; 12], NOW).unwrap().is_none(),
            "{side:?}"
        );
    }
    assert_eq!(
        leader.pairing(ID).unwrap().phase(Side::Leader),
        Phase::OffByMe
    );
    assert_eq!(
        employee.pairing(ID).unwrap().phase(Side::Employee),
        Phase::OffByOther
    );
    // A reply that writes the leader's yes for her is set back on the leader's device.
    let (mut doc, _) = employee
        .package(ID, true, NOW)
        .unwrap()
        .whole_document()
        .unwrap();
    let heads = doc.get_heads();
    use automerge::transaction::Transactable;
    doc.put(automerge::ROOT, "pairing_leader", "yes").unwrap();
    doc.commit();
    let forged = Package::changes_since(&mut doc, Side::Leader, &heads).unwrap();
    leader.take_in(&forged, day("2026-11-29"), NOW).unwrap();
    assert_eq!(leader.pairing(ID).unwrap().paired(), None);
    // Either side can change its mind: the leader's yes now pairs them.
    leader.pair(ID, [7; 48], NOW).unwrap();
    employee
        .take_in(
            &leader.package(ID, true, NOW).unwrap(),
            day("2026-11-29"),
            NOW,
        )
        .unwrap();
    assert!(employee.pairing(ID).unwrap().paired().is_some());
}

#[test]
fn a_device_that_stops_before_saving_reads_the_message_again() {
    let (mut leader, link) = leader();
    let mut employee = employee(&link, 2);
    strengths_at(&mut leader, 0, "Calm");
    let frame = leader.mailbox_bundle(ID, [1; 12], NOW).unwrap().unwrap();
    employee
        .mailbox_take(ID, Side::Leader, 1, &frame, day("2026-11-28"), NOW)
        .unwrap();
    assert_eq!(text(&mut employee, AnswerField::Strengths), "Calm");
    assert_eq!(employee.mailbox_status(ID).unwrap().read[&Side::Leader], 1);
    // The tab goes away before its save: neither the merge nor the position is stored.
    let mut again = reopen(employee.kv().clone(), 2, 1);
    assert_eq!(
        again.mailbox_status(ID).unwrap().read.get(&Side::Leader),
        None
    );
    again
        .mailbox_take(ID, Side::Leader, 1, &frame, day("2026-11-28"), NOW)
        .unwrap();
    assert_eq!(text(&mut again, AnswerField::Strengths), "Calm");
    // Saved, both are stored together.
    again.save(NOW).unwrap();
    let mut later = reopen(again.kv().clone(), 2, 2);
    assert_eq!(later.mailbox_status(ID).unwrap().read[&Side::Leader], 1);
    assert_eq!(text(&mut later, AnswerField::Strengths), "Calm");
}
