//! The NATS client protocol (the subset a client needs): a streaming parser for what the
//! server sends (`INFO`, `MSG`, `PING`, `PONG`, `+OK`, `-ERR`) and encoders for what the
//! client sends (`CONNECT`, `SUB`, `UNSUB`, `PUB`, `PING`, `PONG`).
//!
//! Over WebSocket the server's bytes arrive in frames that can split a protocol line or a
//! message payload anywhere, or hold several: [`Parser::push`] buffers and yields only
//! whole operations. Limits are checked before anything is allocated for a payload.

use thiserror::Error;

/// The largest payload accepted from the server (NATS's default max_payload is 1 MB).
pub const MAX_PAYLOAD: usize = 1024 * 1024;
/// A control line longer than this is not NATS.
const MAX_LINE: usize = 64 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerOp {
    Info(String),
    Msg {
        subject: String,
        sid: String,
        reply_to: Option<String>,
        payload: Vec<u8>,
    },
    Ping,
    Pong,
    Ok,
    Err(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProtocolError {
    #[error("the relay sent something that is not NATS: {0}")]
    Garbage(String),
    #[error("the relay sent a message of {0} bytes, over the limit")]
    TooLarge(usize),
}

#[derive(Default)]
pub struct Parser {
    buf: Vec<u8>,
}

fn garbage(line: &[u8]) -> ProtocolError {
    ProtocolError::Garbage(String::from_utf8_lossy(&line[..line.len().min(60)]).into_owned())
}

impl Parser {
    pub fn new() -> Parser {
        Parser::default()
    }

    /// Adds bytes from the socket and returns every operation now complete. After an
    /// error the buffer is cleared: the caller should reconnect.
    pub fn push(&mut self, bytes: &[u8]) -> Result<Vec<ServerOp>, ProtocolError> {
        self.buf.extend_from_slice(bytes);
        let mut ops = Vec::new();
        loop {
            match self.next_op() {
                Ok(Some(op)) => ops.push(op),
                Ok(None) => return Ok(ops),
                Err(e) => {
                    self.buf.clear();
                    return Err(e);
                }
            }
        }
    }

    fn next_op(&mut self) -> Result<Option<ServerOp>, ProtocolError> {
        let Some(end) = self.buf.windows(2).position(|w| w == b"\r\n") else {
            if self.buf.len() > MAX_LINE {
                return Err(garbage(&self.buf));
            }
            return Ok(None);
        };
        let line = &self.buf[..end];
        let text = std::str::from_utf8(line).map_err(|_| garbage(line))?;
        let (verb, rest) = text.split_once([' ', '\t']).unwrap_or((text, ""));
        let op = match verb.to_ascii_uppercase().as_str() {
            "PING" => ServerOp::Ping,
            "PONG" => ServerOp::Pong,
            "+OK" => ServerOp::Ok,
            "-ERR" => ServerOp::Err(rest.trim().trim_matches('\'').to_string()),
            "INFO" => ServerOp::Info(rest.trim().to_string()),
            "MSG" => {
                let parts: Vec<&str> = rest.split_whitespace().collect();
                let (subject, sid, reply_to, size) = match parts.as_slice() {
                    [s, id, n] => (*s, *id, None, *n),
                    [s, id, r, n] => (*s, *id, Some(r.to_string()), *n),
                    _ => return Err(garbage(line)),
                };
                let size: usize = size.parse().map_err(|_| garbage(line))?;
                if size > MAX_PAYLOAD {
                    return Err(ProtocolError::TooLarge(size));
                }
                let total = end + 2 + size + 2;
                if self.buf.len() < total {
                    return Ok(None);
                }
                if &self.buf[total - 2..total] != b"\r\n" {
                    return Err(garbage(line));
                }
                let op = ServerOp::Msg {
                    subject: subject.to_string(),
                    sid: sid.to_string(),
                    reply_to,
                    payload: self.buf[end + 2..end + 2 + size].to_vec(),
                };
                self.buf.drain(..total);
                return Ok(Some(op));
            }
            _ => return Err(garbage(line)),
        };
        self.buf.drain(..end + 2);
        Ok(Some(op))
    }
}

fn valid_subject(s: &str) -> bool {
    !s.is_empty()
        && s.len() < 256
        && !s
            .bytes()
            .any(|c| c.is_ascii_whitespace() || c.is_ascii_control())
}

/// A relay URL with the credentials it may carry (`wss://user:password@host/…`) taken
/// out: browsers do not send them on a WebSocket, NATS wants them in `CONNECT`.
/// `%XX` escapes in them are decoded.
pub fn split_credentials(url: &str) -> (String, Option<(String, String)>) {
    let Some((scheme, rest)) = url.split_once("://") else {
        return (url.to_string(), None);
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return (url.to_string(), None);
    };
    let (user, pass) = rest[..at].split_once(':').unwrap_or((&rest[..at], ""));
    let decode = |s: &str| {
        let bytes = s.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            match (bytes[i], hex) {
                (b'%', Some(b)) => {
                    out.push(b);
                    i += 3;
                }
                (c, _) => {
                    out.push(c);
                    i += 1;
                }
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    };
    (
        format!("{scheme}://{}", &rest[at + 1..]),
        Some((decode(user), decode(pass))),
    )
}

pub fn connect(name: &str) -> Vec<u8> {
    connect_with(name, None)
}

/// `CONNECT`, with a user name and password when the relay asks for them.
pub fn connect_with(name: &str, credentials: Option<&(String, String)>) -> Vec<u8> {
    let mut options = serde_json::json!({
        "verbose": false, "pedantic": false, "tls_required": false,
        "name": name, "lang": "rust-wasm", "version": "1", "protocol": 1, "headers": false,
        "no_responders": false, "echo": false,
    });
    if let Some((user, pass)) = credentials {
        options["user"] = user.clone().into();
        options["pass"] = pass.clone().into();
    }
    format!("CONNECT {options}\r\n").into_bytes()
}

pub fn sub(subject: &str, sid: &str) -> Vec<u8> {
    assert!(
        valid_subject(subject) && valid_subject(sid),
        "subjects come from room ids"
    );
    format!("SUB {subject} {sid}\r\n").into_bytes()
}

pub fn unsub(sid: &str) -> Vec<u8> {
    format!("UNSUB {sid}\r\n").into_bytes()
}

pub fn publish(subject: &str, payload: &[u8]) -> Vec<u8> {
    assert!(valid_subject(subject), "subjects come from room ids");
    let mut out = format!("PUB {subject} {}\r\n", payload.len()).into_bytes();
    out.extend_from_slice(payload);
    out.extend_from_slice(b"\r\n");
    out
}

/// `PUB` with a subject for the answer (JetStream acknowledges a stored message there).
pub fn publish_with_reply(subject: &str, reply: &str, payload: &[u8]) -> Vec<u8> {
    assert!(
        valid_subject(subject) && valid_subject(reply),
        "subjects come from ids"
    );
    let mut out = format!("PUB {subject} {reply} {}\r\n", payload.len()).into_bytes();
    out.extend_from_slice(payload);
    out.extend_from_slice(b"\r\n");
    out
}

pub fn ping() -> Vec<u8> {
    b"PING\r\n".to_vec()
}

pub fn pong() -> Vec<u8> {
    b"PONG\r\n".to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_split_across_frames_comes_out_whole() {
        let wire = b"INFO {\"server_id\":\"x\",\"max_payload\":1048576}\r\nMSG room.abc 1 12\r\nhello\r\nworld\r\nPING\r\n";
        // Feed it one byte at a time, then in awkward pieces: same result.
        for split in [1usize, 3, 7, 40, wire.len()] {
            let mut p = Parser::new();
            let mut ops = Vec::new();
            for piece in wire.chunks(split) {
                ops.extend(p.push(piece).unwrap());
            }
            assert_eq!(ops.len(), 3, "split {split}");
            assert!(matches!(&ops[0], ServerOp::Info(json) if json.contains("max_payload")));
            assert_eq!(
                ops[1],
                ServerOp::Msg {
                    subject: "room.abc".into(),
                    sid: "1".into(),
                    reply_to: None,
                    payload: b"hello\r\nworld".to_vec()
                }
            );
            assert_eq!(ops[2], ServerOp::Ping);
        }
    }

    #[test]
    fn several_operations_in_one_frame_and_server_replies() {
        let mut p = Parser::new();
        let ops = p
            .push(
                b"+OK\r\nPONG\r\n-ERR 'Unknown Protocol Operation'\r\nMSG a.b 2 reply.x 0\r\n\r\n",
            )
            .unwrap();
        assert_eq!(ops[0], ServerOp::Ok);
        assert_eq!(ops[1], ServerOp::Pong);
        assert_eq!(ops[2], ServerOp::Err("Unknown Protocol Operation".into()));
        assert!(
            matches!(&ops[3], ServerOp::Msg { reply_to: Some(r), payload, .. } if r == "reply.x" && payload.is_empty())
        );
    }

    #[test]
    fn garbage_and_oversized_frames_are_errors_not_panics() {
        assert!(matches!(
            Parser::new().push(b"HELLO there\r\n"),
            Err(ProtocolError::Garbage(_))
        ));
        assert!(matches!(
            Parser::new().push(b"MSG a 1 notanumber\r\n"),
            Err(ProtocolError::Garbage(_))
        ));
        assert!(matches!(
            Parser::new().push(b"MSG a 1 99999999999\r\n"),
            Err(ProtocolError::TooLarge(_))
        ));
        assert!(matches!(
            Parser::new().push(b"MSG a 1 3\r\nabcXY"),
            Err(ProtocolError::Garbage(_))
        ));
        assert!(matches!(
            Parser::new().push(&[0xff, 0xfe, b'\r', b'\n']),
            Err(ProtocolError::Garbage(_))
        ));
        assert!(matches!(
            Parser::new().push(&vec![b'x'; MAX_LINE + 1]),
            Err(ProtocolError::Garbage(_))
        ));
    }

    #[test]
    fn credentials_come_out_of_the_relay_url() {
        assert_eq!(
            split_credentials("wss://app:p%40ss@relay.example/relay"),
            (
                "wss://relay.example/relay".to_string(),
                Some(("app".to_string(), "p@ss".to_string()))
            )
        );
        assert_eq!(
            split_credentials("ws://127.0.0.1:4223"),
            ("ws://127.0.0.1:4223".to_string(), None)
        );
        // An @ in the path is not a credential.
        assert_eq!(split_credentials("wss://h/x@y").1, None);
    }

    #[test]
    fn client_operations_are_encoded() {
        assert_eq!(publish("room.r1", b"abc"), b"PUB room.r1 3\r\nabc\r\n");
        assert_eq!(sub("room.r1", "7"), b"SUB room.r1 7\r\n");
        assert!(String::from_utf8(connect("career-talk"))
            .unwrap()
            .starts_with("CONNECT {"));
    }
}
