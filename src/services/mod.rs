//! The app's services: small handles shared through context, each with one job. Data flows
//! one way — pages call services, services call the document store, the store calls the
//! core — and a service hears about changes by subscribing to the store's events, never by
//! being called from below.
//!
//! - [`messages`]: the queue of messages for the user;
//! - [`docs`]: the document store (the core's workspace over localStorage, saving, what
//!   views track);
//! - [`sharing`]: links and files out and in, exports, signing;
//! - [`live`]: live sessions;
//! - [`paired`]: paired sync through the relay's mailboxes, for devices never online together;
//! - [`device`]: backups, storage, persistence, app updates;
//! - [`reports`]: calendar, team picture data, the record for HR;
//! - [`link`]: a link opened in this tab, waiting for the person's answer.

pub mod device;
pub mod docs;
pub mod link;
pub mod live;
pub mod messages;
pub mod paired;
pub mod reports;
pub mod sharing;

use leptos::prelude::*;

pub use device::Device;
pub use docs::{DocStore, SaveState};
pub use live::Live;
pub use messages::Messages;
pub use paired::Paired;
pub use reports::Reports;
pub use sharing::Sharing;

/// Starts every service and provides each as a context.
pub fn provide() -> (DocStore, Sharing, Live, Messages) {
    let messages = Messages::new();
    let docs = DocStore::open(messages);
    let sharing = Sharing::new(docs, messages);
    let live = Live::new(docs, messages);
    let paired = Paired::start(docs, messages);
    let device = Device::start(docs, messages);
    let reports = Reports::new(docs, messages);
    provide_context(messages);
    provide_context(docs);
    provide_context(sharing);
    provide_context(live);
    provide_context(paired);
    provide_context(device);
    provide_context(reports);
    (docs, sharing, live, messages)
}
