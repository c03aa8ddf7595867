//! A live session on one discussion: encrypted frames in and out through the NATS relay and
//! a BroadcastChannel (tabs of this browser), and Automerge sync with every peer.
//!
//! The service follows the document store's change events (a local edit is sent to the
//! peers soon after); the store knows nothing about live sessions.

use std::time::Duration;

use career_core::live::envelope::{
    chunk, Envelope, EnvelopeError, Reassembler, Room, Seen, SeenFrames, SenderKey, Transport,
};
use career_core::live::session::{LiveError, Presence, Received, Session};
use career_core::storage::keys::StorageKey;
use career_core::storage::retired::RetiredRooms;
use career_core::workspace::Arriving;
use career_core::Side;
use leptos::prelude::*;

use super::docs::{DocEvent, DocStore};
use super::messages::Messages;
use crate::error::{AppError, AppResult};
use crate::infra::broadcast::Channel;
use crate::infra::guard::{self, Reading};
use crate::infra::relay::{Relay, RelayStatus};
use crate::infra::{clock, location, random};

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

struct Runtime {
    room: Room,
    session: Session,
    relay: Option<Relay>,
    channel: Option<Channel>,
    reassembler: Reassembler,
    seen: SeenFrames,
    msg_id: u32,
    /// For a joiner: the discussion as it arrives, until it is whole.
    arriving: Option<Arriving>,
    sync_pending: bool,
    interval: Option<IntervalHandle>,
}

/// The live session, and what the views show of it.
#[derive(Clone, Copy)]
pub struct Live {
    docs: DocStore,
    messages: Messages,
    rt: StoredValue<Option<Runtime>, LocalStorage>,
    pub info: RwSignal<Option<LiveInfo>>,
    pub status: RwSignal<LinkStatus>,
    pub peers: RwSignal<Vec<Presence>>,
    pub warnings: RwSignal<Vec<String>>,
    pub ended: RwSignal<Option<String>>,
}

/// The relay's WebSocket URL and the credentials it carries: the setting, else the one
/// the app was built with (`CAREER_TALK_RELAY`), else this page's own origin + `/relay`
/// (`wss://` under https): the production server (deploy/caddy) and the development server
/// (Trunk.toml) both pass `/relay` on to nats-server's WebSocket listener.
pub(super) fn relay_endpoint(docs: &DocStore) -> (String, Option<(String, String)>) {
    // An unreadable setting means the default relay, as when none is set.
    let url = docs
        .setting(StorageKey::Relay)
        .ok()
        .flatten()
        .or_else(|| option_env!("CAREER_TALK_RELAY").map(str::to_string))
        .unwrap_or_else(|| {
            let location = window().location();
            let secure = location.protocol().is_ok_and(|p| p == "https:");
            let host = location.host().unwrap_or_else(|_| "127.0.0.1".into());
            format!("{}://{host}/relay", if secure { "wss" } else { "ws" })
        });
    career_core::live::nats::split_credentials(&url)
}

impl Live {
    pub fn new(docs: DocStore, messages: Messages) -> Live {
        let live = Live {
            docs,
            messages,
            rt: StoredValue::new_local(None),
            info: RwSignal::new(None),
            status: RwSignal::new(LinkStatus::Connecting),
            peers: RwSignal::new(vec![]),
            warnings: RwSignal::new(vec![]),
            ended: RwSignal::new(None),
        };
        docs.subscribe(move |event| match event {
            DocEvent::Edited { discussion } => live.changed(discussion),
            // A session on a discussion deleted here ends for this device.
            DocEvent::Erased { discussions } => {
                let current = live
                    .info
                    .with_untracked(|i| i.as_ref().map(|i| i.discussion_id.clone()));
                if current.is_some_and(|id| discussions.contains(&id)) {
                    live.leave();
                }
            }
            _ => {}
        });
        live
    }

    fn presence(&self, id: &str) -> Presence {
        let side = self.docs.side(id);
        let name = match side {
            Side::Leader => self.docs.manager().name,
            Side::Employee => self
                .docs
                .discussion(id)
                .map(|d| d.employee.name)
                .unwrap_or_default(),
        };
        Presence {
            name: if name.trim().is_empty() {
                side.to_string()
            } else {
                name
            },
            side: Some(side),
            focus: None,
        }
    }

    /// Starts a live session on a discussion; returns the link to share. The link names
    /// this tab's sender id as the host's: only this tab can end the session.
    pub fn start(&self, id: &str) -> String {
        self.leave();
        // Before any peer can ask for it: the first time it leaves, a fresh history.
        self.messages.check(
            "This discussion could not be prepared for sharing",
            self.docs.before_sharing(id, true),
        );
        let key = SenderKey::from_seed(random::bytes());
        let room = Room::new(id, random::bytes(), random::bytes(), key.id());
        let link = format!("{}/{}", location::origin(), room.to_fragment());
        self.run(room, key, None, true, link.clone());
        link
    }

    /// Joins a live session from its link.
    pub fn join(&self, room: Room) -> AppResult<String> {
        let retired = RetiredRooms::parse(self.docs.setting(StorageKey::RetiredRooms)?.as_deref());
        if retired.contains(&room.subject()) {
            return Err(AppError::RoomEnded);
        }
        self.leave();
        let id = room.discussion_id.clone();
        let have = self.docs.discussion(&id).is_ok();
        if have {
            self.docs.before_sharing(&id, false)?;
        }
        let arriving = (!have).then(|| Arriving::new(&id));
        let link = format!("{}/{}", location::origin(), room.to_fragment());
        let key = SenderKey::from_seed(random::bytes());
        self.run(room, key, arriving, false, link);
        Ok(id)
    }

    /// Runs a session in `room`, signing with `key` (made for this session only: a new tab
    /// or a rejoin is a new peer).
    fn run(
        &self,
        room: Room,
        key: SenderKey,
        arriving: Option<Arriving>,
        host: bool,
        link: String,
    ) {
        let live = *self;
        let id = room.discussion_id.clone();
        let waiting = arriving.is_some();
        let presence = if waiting {
            Presence {
                name: "joining".into(),
                side: None,
                focus: None,
            }
        } else {
            self.presence(&id)
        };
        let (url, credentials) = relay_endpoint(&self.docs);
        let relay = Relay::open(
            &url,
            credentials,
            &room.subject(),
            move |frame| live.frame(frame, Transport::Relay),
            move |status| live.relay_status(status),
            move |warning| live.warn(warning),
        );
        let channel = Channel::open(&room.subject(), move |frame| {
            live.frame(frame, Transport::Channel)
        });
        let interval = set_interval_with_handle(move || live.tick(), Duration::from_secs(2)).ok();
        let mut session = Session::new(key, room.host, presence);
        // Before the first hello, which proves which discussion this copy is.
        let ready = match waiting {
            true => Ok(()),
            false => self
                .docs
                .with(|ws| ws.live_session(&id, &mut session))
                .and_then(|r| Ok(r?)),
        };
        self.rt.set_value(Some(Runtime {
            session,
            room,
            relay: Some(relay),
            channel,
            reassembler: Reassembler::default(),
            seen: SeenFrames::default(),
            msg_id: 0,
            arriving,
            sync_pending: false,
            interval,
        }));
        self.ended.set(None);
        self.warnings.set(vec![]);
        if let Err(e) = ready {
            self.warn(format!(
                "This discussion could not be readied for the session: {e}."
            ));
        }
        self.peers.set(vec![]);
        self.info.set(Some(LiveInfo {
            discussion_id: id,
            link,
            host,
            waiting_for_document: waiting,
        }));
        self.send_with(|s| vec![s.hello()]);
    }

    /// Runs `f` on the session and sends what it produced.
    fn send_with(&self, f: impl FnOnce(&mut Session) -> Vec<Envelope>) {
        let envelopes = self
            .rt
            .try_update_value(|rt| rt.as_mut().map(|rt| f(&mut rt.session)))
            .flatten();
        if let Some(envelopes) = envelopes {
            self.send(envelopes);
        }
    }

    fn relay_status(&self, status: RelayStatus) {
        self.status.set(match status {
            RelayStatus::Connecting => LinkStatus::Connecting,
            RelayStatus::Connected => LinkStatus::Live,
            RelayStatus::Reconnecting => LinkStatus::Reconnecting,
        });
        if status == RelayStatus::Connected {
            // Start over with everyone: edits made while apart are exchanged now.
            self.send_with(|s| vec![s.hello()]);
        }
    }

    fn warn(&self, warning: String) {
        self.warnings.update(|w| {
            w.push(warning);
            let len = w.len();
            if len > 5 {
                w.drain(..len - 5);
            }
        });
    }

    /// Seals, chunks and sends envelopes on every transport.
    fn send(&self, envelopes: Vec<Envelope>) {
        if envelopes.is_empty() {
            return;
        }
        self.rt.update_value(|rt| {
            let Some(rt) = rt.as_mut() else { return };
            let max = rt.relay.as_ref().map_or(256 * 1024, Relay::max_frame);
            for env in envelopes {
                let sealed = rt.room.seal(&env, rt.session.key(), random::bytes());
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

    fn frame(&self, frame: Vec<u8>, source: Transport) {
        let opened = self
            .rt
            .try_update_value(|rt| -> Option<Result<Envelope, EnvelopeError>> {
                let rt = rt.as_mut()?;
                let whole = match rt.reassembler.push(&frame) {
                    Ok(Some(whole)) => whole,
                    Ok(None) => return None,
                    Err(e) => return Some(Err(e)),
                };
                match rt.seen.note(&whole, source) {
                    Seen::New => {}
                    Seen::Echo => return None,
                    Seen::Again => return Some(Err(EnvelopeError::Replayed)),
                }
                Some(rt.room.open(&whole))
            });
        match opened.flatten() {
            None => {}
            Some(Err(e)) => self.warn(format!("Dropped {e}.")),
            Some(Ok(env)) => guard::reading(Reading::Live, || self.receive(env)),
        }
    }

    fn receive(&self, env: Envelope) {
        let Some(info) = self.info.get_untracked() else {
            return;
        };
        let id = info.discussion_id.clone();
        let received: Result<Received, AppError> = if info.waiting_for_document {
            // A joiner still assembling the document.
            let result = self.rt.try_update_value(|rt| {
                let rt = rt.as_mut()?;
                let arriving = rt.arriving.as_mut()?;
                let (received, whole) = arriving.receive(&mut rt.session, env);
                let done = whole.then(|| rt.arriving.take()).flatten();
                Some((received, done))
            });
            let Some(Some((mut received, done))) = result else {
                return;
            };
            // Replies go out before anything adoption sends, so the peer sees our messages
            // in the order of their sequence numbers.
            if let Ok(r) = received.as_mut() {
                let replies = std::mem::take(&mut r.replies);
                self.send(replies);
            }
            if let Some(arriving) = done {
                self.adopt(arriving);
            }
            received.map_err(AppError::from)
        } else {
            let result = self.rt.try_update_value(|rt| {
                let rt = rt.as_mut()?;
                let session = &mut rt.session;
                Some(
                    self.docs
                        .with(|ws| {
                            ws.live_receive(&id, session, env, clock::today(), clock::now_secs())
                        })
                        .and_then(|r| Ok(r?)),
                )
            });
            match result.flatten() {
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
                    self.ended.set(Some(
                        "The host ended the live session. Your copy is kept on this device.".into(),
                    ));
                    self.retire_room();
                    self.stop(false);
                    return;
                }
                self.send(r.replies);
            }
            Err(e) => self.warn(format!("Dropped {e}.")),
        }
    }

    fn adopt(&self, arriving: Arriving) {
        match self.docs.adopt(arriving) {
            Ok(d) => {
                self.info.update(|i| {
                    if let Some(i) = i {
                        i.waiting_for_document = false;
                    }
                });
                // Now that we know who we are in this discussion, say so.
                let presence = self.presence(&d.id);
                self.send_with(|s| vec![s.set_presence(presence)]);
            }
            Err(e) => self.warn(format!("The discussion could not be stored: {e}.")),
        }
    }

    fn refresh_peers(&self) {
        let peers = self
            .rt
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
        self.peers.set(peers);
    }

    /// After a local edit in the live discussion: send soon (edits within a few
    /// milliseconds travel together, so a fast typist does not flood the relay).
    fn changed(&self, id: &str) {
        let active = self.info.with_untracked(|i| {
            i.as_ref()
                .is_some_and(|i| i.discussion_id == id && !i.waiting_for_document)
        });
        if !active {
            return;
        }
        let already = self
            .rt
            .try_update_value(|rt| {
                rt.as_mut()
                    .map(|rt| std::mem::replace(&mut rt.sync_pending, true))
            })
            .flatten();
        if already != Some(false) {
            return;
        }
        let live = *self;
        let id = id.to_string();
        set_timeout(
            move || {
                live.rt.update_value(|rt| {
                    if let Some(rt) = rt.as_mut() {
                        rt.sync_pending = false;
                    }
                });
                live.sync_now(&id, false);
            },
            Duration::from_millis(15),
        );
    }

    fn sync_now(&self, id: &str, fresh_round: bool) {
        let envelopes = self.rt.try_update_value(|rt| {
            let rt = rt.as_mut()?;
            let session = &mut rt.session;
            Some(
                self.docs
                    .with(|ws| ws.live_outgoing(id, session, fresh_round, clock::now_secs()))
                    .and_then(|r| Ok(r?)),
            )
        });
        match envelopes.flatten() {
            Some(Ok(envelopes)) => self.send(envelopes),
            Some(Err(e)) => self.warn(format!(
                "Could not prepare your changes for the session: {e}."
            )),
            None => {}
        }
    }

    fn tick(&self) {
        let Some(info) = self.info.get_untracked() else {
            return;
        };
        if info.waiting_for_document {
            self.send_with(|s| {
                if s.peers.is_empty() {
                    vec![s.hello()]
                } else {
                    vec![]
                }
            });
            return;
        }
        self.sync_now(&info.discussion_id, true);
    }

    /// Says which question this device is on.
    pub fn focus(&self, focus: Option<String>) {
        let Some(info) = self.info.get_untracked() else {
            return;
        };
        let mut presence = self.presence(&info.discussion_id);
        presence.focus = focus;
        self.send_with(|s| vec![s.set_presence(presence)]);
    }

    /// Remembers that this room ended, so its link no longer joins.
    fn retire_room(&self) {
        let subject = self
            .rt
            .with_value(|rt| rt.as_ref().map(|rt| rt.room.subject()));
        let Some(subject) = subject else { return };
        let mut rooms = match self.docs.setting(StorageKey::RetiredRooms) {
            Ok(stored) => RetiredRooms::parse(stored.as_deref()),
            Err(e) => {
                self.messages.error(
                    "This device could not note that the session ended (its link may still join)",
                    &e,
                );
                return;
            }
        };
        if !rooms.retire(&subject) {
            return;
        }
        self.messages.check(
            "This device could not note that the session ended (its link may still join)",
            self.docs
                .set_setting(StorageKey::RetiredRooms, &rooms.to_stored()),
        );
    }

    fn stop(&self, say_bye: bool) {
        if say_bye {
            self.send_with(|s| vec![s.bye()]);
        }
        self.rt.update_value(|rt| {
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
        self.info.set(None);
        self.peers.set(vec![]);
        self.docs.flush();
    }

    /// Leaves the session (others go on).
    pub fn leave(&self) {
        if self.info.get_untracked().is_some() {
            self.stop(true);
        }
    }

    /// The host ends the session for everyone and retires its key.
    pub fn end(&self) {
        self.send_with(|s| vec![s.end()]);
        self.retire_room();
        self.stop(false);
    }
}

impl From<LiveError> for AppError {
    fn from(e: LiveError) -> AppError {
        AppError::Workspace(e.into())
    }
}
