//! WebSockets to the NATS relay. [`NatsSocket`] connects, says its first words after the
//! server's INFO, answers PINGs, and reconnects with backoff when the relay goes away;
//! what the other operations mean is its owner's business. [`Relay`] is a live session's
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

/// What a socket's owner does with it.
pub struct Handlers {
    /// The first words on each new connection (after the server's INFO); they should end
    /// with a PING, whose PONG marks the connection usable.
    pub hello: Box<dyn Fn() -> Vec<u8>>,
    /// Every operation from the server but INFO and PING; returns bytes to send.
    pub op: Box<dyn Fn(ServerOp) -> Vec<u8>>,
    pub status: Box<dyn Fn(RelayStatus)>,
    pub warning: Box<dyn Fn(String)>,
}

#[derive(Clone)]
pub struct NatsSocket {
    inner: Rc<RefCell<Inner>>,
}

struct Inner {
    url: String,
    socket: Option<web_sys::WebSocket>,
    connected: bool,
    greeted: bool,
    closed_by_us: bool,
    attempt: u32,
    max_payload: usize,
    handlers: Rc<Handlers>,
}

impl NatsSocket {
    pub fn open(url: &str, handlers: Handlers) -> NatsSocket {
        let inner = Rc::new(RefCell::new(Inner {
            url: url.to_string(),
            socket: None,
            connected: false,
            greeted: false,
            closed_by_us: false,
            attempt: 0,
            max_payload: 512 * 1024,
            handlers: Rc::new(handlers),
        }));
        connect(&inner);
        NatsSocket { inner }
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

    pub fn close(&self) {
        let mut inner = self.inner.borrow_mut();
        inner.closed_by_us = true;
        if let Some(ws) = inner.socket.take() {
            // Closing a socket that is already closing or closed is fine to fail.
            let _ = ws.close_with_code(NORMAL_CLOSURE);
        }
    }
}

fn connect(cell: &Rc<RefCell<Inner>>) {
    let (url, handlers) = {
        let inner = cell.borrow();
        (inner.url.clone(), inner.handlers.clone())
    };
    (handlers.status)(if cell.borrow().attempt == 0 {
        RelayStatus::Connecting
    } else {
        RelayStatus::Reconnecting
    });
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
                    let handlers = c.borrow().handlers.clone();
                    (handlers.warning)(e.to_string());
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
    let handlers = cell.borrow().handlers.clone();
    match op {
        ServerOp::Info(json) => {
            let max = serde_json::from_str::<serde_json::Value>(&json)
                .ok()
                .and_then(|v| v["max_payload"].as_u64())
                .unwrap_or(1024 * 1024) as usize;
            {
                let mut inner = cell.borrow_mut();
                inner.max_payload = max.min(nats::MAX_PAYLOAD);
                // The server sends INFO again when its cluster changes: greet only once per
                // connection, or every subscription would be made twice.
                if inner.greeted {
                    return;
                }
                inner.greeted = true;
            }
            send_raw(cell, &(handlers.hello)());
        }
        // A lost PONG makes the server close the socket, which reconnects.
        ServerOp::Ping => send_raw(cell, &nats::pong()),
        op => {
            let first_pong = matches!(op, ServerOp::Pong) && {
                let mut inner = cell.borrow_mut();
                let first = !inner.connected;
                inner.connected = true;
                inner.attempt = 0;
                first
            };
            if first_pong {
                (handlers.status)(RelayStatus::Connected);
            }
            if let ServerOp::Err(e) = &op {
                (handlers.warning)(format!("the relay reported: {e}"));
            }
            let reply = (handlers.op)(op);
            send_raw(cell, &reply);
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
        (inner.handlers.status)(RelayStatus::Reconnecting);
        Duration::from_millis((250u64 << inner.attempt.min(5)).min(5000))
    };
    let c = cell.clone();
    leptos::prelude::set_timeout(move || connect(&c), delay);
}

/// A live session's room: one subject, frames in and out.
pub struct Relay {
    socket: NatsSocket,
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
        let socket = NatsSocket::open(
            url,
            Handlers {
                hello: Box::new(move || {
                    let mut out = nats::connect_with("career-talk", credentials.as_ref());
                    out.extend(nats::sub(&sub, "1"));
                    out.extend(nats::ping());
                    out
                }),
                op: Box::new(move |op| {
                    if let ServerOp::Msg { payload, .. } = op {
                        on_frame(payload);
                    }
                    vec![]
                }),
                status: Box::new(on_status),
                warning: Box::new(on_warning),
            },
        );
        Relay {
            socket,
            subject: subject.to_string(),
        }
    }

    /// The largest frame to publish.
    pub fn max_frame(&self) -> usize {
        self.socket.max_frame()
    }

    /// Publishes a frame; returns false when not connected (the caller keeps the edits
    /// and the sync protocol sends them after reconnecting).
    pub fn send(&self, frame: &[u8]) -> bool {
        self.socket.connected() && self.socket.send(&nats::publish(&self.subject, frame))
    }

    pub fn close(&self) {
        self.socket.close();
    }
}
