//! Paired sync: two devices that are never online together exchange a discussion's changes
//! through a JetStream *mailbox* on the relay.
//!
//! A pairing is a random mailbox id and a 256-bit key, written into the shared discussion
//! when it is first shared (so it travels only inside a link, a file or an encrypted live
//! session, and both sides always agree on it). Each side publishes on its own subject,
//! `ctmb.<mailbox>.<side>`; what it publishes is a *bundle*: the changes the other side
//! has not declared having (a share package, exactly as a link carries), sealed and signed
//! as a live-session envelope, padded to a size bucket. Every bundle declares its sender's
//! heads, which is the acknowledgement: the next bundle starts from there.
//!
//! Storage on the relay stays bounded without anyone deleting anything: the stream keeps at
//! most [`PER_SUBJECT`] messages per subject and none older than [`MAX_AGE_DAYS`]. A later
//! bundle always holds everything an earlier one of the same sender held that the other
//! side had not yet declared, so dropping older ones loses nothing; a device that was away
//! longer than the age limit gets everything since the heads it last declared, which is
//! the whole document if it never declared any.
//!
//! [`Client`] is the JetStream side, sans-IO: NATS operations in, bytes to send and events
//! out. The workspace decides what a bundle holds and takes bundles in
//! (`Workspace::mailbox_bundle`, `Workspace::mailbox_take`).

use std::collections::BTreeMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;

use super::envelope::{Room, SenderKey};
use super::nats::{self, ServerOp};
use crate::model::ids;
use crate::model::trust::DeviceKey;
use crate::Side;

/// The JetStream stream holding every mailbox.
pub const STREAM: &str = "CTMB";
/// Its subjects: `ctmb.<mailbox>.<side>`.
pub const SUBJECTS: &str = "ctmb.*.*";
/// Messages kept per subject (per mailbox and side): later bundles supersede earlier ones.
pub const PER_SUBJECT: u64 = 16;
/// Messages older than this are dropped by the relay.
pub const MAX_AGE_DAYS: u64 = 400;
/// The largest bundle: sealed, its plaintext is padded to a multiple of 64 KiB, and the
/// frame must stay under the relay's max_payload of 1 MiB (a year of notes is far less).
pub const MAX_BUNDLE: usize = 15 * 64 * 1024 - 200;
/// A request the relay has not answered in this long is given up and retried.
const REQUEST_TIMEOUT_MS: i64 = 10_000;
/// A consumer the relay refused is asked for again after this long.
const RETRY_MS: i64 = 1_000;
/// A consumer not made within this long is asked for again: on a cluster that lost a node,
/// the relay may have placed it on the lost one (and never answers); the next try lands
/// elsewhere.
const CONSUMER_TIMEOUT_MS: i64 = 5_000;
/// Consumers are made again this often: one whose relay node died delivers nothing more,
/// and the connection (to another node) would never know.
const REFRESH_MS: i64 = 60_000;
/// Consumers that have not delivered what they held within this long are made again (on a
/// cluster that just lost a node, a consumer can be made and then deliver nothing).
const STALL_MS: i64 = 10_000;
/// The server forgets a consumer this long after its reader went away.
const INACTIVE_NS: u64 = 60 * 1_000_000_000;

/// The root field of the shared discussion holding its pairing.
const FIELD: &str = "pairing";
/// What a record of an earlier version said of pairing, kept once an answer is written.
const LEGACY: &str = "pairing_legacy";

/// A mailbox and its key.
#[derive(Clone, PartialEq, Eq)]
pub struct Pairing {
    pub mailbox: [u8; 16],
    key: [u8; 32],
}

impl std::fmt::Debug for Pairing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print the key.
        f.debug_tuple("Pairing")
            .field(&ids::id_from_bytes(self.mailbox))
            .finish()
    }
}

/// Each side's answer to paired sync, as the shared record holds it, and the mailbox.
///
/// Devices are paired only when both sides said yes: each side's answer is its own part
/// of the record (the other side cannot change it, see `share::ownership`), so one side's
/// "no" holds whatever the other sends. The mailbox and its key are made by the first yes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PairingState {
    pub pairing: Option<Pairing>,
    pub leader: Option<bool>,
    pub employee: Option<bool>,
    /// Sides whose no stopped a yes they had said (their device tells the other once).
    pub stopped: Vec<Side>,
}

/// Where paired sync stands, from one side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Both said yes.
    Paired,
    /// Neither said anything yet.
    NotAsked,
    /// This side said yes; the other has not answered.
    Waiting,
    /// The other side said yes; this side has not answered.
    Asked,
    /// This side said no (declined, or stopped).
    OffByMe,
    /// The other side said no.
    OffByOther,
}

impl PairingState {
    pub fn said(&self, side: Side) -> Option<bool> {
        match side {
            Side::Leader => self.leader,
            Side::Employee => self.employee,
        }
    }

    /// The mailbox, when both sides said yes.
    pub fn paired(&self) -> Option<&Pairing> {
        (self.leader == Some(true) && self.employee == Some(true))
            .then_some(self.pairing.as_ref())
            .flatten()
    }

    /// The mailbox `me` reads: once it said yes (so it hears the other side's yes, and
    /// what they send from then on).
    pub fn listens(&self, me: Side) -> Option<&Pairing> {
        (self.said(me) == Some(true))
            .then_some(self.pairing.as_ref())
            .flatten()
    }

    /// The mailbox `me` seals bundles for: after `me` said yes, unless the other side said
    /// no (what is published before they answer waits in the relay, and their device reads
    /// it only after their own yes); after `me` stopped a yes, for the one bundle that
    /// tells them. A no that never followed a yes sends nothing.
    pub fn seals(&self, me: Side) -> Option<&Pairing> {
        let answered = match self.said(me) {
            Some(true) => true,
            Some(false) => self.stopped.contains(&me),
            None => false,
        };
        (answered && self.said(me.other()) != Some(false))
            .then_some(self.pairing.as_ref())
            .flatten()
    }

    pub fn phase(&self, me: Side) -> Phase {
        match (self.said(me), self.said(me.other())) {
            _ if self.paired().is_some() => Phase::Paired,
            (Some(false), _) => Phase::OffByMe,
            (_, Some(false)) => Phase::OffByOther,
            (Some(true), _) => Phase::Waiting,
            (None, Some(true)) => Phase::Asked,
            (None, None) => Phase::NotAsked,
        }
    }
}

impl Pairing {
    /// A pairing from 48 random bytes.
    pub fn from_random(random: [u8; 48]) -> Pairing {
        Pairing {
            mailbox: random[..16].try_into().expect("16 bytes"),
            key: random[16..].try_into().expect("32 bytes"),
        }
    }

    fn to_field(&self) -> String {
        format!(
            "{}.{}",
            ids::id_from_bytes(self.mailbox),
            B64URL.encode(self.key)
        )
    }

    fn from_field(s: &str) -> Option<Pairing> {
        let (m, k) = s.split_once('.')?;
        let mailbox: [u8; 16] = ids::from_hex(m)?.try_into().ok()?;
        let key: [u8; 32] = B64URL.decode(k).ok()?.try_into().ok()?;
        Some(Pairing { mailbox, key })
    }

    /// The subject `side` publishes on.
    pub fn subject(&self, side: Side) -> String {
        format!(
            "ctmb.{}.{}",
            ids::id_from_bytes(self.mailbox),
            side.as_str()
        )
    }

    /// The key `device` seals its bundles in this mailbox with: its own for each mailbox
    /// (derived from the device key's secret and the mailbox), so the sender id the relay
    /// sees in a bundle's clear header is not the same in two mailboxes and is not a hash
    /// of the device key that links and HR records carry.
    pub fn sender(&self, device: &DeviceKey) -> SenderKey {
        let mut context = b"mailbox-sender/".to_vec();
        context.extend_from_slice(&self.mailbox);
        SenderKey::from_seed(device.derive(&context))
    }

    /// The envelope room for this mailbox (no host: no one ends a mailbox).
    pub fn room(&self, discussion_id: &str) -> Room {
        Room::new(discussion_id, self.mailbox, self.key, [0; 16])
    }
}

fn consent_field(side: Side) -> &'static str {
    match side {
        Side::Leader => "pairing_leader",
        Side::Employee => "pairing_employee",
    }
}

/// The pairing recorded in a discussion. A record written before answers were kept holds
/// only the mailbox (both sides paired) or `stopped:<side>:<mailbox>` (that side stopped).
pub fn read(doc: &automerge::AutoCommit) -> PairingState {
    let get = |key: &str| crate::model::am::get_str(doc, &automerge::ROOT, key);
    let field = get(FIELD).unwrap_or_default();
    // What a record of an earlier version said (it kept no answers): `stopped:<side>:<mailbox>`
    // when that side stopped, else just the mailbox, paired. Kept aside in LEGACY once an
    // answer is written, so the side that has not answered yet still reads as it was.
    let legacy_form = get(LEGACY).or_else(|| {
        let answered = get(consent_field(Side::Leader)).is_some()
            || get(consent_field(Side::Employee)).is_some();
        (!answered && !field.is_empty()).then(|| legacy_of(&field))
    });
    let legacy_stopper = legacy_form
        .as_deref()
        .and_then(|f| f.strip_prefix("stopped:"))
        .and_then(Side::parse);
    let key = match field.strip_prefix("stopped:") {
        Some(rest) => rest.split_once(':').map(|(_, k)| k).unwrap_or(""),
        None => field.as_str(),
    };
    let pairing = Pairing::from_field(key);
    let mut stopped = Vec::new();
    let mut answer = |side: Side| match get(consent_field(side)).as_deref() {
        Some("yes") => Some(true),
        Some("no") => Some(false),
        Some("stopped") => {
            stopped.push(side);
            Some(false)
        }
        _ if legacy_form.is_some() && pairing.is_some() => {
            if legacy_stopper == Some(side) {
                stopped.push(side);
                Some(false)
            } else {
                Some(true)
            }
        }
        _ => None,
    };
    let (leader, employee) = (answer(Side::Leader), answer(Side::Employee));
    PairingState {
        pairing,
        leader,
        employee,
        stopped,
    }
}

/// What an earlier version's pairing field said: `stopped:<side>` or `paired`.
fn legacy_of(field: &str) -> String {
    match field.strip_prefix("stopped:") {
        Some(rest) => format!("stopped:{}", rest.split(':').next().unwrap_or("")),
        None => "paired".to_string(),
    }
}

/// Records `side`'s answer. A yes makes a mailbox from `fresh` when there is none yet, or
/// when someone had said no (pairing again after a stop uses a new key); a no after a yes
/// is a stop. Only `side`'s own answer is written. Returns whether the record changed.
pub(crate) fn answer(
    doc: &mut automerge::AutoCommit,
    side: Side,
    yes: bool,
    fresh: &Pairing,
) -> Result<bool, automerge::AutomergeError> {
    use automerge::transaction::Transactable;
    let get = |doc: &automerge::AutoCommit, key: &str| {
        crate::model::am::get_str(doc, &automerge::ROOT, key)
    };
    let before = read(doc);
    if before.said(side) == Some(yes) && (!yes || before.pairing.is_some()) {
        return Ok(false);
    }
    let field = get(doc, FIELD).unwrap_or_default();
    let unanswered = get(doc, consent_field(Side::Leader)).is_none()
        && get(doc, consent_field(Side::Employee)).is_none();
    if unanswered && get(doc, LEGACY).is_none() && before.pairing.is_some() {
        // An earlier version's record: what it said is kept aside for the side that has
        // not answered in the new form yet.
        doc.put(automerge::ROOT, LEGACY, legacy_of(&field))?;
    }
    let word = match (yes, before.said(side)) {
        (true, _) => "yes",
        (false, Some(true)) => "stopped",
        (false, _) if before.stopped.contains(&side) => "stopped",
        (false, _) => "no",
    };
    doc.put(automerge::ROOT, consent_field(side), word)?;
    let someone_said_no = before.leader == Some(false) || before.employee == Some(false);
    if yes && (before.pairing.is_none() || someone_said_no) {
        doc.put(automerge::ROOT, FIELD, fresh.to_field())?;
    } else if let (Some(p), true) = (&before.pairing, field.starts_with("stopped:")) {
        // The mailbox of a stopped earlier record, without the prefix.
        doc.put(automerge::ROOT, FIELD, p.to_field())?;
    }
    Ok(true)
}

/// Copies the pairing of `from` into `to` (a fresh history of the same record).
pub(crate) fn copy(
    from: &automerge::AutoCommit,
    to: &mut automerge::AutoCommit,
) -> Result<(), automerge::AutomergeError> {
    use automerge::transaction::Transactable;
    for key in [
        FIELD,
        LEGACY,
        consent_field(Side::Leader),
        consent_field(Side::Employee),
    ] {
        if let Some(v) = crate::model::am::get_str(from, &automerge::ROOT, key) {
            to.put(automerge::ROOT, key, v)?;
        }
    }
    Ok(())
}

/// The stream's configuration, for a relay where it does not exist yet (a production
/// relay has it made by its operator, with replicas).
pub fn stream_config(replicas: u8) -> String {
    serde_json::json!({
        "name": STREAM,
        "subjects": [SUBJECTS],
        "storage": "file",
        "retention": "limits",
        "discard": "old",
        "max_msgs_per_subject": PER_SUBJECT,
        "max_age": MAX_AGE_DAYS * 86_400 * 1_000_000_000,
        "max_msg_size": 1024 * 1024,
        "num_replicas": replicas,
    })
    .to_string()
}

// ----- the JetStream client --------------------------------------------------------------

/// What happened, for the shell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A message from a mailbox, in stream order: take it in, then call
    /// [`Client::taken`] with its sequence once what it brought is stored.
    Delivered {
        discussion: String,
        from: Side,
        seq: u64,
        frame: Vec<u8>,
    },
    /// Every message of the discussion's mailbox that was there on connecting has been
    /// delivered: a good moment to publish.
    CaughtUp { discussion: String },
    /// The relay stored a bundle.
    Published { discussion: String, seq: u64 },
    /// The relay's stream was made anew (its sequence is behind what was read): the
    /// positions are forgotten and the mailbox is read from the start; the shell forgets
    /// the stored ones too.
    StreamReset { discussion: String },
    /// Something the user should know (the relay refused, or did not answer).
    Problem {
        discussion: Option<String>,
        message: String,
    },
    /// The connection is usable (true) or was lost (false).
    Online(bool),
}

#[derive(Clone, Debug)]
enum Request {
    Consumer { discussion: String, from: Side },
    CreateStream,
    Publish { discussion: String },
}

struct Box_ {
    pairing: Pairing,
    me: Side,
    /// The last stream sequence taken in, per sending side.
    read: BTreeMap<Side, u64>,
    /// Delivery subscription id → side, while its consumer exists.
    consumers: BTreeMap<String, Side>,
    /// Sides whose consumer has delivered all it had on creation.
    caught_up: BTreeMap<Side, bool>,
    publishing: bool,
    /// When to make the consumers again (0: not planned).
    refresh_at: i64,
}

/// The NATS side of every paired discussion on this device, over one connection.
pub struct Client {
    inbox: String,
    credentials: Option<(String, String)>,
    online: bool,
    boxes: BTreeMap<String, Box_>,
    requests: BTreeMap<String, (i64, Request)>,
    next: u64,
    /// The stream was created by this client once already (do not loop on errors).
    tried_create: bool,
}

/// The stream sequence and the number still pending from a JetStream delivery's reply
/// subject: `$JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<time>.<pending>`
/// (newer servers add a domain and account hash after `ACK` and a random token at the end).
pub fn delivery_info(reply: &str) -> Option<(u64, u64)> {
    let tokens: Vec<&str> = reply.split('.').collect();
    if tokens.len() < 9 || tokens[0] != "$JS" || tokens[1] != "ACK" {
        return None;
    }
    let (seq, pending) = match tokens.len() {
        9 => (tokens[5], tokens[8]),
        n if n >= 11 => (tokens[7], tokens[10]),
        _ => return None,
    };
    Some((seq.parse().ok()?, pending.parse().ok()?))
}

/// A JetStream API error in a reply, as words.
fn api_error(json: &serde_json::Value) -> Option<(u64, String)> {
    let e = json.get("error")?;
    Some((
        e.get("code").and_then(|c| c.as_u64()).unwrap_or(0),
        e.get("description")
            .and_then(|d| d.as_str())
            .unwrap_or("unknown error")
            .to_string(),
    ))
}

impl Client {
    /// `inbox`: a random prefix for this connection's reply and delivery subjects.
    pub fn new(inbox: &str, credentials: Option<(String, String)>) -> Client {
        Client {
            inbox: format!("_INBOX.{inbox}"),
            credentials,
            online: false,
            boxes: BTreeMap::new(),
            requests: BTreeMap::new(),
            next: 0,
            tried_create: false,
        }
    }

    pub fn online(&self) -> bool {
        self.online
    }

    pub fn is_watching(&self, discussion: &str) -> bool {
        self.boxes.contains_key(discussion)
    }

    /// The pairing a discussion is watched with.
    pub fn watching(&self, discussion: &str) -> Option<&Pairing> {
        self.boxes.get(discussion).map(|b| &b.pairing)
    }

    /// Whether the discussion's mailbox has been read up to what it held on connecting.
    pub fn caught_up(&self, discussion: &str) -> bool {
        self.boxes
            .get(discussion)
            .is_some_and(|b| b.caught_up.len() == 2 && b.caught_up.values().all(|c| *c))
    }

    pub fn publishing(&self, discussion: &str) -> bool {
        self.boxes.get(discussion).is_some_and(|b| b.publishing)
    }

    /// A subject for one answer (under the connection's one reply subscription).
    fn token(&mut self) -> String {
        self.next += 1;
        format!("{}.r.{}", self.inbox, self.next)
    }

    /// A delivery subject and its subscription id (its own subscription: JetStream binds a
    /// consumer only to a subscription on exactly that subject).
    fn delivery_subject(&mut self) -> (String, String) {
        self.next += 1;
        (
            format!("{}.d.{}", self.inbox, self.next),
            format!("d{}", self.next),
        )
    }

    /// The connection's first words, after the server's INFO, on a connection of its own.
    pub fn connected(&mut self) -> Vec<u8> {
        let mut out = nats::connect_with("career-talk-mailbox", self.credentials.as_ref());
        out.extend(self.subscriptions());
        out.extend(nats::ping());
        out
    }

    /// Its subscriptions, on a connection it shares (after someone's CONNECT, before a
    /// PING whose PONG starts it).
    pub fn subscriptions(&self) -> Vec<u8> {
        nats::sub(&format!("{}.r.>", self.inbox), "r")
    }

    /// Whether a subscription id is this client's: `r` for replies, `d<n>` for deliveries.
    pub fn claims(sid: &str) -> bool {
        sid == "r"
            || sid
                .strip_prefix('d')
                .is_some_and(|n| n.parse::<u64>().is_ok())
    }

    /// The connection was lost: consumers and requests are gone with it.
    pub fn disconnected(&mut self) -> Vec<Event> {
        self.requests.clear();
        for b in self.boxes.values_mut() {
            b.consumers.clear();
            b.caught_up.clear();
            b.publishing = false;
        }
        let was = std::mem::replace(&mut self.online, false);
        if was {
            vec![Event::Online(false)]
        } else {
            vec![]
        }
    }

    /// Follows a discussion's mailbox from the positions already taken in.
    pub fn watch(
        &mut self,
        discussion: &str,
        pairing: Pairing,
        me: Side,
        read: BTreeMap<Side, u64>,
        now: i64,
    ) -> Vec<u8> {
        if let Some(b) = self.boxes.get(discussion) {
            if b.pairing == pairing && b.me == me {
                return vec![];
            }
        }
        let mut out = self.unwatch(discussion);
        self.boxes.insert(
            discussion.to_string(),
            Box_ {
                pairing,
                me,
                read,
                consumers: BTreeMap::new(),
                caught_up: BTreeMap::new(),
                publishing: false,
                refresh_at: 0,
            },
        );
        if self.online {
            out.extend(self.consume(discussion, now));
        }
        out
    }

    /// Stops following a discussion's mailbox.
    pub fn unwatch(&mut self, discussion: &str) -> Vec<u8> {
        let mut out = vec![];
        if let Some(b) = self.boxes.remove(discussion) {
            for sid in b.consumers.keys() {
                out.extend(nats::unsub(sid));
            }
        }
        self.requests.retain(|_, (_, r)| match r {
            Request::Consumer { discussion: d, .. } | Request::Publish { discussion: d } => {
                d != discussion
            }
            Request::CreateStream => true,
        });
        out
    }

    /// Creates the two consumers of a mailbox (both sides' subjects; this side's own for
    /// its other devices), each from the position already taken in.
    fn consume(&mut self, discussion: &str, now: i64) -> Vec<u8> {
        let mut out = vec![];
        for from in [Side::Leader, Side::Employee] {
            let (deliver, sid) = self.delivery_subject();
            let reply = self.token();
            let Some(b) = self.boxes.get_mut(discussion) else {
                return out;
            };
            let start = b.read.get(&from).copied().unwrap_or(0) + 1;
            b.refresh_at = now + STALL_MS;
            let subject = b.pairing.subject(from);
            b.consumers.insert(sid.clone(), from);
            b.caught_up.insert(from, false);
            let request = serde_json::json!({
                "stream_name": STREAM,
                "config": {
                    "deliver_subject": deliver,
                    "filter_subject": subject,
                    "deliver_policy": "by_start_sequence",
                    "opt_start_seq": start,
                    "ack_policy": "none",
                    "inactive_threshold": INACTIVE_NS,
                }
            })
            .to_string();
            // Deliveries bind to a subscription on exactly the delivery subject.
            out.extend(nats::sub(&deliver, &sid));
            out.extend(nats::publish_with_reply(
                &format!("$JS.API.CONSUMER.CREATE.{STREAM}"),
                &reply,
                request.as_bytes(),
            ));
            self.requests.insert(
                reply,
                (
                    now,
                    Request::Consumer {
                        discussion: discussion.to_string(),
                        from,
                    },
                ),
            );
        }
        out
    }

    /// Publishes a sealed bundle on this side's subject of the discussion's mailbox.
    pub fn publish(&mut self, discussion: &str, frame: &[u8], now: i64) -> Vec<u8> {
        let reply = self.token();
        let Some(b) = self.boxes.get_mut(discussion) else {
            return vec![];
        };
        if !self.online {
            return vec![];
        }
        b.publishing = true;
        let subject = b.pairing.subject(b.me);
        self.requests.insert(
            reply.clone(),
            (
                now,
                Request::Publish {
                    discussion: discussion.to_string(),
                },
            ),
        );
        nats::publish_with_reply(&subject, &reply, frame)
    }

    /// A message of `discussion` from `from` up to `seq` is stored: the next connection
    /// starts after it.
    pub fn taken(&mut self, discussion: &str, from: Side, seq: u64) {
        if let Some(b) = self.boxes.get_mut(discussion) {
            let at = b.read.entry(from).or_insert(0);
            *at = (*at).max(seq);
        }
    }

    /// Gives up on requests the relay never answered, and makes consumers again when it is
    /// time (after a refusal, and now and then). Returns bytes to send and events.
    pub fn tick(&mut self, now: i64) -> (Vec<u8>, Vec<Event>) {
        let mut out = vec![];
        let mut events = vec![];
        let late: Vec<String> = self
            .requests
            .iter()
            .filter(|(_, (at, r))| {
                let limit = match r {
                    Request::Consumer { .. } => CONSUMER_TIMEOUT_MS,
                    _ => REQUEST_TIMEOUT_MS,
                };
                now - at > limit
            })
            .map(|(k, _)| k.clone())
            .collect();
        for k in late {
            match self.requests.remove(&k) {
                Some((_, Request::Publish { discussion })) => {
                    if let Some(b) = self.boxes.get_mut(&discussion) {
                        b.publishing = false;
                    }
                    events.push(Event::Problem {
                        discussion: Some(discussion),
                        message: "the relay did not confirm the changes; they stay on this device and are sent again".into(),
                    });
                }
                Some((_, Request::Consumer { discussion, .. })) => {
                    if let Some(b) = self.boxes.get_mut(&discussion) {
                        b.refresh_at = now + RETRY_MS;
                    }
                    events.push(Event::Problem {
                        discussion: Some(discussion),
                        message: "the relay did not answer in time (a relay node may be down, or it keeps no messages); asking again".into(),
                    })
                }
                _ => {}
            }
        }
        if self.online {
            let due: Vec<String> = self
                .boxes
                .iter()
                .filter(|(_, b)| b.refresh_at != 0 && now >= b.refresh_at)
                .map(|(id, _)| id.clone())
                .collect();
            for id in due {
                let b = self.boxes.get_mut(&id).expect("listed");
                for sid in std::mem::take(&mut b.consumers).keys() {
                    out.extend(nats::unsub(sid));
                }
                out.extend(self.consume(&id, now));
            }
        }
        (out, events)
    }

    /// Takes one operation from the server; returns bytes to send and events.
    pub fn receive(&mut self, op: ServerOp, now: i64) -> (Vec<u8>, Vec<Event>) {
        let mut out = vec![];
        let mut events = vec![];
        match op {
            ServerOp::Info(_) | ServerOp::Ok => {}
            ServerOp::Ping => out.extend(nats::pong()),
            ServerOp::Pong => {
                if !self.online {
                    self.online = true;
                    events.push(Event::Online(true));
                    let ids: Vec<String> = self.boxes.keys().cloned().collect();
                    for id in ids {
                        out.extend(self.consume(&id, now));
                    }
                }
            }
            ServerOp::Err(e) => events.push(Event::Problem {
                discussion: None,
                message: format!("the relay reported: {e}"),
            }),
            ServerOp::Msg {
                subject,
                sid,
                reply_to,
                payload,
            } => {
                if sid == "r" {
                    if let Some((_, request)) = self.requests.remove(&subject) {
                        self.answer(request, &payload, now, &mut out, &mut events);
                    }
                } else if let Some((discussion, from)) = self.consumer_of(&sid) {
                    self.delivery(discussion, from, reply_to, payload, now, &mut events);
                }
                // Anything else (a consumer of an earlier connection) is not ours to read.
            }
        }
        (out, events)
    }

    fn consumer_of(&self, sid: &str) -> Option<(String, Side)> {
        self.boxes
            .iter()
            .find_map(|(id, b)| b.consumers.get(sid).map(|side| (id.clone(), *side)))
    }

    fn delivery(
        &mut self,
        discussion: String,
        from: Side,
        reply_to: Option<String>,
        payload: Vec<u8>,
        now: i64,
        events: &mut Vec<Event>,
    ) {
        let Some((seq, pending)) = reply_to.as_deref().and_then(delivery_info) else {
            // Flow control and heartbeats are not asked for; anything else is not a stored
            // message.
            return;
        };
        let b = self.boxes.get_mut(&discussion).expect("found above");
        if seq > b.read.get(&from).copied().unwrap_or(0) {
            events.push(Event::Delivered {
                discussion: discussion.clone(),
                from,
                seq,
                frame: payload,
            });
        }
        if pending == 0 && b.caught_up.get(&from) == Some(&false) {
            b.caught_up.insert(from, true);
            if b.caught_up.values().all(|c| *c) {
                b.refresh_at = now + REFRESH_MS;
                events.push(Event::CaughtUp { discussion });
            }
        }
    }

    fn answer(
        &mut self,
        request: Request,
        payload: &[u8],
        now: i64,
        out: &mut Vec<u8>,
        events: &mut Vec<Event>,
    ) {
        let json: serde_json::Value =
            serde_json::from_slice(payload).unwrap_or(serde_json::Value::Null);
        match request {
            Request::Consumer { discussion, from } => {
                let Some(b) = self.boxes.get_mut(&discussion) else {
                    return;
                };
                if let Some((code, description)) = api_error(&json) {
                    b.caught_up.remove(&from);
                    if code == 404 && !self.tried_create {
                        // A relay of one's own (development): make the stream, then read.
                        self.tried_create = true;
                        let reply = self.token();
                        out.extend(nats::publish_with_reply(
                            &format!("$JS.API.STREAM.CREATE.{STREAM}"),
                            &reply,
                            stream_config(1).as_bytes(),
                        ));
                        self.requests.insert(reply, (now, Request::CreateStream));
                        return;
                    }
                    // Perhaps for a moment (a node lost, a leader being elected): again soon.
                    b.refresh_at = now + RETRY_MS;
                    events.push(Event::Problem {
                        discussion: Some(discussion),
                        message: format!("the relay cannot give the kept messages now ({description}); trying again"),
                    });
                    return;
                }
                let pending = json
                    .get("num_pending")
                    .and_then(|n| n.as_u64())
                    .unwrap_or(0);
                if pending == 0 && b.caught_up.get(&from) == Some(&false) {
                    b.caught_up.insert(from, true);
                    if b.caught_up.len() == 2 && b.caught_up.values().all(|c| *c) {
                        b.refresh_at = now + REFRESH_MS;
                        events.push(Event::CaughtUp { discussion });
                    }
                }
            }
            Request::CreateStream => {
                if let Some((_, description)) = api_error(&json) {
                    events.push(Event::Problem {
                        discussion: None,
                        message: format!("the relay has no mailbox stream and could not make one ({description})"),
                    });
                    return;
                }
                let ids: Vec<String> = self.boxes.keys().cloned().collect();
                for id in ids {
                    let sids: Vec<String> = self.boxes[&id].consumers.keys().cloned().collect();
                    for sid in sids {
                        out.extend(nats::unsub(&sid));
                    }
                    self.boxes.get_mut(&id).expect("listed").consumers.clear();
                    out.extend(self.consume(&id, now));
                }
            }
            Request::Publish { discussion } => {
                let Some(b) = self.boxes.get_mut(&discussion) else {
                    return;
                };
                b.publishing = false;
                match (api_error(&json), json.get("seq").and_then(|s| s.as_u64())) {
                    (None, Some(seq)) => {
                        let behind = b.read.values().any(|r| *r >= seq);
                        events.push(Event::Published {
                            discussion: discussion.clone(),
                            seq,
                        });
                        if behind {
                            b.read.clear();
                            for sid in std::mem::take(&mut b.consumers).keys() {
                                out.extend(nats::unsub(sid));
                            }
                            out.extend(self.consume(&discussion, now));
                            events.push(Event::StreamReset { discussion });
                        }
                    }
                    (Some((_, description)), _) => events.push(Event::Problem {
                        discussion: Some(discussion),
                        message: format!(
                            "the relay refused the changes ({description}); they stay on this device"
                        ),
                    }),
                    (None, None) => events.push(Event::Problem {
                        discussion: Some(discussion),
                        message: "the relay answered something unexpected; the changes stay on this device".into(),
                    }),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn on_a_shared_connection_the_client_hears_only_its_own_subscriptions() {
        let mut client = Client::new("inbox1", None);
        client.watch(
            "d1",
            Pairing::from_random([7; 48]),
            Side::Leader,
            BTreeMap::new(),
            0,
        );
        let (created, _) = client.receive(ServerOp::Pong, 0);
        let created = String::from_utf8(created).unwrap();
        // Every subscription it makes is one it claims; a live room's is not.
        let subs: Vec<&str> = created.lines().filter(|l| l.starts_with("SUB ")).collect();
        assert_eq!(subs.len(), 2, "{created}");
        for line in subs {
            let sid = line.split(' ').nth(2).unwrap();
            assert!(Client::claims(sid), "{line}");
        }
        assert!(Client::claims("r"));
        assert!(!Client::claims("live"));
        assert!(!Client::claims("d"));
        assert!(!String::from_utf8(client.subscriptions())
            .unwrap()
            .contains("CONNECT"));
    }

    #[test]
    fn devices_pair_only_when_both_said_yes() {
        let mut doc = automerge::AutoCommit::new();
        assert_eq!(read(&doc).phase(Side::Leader), Phase::NotAsked);
        let p = Pairing::from_random([7; 48]);
        let q = Pairing::from_random([8; 48]);
        assert!(answer(&mut doc, Side::Leader, true, &p).unwrap());
        let state = read(&doc);
        assert_eq!(state.phase(Side::Leader), Phase::Waiting);
        assert_eq!(state.phase(Side::Employee), Phase::Asked);
        assert_eq!(state.paired(), None);
        assert_eq!(state.listens(Side::Leader), Some(&p));
        assert_eq!(
            state.seals(Side::Leader),
            Some(&p),
            "it waits in the relay for her yes"
        );
        assert_eq!(
            state.listens(Side::Employee),
            None,
            "nothing is read before her yes"
        );
        assert!(!format!("{p:?}").contains(&B64URL.encode([7u8; 32])));
        // The employee's yes uses the mailbox the leader made.
        assert!(answer(&mut doc, Side::Employee, true, &q).unwrap());
        assert_eq!(read(&doc).paired(), Some(&p));
        assert!(
            !answer(&mut doc, Side::Employee, true, &q).unwrap(),
            "said already"
        );
        // A stop: the one who stopped tells the other, then nothing goes.
        answer(&mut doc, Side::Employee, false, &q).unwrap();
        let state = read(&doc);
        assert_eq!(state.phase(Side::Employee), Phase::OffByMe);
        assert_eq!(state.phase(Side::Leader), Phase::OffByOther);
        assert_eq!(state.seals(Side::Employee), Some(&p));
        assert_eq!(state.seals(Side::Leader), None);
        // Pairing again makes a new mailbox.
        answer(&mut doc, Side::Employee, true, &q).unwrap();
        assert_eq!(read(&doc).paired(), Some(&q));
        assert_eq!(
            p.subject(Side::Leader),
            "ctmb.07070707070707070707070707070707.leader"
        );
    }

    #[test]
    fn a_no_that_never_followed_a_yes_sends_nothing() {
        let mut doc = automerge::AutoCommit::new();
        let p = Pairing::from_random([7; 48]);
        answer(&mut doc, Side::Leader, true, &p).unwrap();
        answer(&mut doc, Side::Employee, false, &p).unwrap();
        let state = read(&doc);
        assert_eq!(state.phase(Side::Employee), Phase::OffByMe);
        assert_eq!(
            state.seals(Side::Employee),
            None,
            "she never said yes: nothing goes"
        );
        assert_eq!(state.seals(Side::Leader), None);
    }

    #[test]
    fn a_no_holds_whatever_the_other_side_answers() {
        let mut doc = automerge::AutoCommit::new();
        let p = Pairing::from_random([7; 48]);
        answer(&mut doc, Side::Leader, false, &p).unwrap();
        answer(&mut doc, Side::Employee, true, &p).unwrap();
        let state = read(&doc);
        assert_eq!(state.paired(), None);
        assert_eq!(state.phase(Side::Leader), Phase::OffByMe);
        assert_eq!(state.phase(Side::Employee), Phase::OffByOther);
        assert_eq!(state.seals(Side::Employee), None);
    }

    #[test]
    fn records_of_earlier_versions_read_as_they_were_meant() {
        use automerge::transaction::Transactable;
        let p = Pairing::from_random([7; 48]);
        let mut doc = automerge::AutoCommit::new();
        doc.put(automerge::ROOT, FIELD, p.to_field()).unwrap();
        assert_eq!(read(&doc).paired(), Some(&p));
        doc.put(
            automerge::ROOT,
            FIELD,
            format!("stopped:employee:{}", p.to_field()),
        )
        .unwrap();
        let state = read(&doc);
        assert_eq!(state.phase(Side::Leader), Phase::OffByOther);
        assert_eq!(state.seals(Side::Employee), Some(&p));
        // The leader stops an earlier version's pairing: the employee's yes is kept, and
        // nothing is written in the employee's name.
        let mut doc = automerge::AutoCommit::new();
        doc.put(automerge::ROOT, FIELD, p.to_field()).unwrap();
        answer(&mut doc, Side::Leader, false, &p).unwrap();
        let state = read(&doc);
        assert_eq!(state.employee, Some(true));
        assert_eq!(state.seals(Side::Leader), Some(&p));
        assert_eq!(
            crate::model::am::get_str(&doc, &automerge::ROOT, consent_field(Side::Employee)),
            None
        );
        // An earlier version's stopped record, turned on again by the side that stopped:
        // paired with a new mailbox.
        let q = Pairing::from_random([8; 48]);
        let mut doc = automerge::AutoCommit::new();
        doc.put(
            automerge::ROOT,
            FIELD,
            format!("stopped:employee:{}", p.to_field()),
        )
        .unwrap();
        answer(&mut doc, Side::Employee, true, &q).unwrap();
        assert_eq!(read(&doc).paired(), Some(&q));
    }

    #[test]
    fn delivery_info_is_read_from_the_reply_subject() {
        assert_eq!(
            delivery_info("$JS.ACK.CTMB.976yA4nH.1.4.1.1796216181763843110.3"),
            Some((4, 3))
        );
        assert_eq!(
            delivery_info("$JS.ACK.dom.acc.CTMB.c.1.9.2.17962.0.x"),
            Some((9, 0))
        );
        assert_eq!(delivery_info("$JS.ACK.CTMB.c.1.x.1.17962.0"), None);
        assert_eq!(delivery_info("_INBOX.x"), None);
    }
}
