//! The WebSocket to the NATS relay: connects, subscribes to the room's subject, publishes
//! frames, answers PINGs, and reconnects with backoff when the relay goes away. It knows
//! nothing of what the frames mean (they are end-to-end encrypted).

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use career_core::live::nats::{self, Parser, ServerOp};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RelayStatus {
    Connecting,
    Connected,
    Reconnecting,
}

pub struct Relay {
    inner: Rc<RefCell<Inner>>,
}

struct Inner {
    url: String,
    subject: String,
    socket: Option<web_sys::WebSocket>,
    connected: bool,
    subscribed: bool,
    closed_by_us: bool,
    attempt: u32,
    max_payload: usize,
    on_frame: Rc<dyn Fn(Vec<u8>)>,
    on_status: Rc<dyn Fn(RelayStatus)>,
    on_warning: Rc<dyn Fn(String)>,
}

impl Relay {
    pub fn open(
        url: &str,
        subject: &str,
        on_frame: impl Fn(Vec<u8>) + 'static,
        on_status: impl Fn(RelayStatus) + 'static,
        on_warning: impl Fn(String) + 'static,
    ) -> Relay {
        let inner = Rc::new(RefCell::new(Inner {
            url: url.to_string(),
            subject: subject.to_string(),
            socket: None,
            connected: false,
            subscribed: false,
            closed_by_us: false,
            attempt: 0,
            max_payload: 512 * 1024,
            on_frame: Rc::new(on_frame),
            on_status: Rc::new(on_status),
            on_warning: Rc::new(on_warning),
        }));
        connect(&inner);
        Relay { inner }
    }

    /// The largest frame to publish (the relay's max_payload, less room for the protocol).
    pub fn max_frame(&self) -> usize {
        self.inner
            .borrow()
            .max_payload
            .saturating_sub(1024)
            .max(1024)
    }

    /// Publishes a frame; returns false when not connected (the caller keeps the edits
    /// and the sync protocol sends them after reconnecting).
    pub fn send(&self, frame: &[u8]) -> bool {
        let inner = self.inner.borrow();
        match (&inner.socket, inner.connected) {
            (Some(ws), true) => ws
                .send_with_u8_array(&nats::publish(&inner.subject, frame))
                .is_ok(),
            _ => false,
        }
    }

    pub fn close(&self) {
        let mut inner = self.inner.borrow_mut();
        inner.closed_by_us = true;
        if let Some(ws) = inner.socket.take() {
            // Closing a socket that is already closing or closed is fine to fail.
            let _ = ws.close();
        }
    }
}

fn connect(cell: &Rc<RefCell<Inner>>) {
    let (url, status) = {
        let inner = cell.borrow();
        (inner.url.clone(), inner.on_status.clone())
    };
    status(if cell.borrow().attempt == 0 {
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
                    let warn = c.borrow().on_warning.clone();
                    warn(e.to_string());
                    // Start over on a clean connection.
                    if let Some(ws) = c.borrow().socket.as_ref() {
                        let _ = ws.close();
                    }
                }
            }
        });
    let c = cell.clone();
    let on_close = Closure::<dyn Fn()>::new(move || {
        let by_us = {
            let mut inner = c.borrow_mut();
            inner.connected = false;
            inner.subscribed = false;
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

fn handle(cell: &Rc<RefCell<Inner>>, op: ServerOp) {
    match op {
        ServerOp::Info(json) => {
            let max = serde_json::from_str::<serde_json::Value>(&json)
                .ok()
                .and_then(|v| v["max_payload"].as_u64())
                .unwrap_or(1024 * 1024) as usize;
            let mut inner = cell.borrow_mut();
            inner.max_payload = max.min(nats::MAX_PAYLOAD);
            // The server sends INFO again when its cluster changes: subscribe only once per
            // connection, or every message would arrive twice.
            if inner.subscribed {
                return;
            }
            inner.subscribed = true;
            // A send on a socket that just closed fails; its close handler reconnects and says this again.
            if let Some(ws) = inner.socket.clone() {
                let _ = ws.send_with_u8_array(&nats::connect("career-talk"));
                let _ = ws.send_with_u8_array(&nats::sub(&inner.subject, "1"));
                let _ = ws.send_with_u8_array(&nats::ping());
            }
        }
        ServerOp::Pong => {
            let status = {
                let mut inner = cell.borrow_mut();
                let first = !inner.connected;
                inner.connected = true;
                inner.attempt = 0;
                first.then(|| inner.on_status.clone())
            };
            if let Some(status) = status {
                status(RelayStatus::Connected);
            }
        }
        // A lost PONG makes the server close the socket, which reconnects.
        ServerOp::Ping => {
            if let Some(ws) = cell.borrow().socket.as_ref() {
                let _ = ws.send_with_u8_array(&nats::pong());
            }
        }
        ServerOp::Msg { payload, .. } => {
            let on_frame = cell.borrow().on_frame.clone();
            on_frame(payload);
        }
        ServerOp::Ok => {}
        ServerOp::Err(e) => {
            let warn = cell.borrow().on_warning.clone();
            warn(format!("the relay reported: {e}"));
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
        (inner.on_status.clone())(RelayStatus::Reconnecting);
        Duration::from_millis((250u64 << inner.attempt.min(5)).min(5000))
    };
    let c = cell.clone();
    leptos::prelude::set_timeout(move || connect(&c), delay);
}
