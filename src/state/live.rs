//! A live session on one discussion: encrypted frames in and out through the NATS relay and
//! a BroadcastChannel (tabs of this browser), and Automerge sync with every peer.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use automerge::transaction::Transactable;
use career_core::discussion::{self, Discussion};
use career_core::index::discussion_name;
use career_core::live::envelope::{chunk, Envelope, EnvelopeError, Reassembler, Room};
use career_core::live::session::{LiveError, Presence, Received, Session};
use career_core::local::Perspective;
use career_core::AutoCommit;
use leptos::prelude::*;

use super::AppState;
use crate::infra::broadcast::Channel;
use crate::infra::guard::{self, Reading};
use crate::infra::relay::{Relay, RelayStatus};
use crate::infra::{location, random};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkStatus {
    Connecting,
    Live,
    Reconnecting,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveInfo {
    pub discussion_id: String,
    pub link: String,
    pub host: bool,
    /// Joined from a link before the discussion arrived.
    pub waiting_for_document: bool,
}

/// What the views show about the live session.
#[derive(Clone, Copy)]
pub struct LiveView {
    pub info: RwSignal<Option<LiveInfo>>,
    pub status: RwSignal<LinkStatus>,
    pub peers: RwSignal<Vec<Presence>>,
    pub warnings: RwSignal<Vec<String>>,
    pub ended: RwSignal<Option<String>>,
}

impl LiveView {
    pub fn new() -> LiveView {
        LiveView {
            info: RwSignal::new(None),
            status: RwSignal::new(LinkStatus::Connecting),
            peers: RwSignal::new(vec![]),
            warnings: RwSignal::new(vec![]),
            ended: RwSignal::new(None),
        }
    }
}

/// A joiner's document once it is whole enough to be a discussion.
type Arrived = Option<(AutoCommit, Discussion)>;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Source {
    Relay,
    Channel,
}

pub struct LiveRuntime {
    room: Room,
    session: Session,
    relay: Option<Relay>,
    channel: Option<Channel>,
    reassembler: Reassembler,
    seen: HashMap<[u8; 12], Source>,
    seen_order: VecDeque<[u8; 12]>,
    msg_id: u32,
    /// For a joiner: the discussion as it arrives, until it is whole.
    placeholder: Option<AutoCommit>,
    sync_pending: bool,
    interval: Option<IntervalHandle>,
}

const RETIRED_KEY: &str = "ct1:retired-rooms";

fn relay_url() -> String {
    let stored = <gloo_storage::LocalStorage as gloo_storage::Storage>::raw()
        .get_item("ct1:relay")
        .ok()
        .flatten();
    stored.unwrap_or_else(|| {
        let host = leptos::prelude::window()
            .location()
            .hostname()
            .unwrap_or_else(|_| "127.0.0.1".into());
        format!("ws://{host}:4223")
    })
}

fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).expect("WebCrypto random numbers are available");
    b
}

impl AppState {
    fn presence(&self, id: &str) -> Presence {
        let (name, role) = match self.perspective(id) {
            Perspective::Leader => (self.manager().name, "leader"),
            Perspective::Employee => (
                self.discussion(id)
                    .map(|d| d.employee.name)
                    .unwrap_or_default(),
                "employee",
            ),
        };
        Presence {
            name: if name.is_empty() {
                role.to_string()
            } else {
                name
            },
            role: role.to_string(),
            focus: None,
        }
    }

    /// Starts a live session on a discussion; returns the link to share.
    pub fn start_live(&self, id: &str) -> String {
        self.leave_live();
        let room = Room::new(id, random_bytes(), random_bytes());
        let link = format!("{}/{}", location::origin(), room.to_fragment());
        self.run_live(room, None, true, link.clone());
        link
    }

    /// Joins a live session from its link.
    pub fn join_live(&self, room: Room) -> Result<String, String> {
        let retired = self.repo.with_value(|r| {
            use career_core::store::KvStore;
            r.kv.get(RETIRED_KEY).ok().flatten().unwrap_or_default()
        });
        if retired.split(',').any(|s| s == room.subject()) {
            return Err("this live session has ended; ask for a new link".into());
        }
        self.leave_live();
        let id = room.discussion_id.clone();
        let have = self.discussion(&id).is_ok();
        let placeholder = (!have).then(|| AutoCommit::new().with_actor(random::new_actor()));
        let link = format!("{}/{}", location::origin(), room.to_fragment());
        self.run_live(room, placeholder, false, link);
        Ok(id)
    }

    fn run_live(&self, room: Room, placeholder: Option<AutoCommit>, host: bool, link: String) {
        let state = *self;
        let id = room.discussion_id.clone();
        let waiting = placeholder.is_some();
        let me: [u8; 16] = random_bytes();
        let presence = if waiting {
            Presence {
                name: "joining".into(),
                role: "employee".into(),
                focus: None,
            }
        } else {
            self.presence(&id)
        };
        let relay = Relay::open(
            &relay_url(),
            &room.subject(),
            move |frame| state.live_frame(frame, Source::Relay),
            move |status| state.relay_status(status),
            move |warning| state.live_warning(warning),
        );
        let channel = Channel::open(&room.subject(), move |frame| {
            state.live_frame(frame, Source::Channel)
        });
        let interval =
            set_interval_with_handle(move || state.live_tick(), Duration::from_secs(2)).ok();
        let runtime = LiveRuntime {
            session: Session::new(me, presence),
            room,
            relay: Some(relay),
            channel,
            reassembler: Reassembler::default(),
            seen: HashMap::new(),
            seen_order: VecDeque::new(),
            msg_id: 0,
            placeholder,
            sync_pending: false,
            interval,
        };
        self.live.set_value(Some(runtime));
        self.live_view.ended.set(None);
        self.live_view.warnings.set(vec![]);
        self.live_view.peers.set(vec![]);
        self.live_view.info.set(Some(LiveInfo {
            discussion_id: id,
            link,
            host,
            waiting_for_document: waiting,
        }));
        let hello = self
            .live
            .try_update_value(|rt| rt.as_mut().map(|rt| rt.session.hello()))
            .flatten();
        if let Some(hello) = hello {
            self.live_send(vec![hello]);
        }
    }

    fn relay_status(&self, status: RelayStatus) {
        self.live_view.status.set(match status {
            RelayStatus::Connecting => LinkStatus::Connecting,
            RelayStatus::Connected => LinkStatus::Live,
            RelayStatus::Reconnecting => LinkStatus::Reconnecting,
        });
        if status == RelayStatus::Connected {
            // Start over with everyone: edits made while apart are exchanged now.
            let hello = self
                .live
                .try_update_value(|rt| rt.as_mut().map(|rt| rt.session.hello()))
                .flatten();
            if let Some(hello) = hello {
                self.live_send(vec![hello]);
            }
        }
    }

    fn live_warning(&self, warning: String) {
        self.live_view.warnings.update(|w| {
            w.push(warning);
            let len = w.len();
            if len > 5 {
                w.drain(..len - 5);
            }
        });
    }

    /// Seals, chunks and sends envelopes on every transport.
    fn live_send(&self, envelopes: Vec<Envelope>) {
        if envelopes.is_empty() {
            return;
        }
        self.live.update_value(|rt| {
            let Some(rt) = rt.as_mut() else { return };
            let max = rt.relay.as_ref().map_or(256 * 1024, Relay::max_frame);
            for env in envelopes {
                let nonce: [u8; 12] = random_bytes();
                let sealed = rt.room.seal(&env, nonce);
                rt.msg_id = rt.msg_id.wrapping_add(1);
                for frame in chunk(sealed, max, rt.msg_id) {
                    if let Some(relay) = &rt.relay {
                        relay.send(&frame);
                    }
                    if let Some(channel) = &rt.channel {
                        channel.send(&frame);
                    }
                }
            }
        });
    }

    fn live_frame(&self, frame: Vec<u8>, source: Source) {
        let opened = self
            .live
            .try_update_value(|rt| -> Option<Result<Envelope, EnvelopeError>> {
                let rt = rt.as_mut()?;
                let whole = match rt.reassembler.push(&frame) {
                    Ok(Some(whole)) => whole,
                    Ok(None) => return None,
                    Err(e) => return Some(Err(e)),
                };
                // The same frame through the other transport (relay and tab channel) is expected.
                if whole.len() >= 33 {
                    let nonce: [u8; 12] = whole[21..33].try_into().expect("12 bytes");
                    if let Some(first) = rt.seen.get(&nonce) {
                        return if *first == source {
                            Some(Err(EnvelopeError::Replayed))
                        } else {
                            None
                        };
                    }
                    rt.seen.insert(nonce, source);
                    rt.seen_order.push_back(nonce);
                    if rt.seen_order.len() > 4096 {
                        if let Some(old) = rt.seen_order.pop_front() {
                            rt.seen.remove(&old);
                        }
                    }
                }
                Some(rt.room.open(&whole))
            });
        match opened.flatten() {
            None => {}
            Some(Err(e)) => self.live_warning(format!("Dropped {e}.")),
            Some(Ok(env)) => guard::reading(Reading::Live, || self.live_receive(env)),
        }
    }

    fn live_receive(&self, env: Envelope) {
        let Some(info) = self.live_view.info.get_untracked() else {
            return;
        };
        let id = info.discussion_id.clone();
        // A joiner still assembling the document.
        let received = if info.waiting_for_document {
            let result = self.live.try_update_value(
                |rt| -> Option<(Result<Received, LiveError>, Arrived)> {
                    let rt = rt.as_mut()?;
                    let doc = rt.placeholder.as_mut()?;
                    let r = rt.session.receive(doc, env);
                    let complete = discussion::read(doc)
                        .ok()
                        .filter(|d| d.id == rt.room.discussion_id);
                    let done = complete.map(|d| (rt.placeholder.take().expect("present"), d));
                    Some((r, done))
                },
            );
            let Some(Some((mut r, done))) = result else {
                return;
            };
            // Replies go out before anything adoption sends, so the peer sees our messages
            // in the order of their sequence numbers.
            if let Ok(received) = r.as_mut() {
                let replies = std::mem::take(&mut received.replies);
                self.live_send(replies);
            }
            if let Some((doc, d)) = done {
                match self.adopt_live_document(doc, &d) {
                    Ok(()) => self.live_view.info.update(|i| {
                        if let Some(i) = i {
                            i.waiting_for_document = false;
                        }
                    }),
                    Err(e) => self.live_warning(e),
                }
            }
            r
        } else {
            let mut result = None;
            let changed = self.change_discussion(&id, |doc| {
                let r = self
                    .live
                    .try_update_value(|rt| rt.as_mut().map(|rt| rt.session.receive(doc, env)))
                    .flatten();
                let changed = matches!(&r, Some(Ok(r)) if r.changed);
                result = r;
                Ok((changed, ()))
            });
            if let Err(e) = changed {
                self.live_warning(e);
            }
            match result {
                Some(r) => r,
                None => return,
            }
        };
        match received {
            Ok(r) => {
                if r.presence_changed {
                    self.refresh_peers();
                }
                if r.ended {
                    self.live_view.ended.set(Some(
                        "The host ended the live session. Your copy is kept on this device.".into(),
                    ));
                    self.retire_current_room();
                    self.stop_live(false);
                    return;
                }
                self.live_send(r.replies);
            }
            Err(e) => self.live_warning(format!("Dropped {e}.")),
        }
    }

    fn adopt_live_document(&self, doc: AutoCommit, d: &Discussion) -> Result<(), String> {
        self.import_new(doc, d, Perspective::Employee)?;
        let mut meta = self.meta(&d.id);
        meta.perspective = Perspective::Employee;
        self.write_meta(&d.id, &meta);
        // Now that we know who we are in this discussion, say so.
        let presence = self.presence(&d.id);
        let env = self
            .live
            .try_update_value(|rt| rt.as_mut().map(|rt| rt.session.set_presence(presence)))
            .flatten();
        if let Some(env) = env {
            self.live_send(vec![env]);
        }
        self.revision.update(|r| *r += 1);
        Ok(())
    }

    fn refresh_peers(&self) {
        let peers = self
            .live
            .with_value(|rt| {
                rt.as_ref().map(|rt| {
                    rt.session
                        .peers
                        .values()
                        .map(|p| p.presence.clone())
                        .collect::<Vec<_>>()
                })
            })
            .unwrap_or_default();
        self.live_view.peers.set(peers);
    }

    /// After a local edit in a live discussion: commit and send soon (edits within a few
    /// milliseconds travel together, so a fast typist does not flood the relay).
    pub(super) fn live_changed(&self, id: &str) {
        let active = self.live_view.info.with_untracked(|i| {
            i.as_ref()
                .is_some_and(|i| i.discussion_id == id && !i.waiting_for_document)
        });
        if !active {
            return;
        }
        let already = self
            .live
            .try_update_value(|rt| {
                rt.as_mut()
                    .map(|rt| std::mem::replace(&mut rt.sync_pending, true))
            })
            .flatten();
        if already != Some(false) {
            return;
        }
        let state = *self;
        let id = id.to_string();
        set_timeout(
            move || {
                state.live.update_value(|rt| {
                    if let Some(rt) = rt.as_mut() {
                        rt.sync_pending = false;
                    }
                });
                state.live_sync_now(&id, false);
            },
            Duration::from_millis(15),
        );
    }

    fn live_sync_now(&self, id: &str, fresh_round: bool) {
        let name = discussion_name(id);
        let envelopes = self.repo.try_update_value(|r| {
            // Sending never changes the values: typing stays on the fast path.
            let stored = r.doc_same_values(&name).ok()?;
            if stored.doc.pending_ops() > 0 {
                stored.doc.commit_with(
                    automerge::transaction::CommitOptions::default()
                        .with_time(crate::infra::clock::now_secs()),
                );
            }
            self.live
                .try_update_value(|rt| {
                    rt.as_mut().map(|rt| {
                        if fresh_round {
                            rt.session.tick(&mut stored.doc)
                        } else {
                            rt.session.local_change(&mut stored.doc)
                        }
                    })
                })
                .flatten()
        });
        if let Some(Some(envelopes)) = envelopes {
            self.live_send(envelopes);
        }
    }

    fn live_tick(&self) {
        let Some(info) = self.live_view.info.get_untracked() else {
            return;
        };
        if info.waiting_for_document {
            let hello = self
                .live
                .try_update_value(|rt| {
                    rt.as_mut()
                        .filter(|rt| rt.session.peers.is_empty())
                        .map(|rt| rt.session.hello())
                })
                .flatten();
            if let Some(hello) = hello {
                self.live_send(vec![hello]);
            }
            return;
        }
        self.live_sync_now(&info.discussion_id, true);
    }

    pub fn live_focus(&self, focus: Option<String>) {
        let Some(info) = self.live_view.info.get_untracked() else {
            return;
        };
        let mut presence = self.presence(&info.discussion_id);
        presence.focus = focus;
        let env = self
            .live
            .try_update_value(|rt| rt.as_mut().map(|rt| rt.session.set_presence(presence)))
            .flatten();
        if let Some(env) = env {
            self.live_send(vec![env]);
        }
    }

    fn retire_current_room(&self) {
        let subject = self
            .live
            .with_value(|rt| rt.as_ref().map(|rt| rt.room.subject()));
        if let Some(subject) = subject {
            self.repo.update_value(|r| {
                use career_core::store::KvStore;
                let mut list = r.kv.get(RETIRED_KEY).ok().flatten().unwrap_or_default();
                if !list.is_empty() {
                    list.push(',');
                }
                list.push_str(&subject);
                let _ = r.kv.set(RETIRED_KEY, &list);
            });
        }
    }

    fn stop_live(&self, say_bye: bool) {
        if say_bye {
            let bye = self
                .live
                .try_update_value(|rt| rt.as_mut().map(|rt| rt.session.bye()))
                .flatten();
            if let Some(bye) = bye {
                self.live_send(vec![bye]);
            }
        }
        self.live.update_value(|rt| {
            if let Some(rt) = rt.take() {
                if let Some(relay) = &rt.relay {
                    relay.close();
                }
                if let Some(channel) = &rt.channel {
                    channel.close();
                }
                if let Some(handle) = rt.interval {
                    handle.clear();
                }
            }
        });
        self.live_view.info.set(None);
        self.live_view.peers.set(vec![]);
        self.flush();
    }

    /// Leaves the session (others go on).
    pub fn leave_live(&self) {
        if self.live_view.info.get_untracked().is_some() {
            self.stop_live(true);
        }
    }

    /// The host ends the session for everyone and retires its key.
    pub fn end_live(&self) {
        let end = self
            .live
            .try_update_value(|rt| rt.as_mut().map(|rt| rt.session.end()))
            .flatten();
        if let Some(end) = end {
            self.live_send(vec![end]);
        }
        self.retire_current_room();
        self.stop_live(false);
    }
}
