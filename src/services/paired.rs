//! Paired sync: one connection to the relay for every paired discussion on this device.
//! Bundles are published after saves and after catching up with a mailbox; what arrives is
//! taken in like a link from the other side (merge review, notices, signatures). The core's
//! mailbox client speaks JetStream; this service owns the socket, the timers and the words.
//!
//! The service follows the document store's events: a discussion that becomes paired
//! (shared with pairing on, or a link that carried a pairing) is watched from then on.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use career_core::live::mailbox::{Client, Event, Pairing, PairingState};
use career_core::live::nats;
use career_core::workspace::{MailboxTaken, SyncProblem, TakenIn};
use career_core::Side;
use leptos::prelude::*;

use super::docs::{DocEvent, DocStore};
use super::live::relay_endpoint;
use super::messages::Messages;
use crate::infra::guard::{self, Reading};
use crate::infra::relay::{Connection, Handlers, RelayStatus};
use crate::infra::{clock, random};

/// Bundles go out this long after the last save (a typing pause saves; a burst of pauses
/// makes one bundle).
const PUBLISH_DELAY: Duration = Duration::from_millis(1500);

struct Runtime {
    client: Client,
    socket: Option<Connection>,
    /// Discussions with a publish waiting for its delay.
    scheduled: BTreeSet<String>,
    /// Discussions whose unacknowledged changes were sent again on this connection.
    resent: BTreeSet<String>,
    ticks: u64,
}

#[derive(Clone, Copy)]
pub struct Paired {
    docs: DocStore,
    messages: Messages,
    rt: StoredValue<Runtime, LocalStorage>,
    /// The relay connection: `None` while nothing is paired.
    pub relay: RwSignal<Option<RelayStatus>>,
    /// The last problem per discussion (cleared by the next success).
    pub problems: RwSignal<BTreeMap<String, SyncProblem>>,
    /// Bumped every 30 seconds, so "2 minutes ago" moves on.
    pub minute: RwSignal<u64>,
    /// Bumped after every save (typed changes become countable changes when saved).
    pub saved: RwSignal<u64>,
    timer: StoredValue<Option<TimeoutHandle>, LocalStorage>,
}

impl Paired {
    pub fn start(docs: DocStore, messages: Messages) -> Paired {
        let paired = Paired {
            docs,
            messages,
            rt: StoredValue::new_local(Runtime {
                client: Client::new(&random::new_id()[..12], relay_endpoint(&docs).1),
                socket: None,
                scheduled: BTreeSet::new(),
                resent: BTreeSet::new(),
                ticks: 0,
            }),
            relay: RwSignal::new(None),
            problems: RwSignal::new(BTreeMap::new()),
            minute: RwSignal::new(0),
            saved: RwSignal::new(0),
            timer: StoredValue::new_local(None),
        };
        docs.subscribe(move |event| match event {
            // Heard once the change is done with (the store tells after its operation).
            DocEvent::Edited { discussion } | DocEvent::Arrived { discussion } => {
                paired.follow_if_changed(discussion)
            }
            DocEvent::Saved => {
                paired.saved.update(|n| *n += 1);
                paired.schedule_all()
            }
            DocEvent::Erased { discussions } => {
                for id in discussions {
                    paired.unwatch(id);
                }
            }
        });
        // Messages whose reading stopped the app last time: their positions move past them.
        for (id, side, seq) in guard::take_mailbox_skips() {
            if let Some(side) = Side::parse(&side) {
                docs.mailbox_skip(&id, side, seq);
            }
        }
        // After the first screen: looking at every discussion loads it.
        set_timeout(move || paired.scan(), Duration::from_millis(800));
        let _ = set_interval_with_handle(move || paired.tick(), Duration::from_secs(2));
        paired
    }

    /// Watches every paired discussion on this device.
    fn scan(&self) {
        let ids: Vec<String> = self
            .docs
            .with_index(|i| i.discussions.keys().cloned().collect());
        for id in ids {
            self.follow(&id);
        }
    }

    /// Follows a discussion whose pairing may have changed (every edit comes here: the
    /// common case, nothing changed, costs one field read).
    fn follow_if_changed(&self, id: &str) {
        let Some(state) = self.docs.pairing(id) else {
            return;
        };
        let side = self.docs.side(id);
        let wanted = state.listens(side);
        let same = self.rt.with_value(|rt| rt.client.watching(id) == wanted);
        if !same {
            self.follow(id);
        }
    }

    /// Starts or stops watching one discussion, as its pairing now says.
    /// Stops following a discussion's mailbox.
    fn unwatch(&self, id: &str) {
        let bytes = self
            .rt
            .try_update_value(|rt| rt.client.unwatch(id))
            .unwrap_or_default();
        self.send(&bytes);
    }

    fn follow(&self, id: &str) {
        let Some(state) = self.docs.pairing(id) else {
            return;
        };
        let side = self.docs.side(id);
        let status = self.docs.mailbox_status_untracked(id);
        // Read once this side said yes; after a no, only until the bundle that tells the
        // other side has gone.
        let due = status.as_ref().is_some_and(|s| s.due);
        let Some(pairing) = watched(&state, side, due) else {
            self.unwatch(id);
            return;
        };
        let read = status.map(|s| s.read).unwrap_or_default();
        self.ensure_socket();
        let bytes = self
            .rt
            .try_update_value(|rt| rt.client.watch(id, pairing, side, read, now_ms()))
            .unwrap_or_default();
        self.send(&bytes);
        self.schedule(id);
    }

    fn ensure_socket(&self) {
        let has = self.rt.with_value(|rt| rt.socket.is_some());
        if has {
            return;
        }
        let me = *self;
        let (url, credentials) = relay_endpoint(&self.docs);
        // The app's one connection to the relay, shared with a live session.
        let socket = Connection::to(&url, credentials);
        socket.join(Handlers {
            hello: Box::new(move || {
                me.rt
                    .try_with_value(|rt| rt.client.subscriptions())
                    .unwrap_or_default()
            }),
            claims: Box::new(Client::claims),
            op: Box::new(move |op| me.server_op(op)),
            status: Box::new(move |status| me.socket_status(status)),
            warning: Box::new(move |w| {
                leptos::logging::warn!("relay: {w}");
            }),
        });
        self.rt.update_value(|rt| rt.socket = Some(socket));
    }

    fn send(&self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        self.rt.with_value(|rt| {
            if let Some(s) = &rt.socket {
                s.send(bytes);
            }
        });
    }

    fn socket_status(&self, status: RelayStatus) {
        self.relay.set(Some(status));
        if status != RelayStatus::Connected {
            self.rt.update_value(|rt| rt.resent.clear());
            let events = self
                .rt
                .try_update_value(|rt| rt.client.disconnected())
                .unwrap_or_default();
            self.handle(events);
        }
    }

    fn server_op(&self, op: nats::ServerOp) -> Vec<u8> {
        let (bytes, events) = self
            .rt
            .try_update_value(|rt| rt.client.receive(op, now_ms()))
            .unwrap_or_default();
        // The client's state is let go of first: taking the events in may call this service
        // again (through the store's events), and the socket holds nothing while it asks.
        self.handle(events);
        bytes
    }

    fn handle(&self, events: Vec<Event>) {
        for event in events {
            match event {
                Event::Delivered {
                    discussion,
                    from,
                    seq,
                    frame,
                } => self.delivered(&discussion, from, seq, &frame),
                Event::CaughtUp { discussion } => {
                    self.problems.update(|p| {
                        if p.get(&discussion).is_some_and(SyncProblem::is_relay) {
                            p.remove(&discussion);
                        }
                    });
                    // Once per connection, what the other side still lacks goes again.
                    let again = self
                        .rt
                        .try_update_value(|rt| rt.resent.insert(discussion.clone()))
                        .unwrap_or(false);
                    self.publish_with(&discussion, again)
                }
                Event::Published { discussion, .. } => {
                    self.docs.mailbox_published(&discussion);
                    self.problems.update(|p| {
                        p.remove(&discussion);
                    });
                    // A stop that reached the relay ends the watch; new edits go out.
                    self.follow(&discussion);
                }
                Event::Problem {
                    discussion: Some(id),
                    message,
                } => self.problems.update(|p| {
                    p.insert(id, SyncProblem::Relay(message));
                }),
                Event::Problem {
                    discussion: None,
                    message,
                } => leptos::logging::warn!("relay: {message}"),
                Event::StreamReset { discussion } => self.docs.mailbox_reset(&discussion),
                Event::Online(_) => {}
            }
        }
    }

    fn delivered(&self, id: &str, from: Side, seq: u64, frame: &[u8]) {
        // Automerge can stop the app on some malformed bytes: the guard skips the message
        // at the next start.
        let what = Reading::Mailbox {
            discussion: id.to_string(),
            side: from.as_str().to_string(),
            seq,
        };
        let Ok(result) = guard::reading(what, || self.docs.mailbox_take(id, from, seq, frame))
        else {
            return;
        };
        self.rt.update_value(|rt| rt.client.taken(id, from, seq));
        match result {
            Ok(MailboxTaken::Own) => {}
            Ok(MailboxTaken::Taken {
                taken:
                    TakenIn::Merged {
                        new_changes,
                        review,
                        ..
                    },
                other_party,
            }) => {
                // A bundle that changed no field (a device key recorded) needs no notice. The
                // words are the link's: computed from this merge's review.
                if new_changes > 0 && !review.is_empty() {
                    let who = if other_party {
                        self.other_party(id)
                    } else {
                        "your other device".to_string()
                    };
                    self.messages
                        .info(format!("Through sync: {}", review.message(&who)));
                }
                self.problems.update(|p| {
                    p.remove(id);
                });
            }
            Ok(MailboxTaken::Taken {
                taken: TakenIn::Imported { .. },
                ..
            }) => {}
            Err(e) => {
                self.messages.problem(format!(
                    "Sync: {e}. It was not taken in; later messages are still read."
                ));
                self.problems.update(|p| {
                    p.insert(id.to_string(), SyncProblem::Skipped(e.reason()));
                });
            }
        }
        // Its answer to pairing may have changed with what came in.
        self.follow_if_changed(id);
        self.schedule(id);
    }

    fn other_party(&self, id: &str) -> String {
        self.docs.discussion_untracked(id).map_or_else(
            || "the other side".into(),
            |d| d.other_party(self.docs.side(id)),
        )
    }

    fn schedule(&self, id: &str) {
        self.rt.update_value(|rt| {
            rt.scheduled.insert(id.to_string());
        });
        let me = *self;
        self.timer.update_value(|t| {
            if let Some(h) = t.take() {
                h.clear();
            }
            *t = set_timeout_with_handle(move || me.publish_scheduled(), PUBLISH_DELAY).ok();
        });
    }

    fn schedule_all(&self) {
        let ids: Vec<String> = self.rt.with_value(|rt| {
            self.docs
                .with_index(|i| i.discussions.keys().cloned().collect::<Vec<_>>())
                .into_iter()
                .filter(|id| rt.client.is_watching(id))
                .collect()
        });
        for id in ids {
            self.schedule(&id);
        }
    }

    fn publish_scheduled(&self) {
        let ids = self
            .rt
            .try_update_value(|rt| std::mem::take(&mut rt.scheduled))
            .unwrap_or_default();
        for id in ids {
            self.publish(&id);
        }
    }

    /// Publishes a bundle when one is due and the mailbox has been read up to now.
    fn publish(&self, id: &str) {
        self.publish_with(id, false)
    }

    fn publish_with(&self, id: &str, again: bool) {
        let ready = self.rt.with_value(|rt| {
            rt.client.online() && rt.client.caught_up(id) && !rt.client.publishing(id)
        });
        if !ready {
            return;
        }
        match self.docs.mailbox_bundle(id, again) {
            Ok(Some(frame)) if frame.len() > self.max_frame() => {
                self.problems.update(|p| {
                    p.insert(id.to_string(), SyncProblem::TooLarge);
                });
            }
            Ok(Some(frame)) => {
                let bytes = self
                    .rt
                    .try_update_value(|rt| rt.client.publish(id, &frame, now_ms()))
                    .unwrap_or_default();
                self.send(&bytes);
            }
            Ok(None) => {}
            Err(e) => self.problems.update(|p| {
                p.insert(id.to_string(), SyncProblem::NotSent(e.to_string()));
            }),
        }
    }

    fn max_frame(&self) -> usize {
        self.rt
            .with_value(|rt| rt.socket.as_ref().map(Connection::max_frame))
            .unwrap_or(1024 * 1024)
    }

    fn tick(&self) {
        let ticks = self.rt.try_update_value(|rt| {
            rt.ticks += 1;
            rt.ticks
        });
        if ticks.is_some_and(|t| t % 15 == 0) {
            self.minute.update(|m| *m += 1);
        }
        let (bytes, events) = self
            .rt
            .try_update_value(|rt| rt.client.tick(now_ms()))
            .unwrap_or_default();
        self.send(&bytes);
        let retry: Vec<String> = events
            .iter()
            .filter_map(|e| match e {
                Event::Problem {
                    discussion: Some(d),
                    ..
                } => Some(d.clone()),
                _ => None,
            })
            .collect();
        self.handle(events);
        for id in retry {
            self.schedule(&id);
        }
    }

    /// The current time, for "2 minutes ago".
    pub fn now_secs(&self) -> i64 {
        self.minute.track();
        clock::now_secs()
    }
}

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// The mailbox this device follows for a discussion: once its side said yes; after a no,
/// while the bundle telling the other side is still `due`.
fn watched(state: &PairingState, side: Side, due: bool) -> Option<Pairing> {
    state
        .listens(side)
        .or_else(|| state.seals(side).filter(|_| due))
        .cloned()
}
