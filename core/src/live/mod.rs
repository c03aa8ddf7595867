//! Live sessions: both sides edit one discussion at the same time.
//!
//! - [`nats`]: the NATS client protocol, as bytes in and frames out (the relay is a stock
//!   `nats-server` with a WebSocket listener; the app owns the socket);
//! - [`envelope`]: end-to-end encryption (AES-256-GCM, the room key never leaves the link),
//!   chunking for the relay's size limit, and replay protection;
//! - [`mailbox`]: paired sync through a JetStream mailbox, for devices never online together;
//! - [`session`]: Automerge's sync protocol with every peer, driven by messages in and out.
//!
//! Nothing here touches a socket or a clock; the shell passes bytes, random nonces and time.

pub mod envelope;
pub mod mailbox;
pub mod nats;
pub mod session;
