//! The sync line under a discussion's heading: "Synced with Sam 2 minutes ago", "3 changes
//! waiting to send (offline)", "Not paired". Every sentence is what the device knows:
//! "synced" only once the other device declared having everything this one has.

use super::MailboxStatus;
use crate::live::mailbox::Phase;
use crate::text::ago;
use crate::Side;

/// How far this device reaches the relay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reach {
    Connected,
    /// The device is online, the relay does not answer.
    Unreachable,
    /// The device has no network.
    Offline,
}

impl Reach {
    fn why(self) -> &'static str {
        match self {
            Reach::Connected => "connected",
            Reach::Unreachable => "the sync service cannot be reached",
            Reach::Offline => "offline",
        }
    }
}

/// Something wrong with a discussion's sync (cleared by the next success).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SyncProblem {
    /// The relay refused or failed: this device's changes stay on it until it answers.
    Relay(String),
    /// A message in the mailbox was skipped, for this reason; later ones are still read.
    Skipped(String),
    /// The discussion is larger than the relay takes in one message.
    TooLarge,
    /// The bundle could not be made.
    NotSent(String),
}

impl SyncProblem {
    /// About the relay (cleared once it answers again), not about a message.
    pub fn is_relay(&self) -> bool {
        matches!(self, SyncProblem::Relay(_))
    }

    fn text(&self) -> String {
        match self {
            SyncProblem::Relay(text) => text.clone(),
            SyncProblem::Skipped(why) => {
                format!("a message in the mailbox was skipped ({why}); later ones are still read")
            }
            SyncProblem::TooLarge => {
                "this discussion is too large for the relay; send it as a file".into()
            }
            SyncProblem::NotSent(why) => format!("the changes could not be sent ({why})"),
        }
    }
}

fn changes(n: usize) -> String {
    format!("{n} {}", if n == 1 { "change" } else { "changes" })
}

impl MailboxStatus {
    /// The sync line for `me`, with the other person's name, and whether it is a warning.
    pub fn sentence(
        &self,
        me: Side,
        other: &str,
        reach: Reach,
        problem: Option<&SyncProblem>,
        now: i64,
    ) -> (String, bool) {
        match self.state.phase(me) {
            Phase::NotAsked => ("Not paired".into(), false),
            Phase::OffByMe => (
                "Sync turned off by you: changes go by link or file".into(),
                false,
            ),
            Phase::OffByOther => (
                format!("{other} turned sync off: changes go by link or file"),
                false,
            ),
            Phase::Asked => (format!("{other} asks to keep your devices in sync"), false),
            // Nothing is known of the other device until it declares what it has.
            Phase::Waiting if !self.peer_known => (
                format!("Sync starts once {other} takes in what you send"),
                false,
            ),
            Phase::Waiting => (format!("Waiting for {other} to turn sync on"), false),
            Phase::Paired => self.paired_sentence(other, reach, problem, now),
        }
    }

    fn paired_sentence(
        &self,
        other: &str,
        reach: Reach,
        problem: Option<&SyncProblem>,
        now: i64,
    ) -> (String, bool) {
        if let Some(p) = problem {
            // Only a relay problem keeps this device's changes from going out.
            let stay = if p.is_relay() {
                " Your changes stay on this device."
            } else {
                ""
            };
            return (format!("Sync: {}.{stay}", p.text()), true);
        }
        let online = reach == Reach::Connected;
        if self.unsent > 0 && self.content_waiting {
            return if online {
                (
                    format!("Sending {} to {other}…", changes(self.unsent)),
                    false,
                )
            } else {
                (
                    format!("{} waiting to send ({})", changes(self.unsent), reach.why()),
                    true,
                )
            };
        }
        if self.waiting > 0 && self.content_waiting {
            // No count: some of it may have gone by link too; what is known is that the
            // other device has not said it has it.
            let text = if self.peer_known {
                format!("Sent; {other}'s device picks it up when it is next online")
            } else {
                format!("Sent; {other}'s device gets it once {other} takes in what you shared")
            };
            return (text, false);
        }
        let offline = if online {
            String::new()
        } else {
            format!(" ({} now)", reach.why())
        };
        match self.synced_at {
            Some(t) => (
                format!("Synced with {other} {}{offline}", ago(now - t)),
                false,
            ),
            None => (format!("Paired with {other}{offline}"), false),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::live::mailbox::{Pairing, PairingState};

    fn paired() -> MailboxStatus {
        MailboxStatus {
            state: PairingState {
                pairing: Some(Pairing::from_random([7; 48])),
                leader: Some(true),
                employee: Some(true),
                ..PairingState::default()
            },
            waiting: 0,
            unsent: 0,
            synced_at: None,
            read: BTreeMap::new(),
            due: false,
            peer_known: true,
            content_waiting: false,
        }
    }

    fn line(s: &MailboxStatus, reach: Reach, problem: Option<&SyncProblem>) -> (String, bool) {
        s.sentence(Side::Leader, "Sam", reach, problem, 1_000_000)
    }

    #[test]
    fn synced_says_when_and_only_once_the_other_device_declared_it() {
        let mut s = paired();
        assert_eq!(line(&s, Reach::Connected, None).0, "Paired with Sam");
        s.synced_at = Some(1_000_000 - 150);
        assert_eq!(
            line(&s, Reach::Connected, None),
            ("Synced with Sam 2 minutes ago".into(), false)
        );
        assert_eq!(
            line(&s, Reach::Offline, None).0,
            "Synced with Sam 2 minutes ago (offline now)"
        );
    }

    #[test]
    fn unsent_changes_are_counted_and_say_why_they_wait() {
        let mut s = paired();
        s.waiting = 3;
        s.unsent = 3;
        s.content_waiting = true;
        assert_eq!(
            line(&s, Reach::Connected, None),
            ("Sending 3 changes to Sam…".into(), false)
        );
        assert_eq!(
            line(&s, Reach::Unreachable, None),
            (
                "3 changes waiting to send (the sync service cannot be reached)".into(),
                true
            )
        );
        s.unsent = 1;
        s.waiting = 1;
        assert_eq!(
            line(&s, Reach::Offline, None).0,
            "1 change waiting to send (offline)"
        );
        // Only this device's key or answer waiting: nothing the other person would see.
        s.content_waiting = false;
        assert_eq!(line(&s, Reach::Connected, None).0, "Paired with Sam");
    }

    #[test]
    fn sent_but_not_declared_names_what_the_other_device_needs() {
        let mut s = paired();
        s.waiting = 2;
        s.content_waiting = true;
        assert_eq!(
            line(&s, Reach::Connected, None).0,
            "Sent; Sam's device picks it up when it is next online"
        );
        s.peer_known = false;
        assert_eq!(
            line(&s, Reach::Connected, None).0,
            "Sent; Sam's device gets it once Sam takes in what you shared"
        );
    }

    #[test]
    fn problems_warn_and_only_the_relay_keeps_changes_here() {
        let s = paired();
        let relay = SyncProblem::Relay("the relay refused the mailbox".into());
        assert_eq!(
            line(&s, Reach::Connected, Some(&relay)),
            (
                "Sync: the relay refused the mailbox. Your changes stay on this device.".into(),
                true
            )
        );
        let skipped = SyncProblem::Skipped("it came round again (replayed)".into());
        assert_eq!(
            line(&s, Reach::Connected, Some(&skipped)),
            (
                "Sync: a message in the mailbox was skipped (it came round again (replayed)); \
                 later ones are still read."
                    .into(),
                true
            )
        );
    }

    #[test]
    fn each_phase_before_pairing_has_its_own_line() {
        let mut s = paired();
        s.state = PairingState::default();
        assert_eq!(line(&s, Reach::Connected, None).0, "Not paired");
        s.state.employee = Some(true);
        assert_eq!(
            line(&s, Reach::Connected, None).0,
            "Sam asks to keep your devices in sync"
        );
        s.state = PairingState {
            leader: Some(true),
            ..PairingState::default()
        };
        assert_eq!(
            line(&s, Reach::Connected, None).0,
            "Waiting for Sam to turn sync on"
        );
        s.peer_known = false;
        assert_eq!(
            line(&s, Reach::Connected, None).0,
            "Sync starts once Sam takes in what you send"
        );
    }
}
