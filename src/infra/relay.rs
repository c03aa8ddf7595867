//! The WebSocket to the NATS relay, one for the whole app: [`Connection`] connects, says
//! CONNECT after the server's INFO, answers PINGs, and reconnects with backoff when the
//! relay goes away. Paired sync's mailboxes and a live session's room are its *users*:
//! each subscribes under its own subscription ids and hears the server's messages for
//! them; what the operations mean is the user's business. [`Relay`] is a live session's
//! room on it: one subject, frames in and out. Neither knows what the frames mean (they
//! are end-to-end encrypted).

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use career_core::live::nats::{self, Parser, ServerOp};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// The status a socket is closed with. Closed without one, nats-server answers with 1005
/// ("no status"), a code that must never be sent, and the browser reports a broken frame.
const NORMAL_CLOSURE: u16 = 1000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelayStatus {
    Connecting,
    Connected,
    Reconnecting,
}

/// What a user of the connection does with it.
pub struct Handlers {
    /// Its subscriptions, sent on each new connection after CONNECT (and at once when it
    /// joins a connection already open); the PONG that follows marks it connected.
    pub hello: Box<dyn Fn() -> Vec<u8>>,
    /// Whether a subscription id is this user's: the server's messages for it come here.
    pub claims: Box<dyn Fn(&str) -> bool>,
    /// The server's messages for this user's subscriptions, and every other operation but
    /// INFO and PING; returns bytes to send.
    pub op: Box<dyn Fn(ServerOp) -> Vec<u8>>,
    pub status: Box<dyn Fn(RelayStatus)>,
    pub warning: Box<dyn Fn(String)>,
}

/// The app's connection to the relay (cheap to clone). Its users join with
/// [`Connection::join`] and leave with [`Connection::leave`]; the socket closes when the
/// last one leaves.
#[derive(Clone)]
pub struct Connection {
    inner: Rc<RefCell<Inner>>,
}

struct User {
    id: u64,
    handlers: Rc<Handlers>,
    /// Its subscriptions were answered on this connection.
    connected: bool,
}

struct Inner {
    url: String,
    credentials: Option<(String, String)>,
    socket: Option<web_sys::WebSocket>,
    connected: bool,
    greeted: bool,
    closed_by_us: bool,
    attempt: u32,
    max_payload: usize,
    users: Vec<User>,
    next_user: u64,
}

thread_local! {
    /// The open connection, by relay address: a second user of the same relay shares it.
    static OPEN: RefCell<Option<Connection>> = const { RefCell::new(None) };
}

impl Connection {
    /// The connection to `url`: the open one when it goes there, else a new one (an open
    /// connection to another relay keeps serving its users).
    pub fn to(url: &str, credentials: Option<(String, String)>) -> Connection {
        if let Some(open) = OPEN.with(|o| o.borrow().clone()) {
            let same = {
                let inner = open.inner.borrow();
                inner.url == url && inner.credentials == credentials && !inner.closed_by_us
            };
            if same {
                return open;
            }
        }
        let connection = Connection {
            inner: Rc::new(RefCell::new(Inner {
                url: url.to_string(),
                credentials,
                socket: None,
                connected: false,
                greeted: false,
                closed_by_us: false,
                attempt: 0,
                max_payload: 512 * 1024,
                users: Vec::new(),
                next_user: 0,
            })),
        };
        OPEN.with(|o| *o.borrow_mut() = Some(connection.clone()));
        connect(&connection.inner);
        connection
    }

    /// Adds a user; returns its id for [`Connection::leave`]. On a connection already
    /// open its subscriptions go at once.
    pub fn join(&self, handlers: Handlers) -> u64 {
        let handlers = Rc::new(handlers);
        let (id, greeted) = {
            let mut inner = self.inner.borrow_mut();
            inner.next_user += 1;
            let id = inner.next_user;
            inner.users.push(User {
                id,
                handlers: handlers.clone(),
                connected: false,
            });
            (id, inner.greeted)
        };
        if greeted {
            let mut hello = (handlers.hello)();
            hello.extend(nats::ping());
            send_raw(&self.inner, &hello);
        }
        id
    }

    /// Takes a user off (after it sent its UNSUBs); the socket closes with the last one.
    pub fn leave(&self, user: u64) {
        let last = {
            let mut inner = self.inner.borrow_mut();
            inner.users.retain(|u| u.id != user);
            inner.users.is_empty()
        };
        if last {
            self.close();
        }
    }

    pub fn connected(&self) -> bool {
        self.inner.borrow().connected
    }

    /// The largest frame to publish (the relay's max_payload, less room for the protocol).
    pub fn max_frame(&self) -> usize {
        self.inner
            .borrow()
            .max_payload
            .saturating_sub(1024)
            .max(1024)
    }

    /// Sends protocol bytes; false when not connected.
    pub fn send(&self, bytes: &[u8]) -> bool {
        if bytes.is_empty() {
            return true;
        }
        let inner = self.inner.borrow();
        match (&inner.socket, inner.connected) {
            (Some(ws), true) => ws.send_with_u8_array(bytes).is_ok(),
            _ => false,
        }
    }

    fn close(&self) {
        {
            let mut inner = self.inner.borrow_mut();
            inner.closed_by_us = true;
            if let Some(ws) = inner.socket.take() {
                // Closing a socket that is already closing or closed is fine to fail.
                let _ = ws.close_with_code(NORMAL_CLOSURE);
            }
        }
        OPEN.with(|o| {
            let mut o = o.borrow_mut();
            if o.as_ref()
                .is_some_and(|c| Rc::ptr_eq(&c.inner, &self.inner))
            {
                *o = None;
            }
        });
    }
}

/// Every user's handlers, let go of the connection's state before any is called (a
/// handler may send, join or leave).
fn users(cell: &Rc<RefCell<Inner>>) -> Vec<Rc<Handlers>> {
    cell.borrow()
        .users
        .iter()
        .map(|u| u.handlers.clone())
        .collect()
}

fn connect(cell: &Rc<RefCell<Inner>>) {
    let (url, first) = {
        let inner = cell.borrow();
        (inner.url.clone(), inner.attempt == 0)
    };
    let status = if first {
        RelayStatus::Connecting
    } else {
        RelayStatus::Reconnecting
    };
    for user in users(cell) {
        (user.status)(status);
    }
    let Ok(ws) = web_sys::WebSocket::new(&url) else {
        schedule_reconnect(cell);
        return;
    };
    ws.set_binary_type(web_sys::BinaryType::Arraybuffer);
    let parser = Rc::new(RefCell::new(Parser::new()));

    let c = cell.clone();
    let on_message =
        Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
            let bytes = match ev.data().dyn_into::<js_sys::ArrayBuffer>() {
                Ok(buf) => js_sys::Uint8Array::new(&buf).to_vec(),
                Err(data) => data.as_string().unwrap_or_default().into_bytes(),
            };
            let ops = parser.borrow_mut().push(&bytes);
            match ops {
                Ok(ops) => {
                    for op in ops {
                        handle(&c, op);
                    }
                }
                Err(e) => {
                    for user in users(&c) {
                        (user.warning)(e.to_string());
                    }
                    // Start over on a clean connection.
                    if let Some(ws) = c.borrow().socket.as_ref() {
                        let _ = ws.close_with_code(NORMAL_CLOSURE);
                    }
                }
            }
        });
    let c = cell.clone();
    let on_close = Closure::<dyn Fn()>::new(move || {
        let by_us = {
            let mut inner = c.borrow_mut();
            inner.connected = false;
            inner.greeted = false;
            inner.socket = None;
            for user in &mut inner.users {
                user.connected = false;
            }
            inner.closed_by_us
        };
        if !by_us {
            schedule_reconnect(&c);
        }
    });
    ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    on_message.forget();
    on_close.forget();
    cell.borrow_mut().socket = Some(ws);
}

fn send_raw(cell: &Rc<RefCell<Inner>>, bytes: &[u8]) {
    if bytes.is_empty() {
        return;
    }
    // A send on a socket that just closed fails; its close handler reconnects.
    if let Some(ws) = cell.borrow().socket.as_ref() {
        let _ = ws.send_with_u8_array(bytes);
    }
}

fn handle(cell: &Rc<RefCell<Inner>>, op: ServerOp) {
    match op {
        ServerOp::Info(json) => {
            let max = serde_json::from_str::<serde_json::Value>(&json)
                .ok()
                .and_then(|v| v["max_payload"].as_u64())
                .unwrap_or(1024 * 1024) as usize;
            let credentials = {
                let mut inner = cell.borrow_mut();
                inner.max_payload = max.min(nats::MAX_PAYLOAD);
                // The server sends INFO again when its cluster changes: greet only once per
                // connection, or every subscription would be made twice.
                if inner.greeted {
                    return;
                }
                inner.greeted = true;
                inner.credentials.clone()
            };
            let mut hello = nats::connect_with("career-talk", credentials.as_ref());
            for user in users(cell) {
                hello.extend((user.hello)());
            }
            hello.extend(nats::ping());
            send_raw(cell, &hello);
        }
        // A lost PONG makes the server close the socket, which reconnects.
        ServerOp::Ping => send_raw(cell, &nats::pong()),
        ServerOp::Msg { ref sid, .. } => {
            let owner = users(cell).into_iter().find(|u| (u.claims)(sid));
            if let Some(owner) = owner {
                let reply = (owner.op)(op);
                send_raw(cell, &reply);
            }
        }
        op => {
            // The users whose subscriptions this PONG answers are connected now.
            let newly: Vec<Rc<Handlers>> = match op {
                ServerOp::Pong => {
                    let mut inner = cell.borrow_mut();
                    inner.connected = true;
                    inner.attempt = 0;
                    let mut newly = vec![];
                    for u in inner.users.iter_mut().filter(|u| !u.connected) {
                        u.connected = true;
                        newly.push(u.handlers.clone());
                    }
                    newly
                }
                _ => vec![],
            };
            for user in newly {
                (user.status)(RelayStatus::Connected);
            }
            for user in users(cell) {
                if let ServerOp::Err(e) = &op {
                    (user.warning)(format!("the relay reported: {e}"));
                }
                let reply = (user.op)(op.clone());
                send_raw(cell, &reply);
            }
        }
    }
}

fn schedule_reconnect(cell: &Rc<RefCell<Inner>>) {
    let delay = {
        let mut inner = cell.borrow_mut();
        if inner.closed_by_us {
            return;
        }
        inner.attempt += 1;
        Duration::from_millis((250u64 << inner.attempt.min(5)).min(5000))
    };
    for user in users(cell) {
        (user.status)(RelayStatus::Reconnecting);
    }
    let c = cell.clone();
    leptos::prelude::set_timeout(move || connect(&c), delay);
}

/// The subscription id of a live session's room (paired sync's are `r` and `d<n>`).
const ROOM_SID: &str = "live";

/// A live session's room on the app's connection: one subject, frames in and out.
pub struct Relay {
    connection: Connection,
    user: u64,
    subject: String,
}

impl Relay {
    pub fn open(
        url: &str,
        credentials: Option<(String, String)>,
        subject: &str,
        on_frame: impl Fn(Vec<u8>) + 'static,
        on_status: impl Fn(RelayStatus) + 'static,
        on_warning: impl Fn(String) + 'static,
    ) -> Relay {
        let sub = subject.to_string();
        let connection = Connection::to(url, credentials);
        let user = connection.join(Handlers {
            hello: Box::new(move || nats::sub(&sub, ROOM_SID)),
            claims: Box::new(|sid| sid == ROOM_SID),
            op: Box::new(move |op| {
                if let ServerOp::Msg { payload, .. } = op {
                    on_frame(payload);
                }
                vec![]
            }),
            status: Box::new(on_status),
            warning: Box::new(on_warning),
        });
        Relay {
            connection,
            user,
            subject: subject.to_string(),
        }
    }

    /// The largest frame to publish.
    pub fn max_frame(&self) -> usize {
        self.connection.max_frame()
    }

    /// Publishes a frame; returns false when not connected (the caller keeps the edits
    /// and the sync protocol sends them after reconnecting).
    pub fn send(&self, frame: &[u8]) -> bool {
        self.connection.connected() && self.connection.send(&nats::publish(&self.subject, frame))
    }

    /// Leaves the room; the connection stays for its other users.
    pub fn close(&self) {
        self.connection.send(&nats::unsub(ROOM_SID));
        self.connection.leave(self.user);
    }
}
