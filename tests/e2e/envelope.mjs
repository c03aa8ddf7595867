// Live envelopes written in Node, as anyone holding a live link's key could write them
// (the layout is core `envelope.rs`): a test plays a stranger with the link.
import crypto from 'node:crypto';
import net from 'node:net';

const KINDS = { hello: 0, sync: 1, presence: 2, bye: 3 };

/// The parts of a `#live=<discussion>.<room>.<key>.<host>` link.
export function parseLink(link) {
  const [discussion, room, key, host] = link.split('#live=')[1].split('.');
  return { discussion, room, roomId: Buffer.from(room, 'hex'), key: Buffer.from(key, 'base64url'), host: Buffer.from(host, 'hex') };
}

const sha256 = (...parts) => {
  const hash = crypto.createHash('sha256');
  for (const p of parts) hash.update(p);
  return hash.digest();
};

/// A sender of its own: an Ed25519 key pair, and the sender id made from it.
export function newSender() {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x, 'base64url');
  return { publicKey: raw, privateKey, id: sha256('career-talk/live-sender/v1', raw).subarray(0, 16) };
}

function padded(len) {
  const STEP = 64 * 1024;
  if (len > STEP) return Math.ceil(len / STEP) * STEP;
  let size = 256;
  while (size < len) size *= 2;
  return size;
}

/// One whole frame signed by `sender`. `from` and `publicKey` (default: the sender's own) are
/// the sender id and key the frame claims; the signature is always made with the sender's
/// secret key.
export function seal(link, sender, { kind, seq, bytes = Buffer.alloc(0), from = sender.id, publicKey = sender.publicKey }) {
  const { roomId, key } = parseLink(link);
  const head = Buffer.alloc(1 + 16 + 1 + 8 + 4);
  head[0] = KINDS[kind];
  from.copy(head, 1);
  head[17] = 0; // to everyone
  head.writeBigUInt64BE(BigInt(seq), 18);
  head.writeUInt32BE(bytes.length, 26);
  const body = Buffer.concat([head, bytes]);
  const signed = Buffer.concat([body, Buffer.alloc(padded(96 + body.length) - 96 - body.length)]);
  const signature = crypto.sign(null, sha256('career-talk/live-message/v1', roomId, signed), sender.privateKey);
  const nonce = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.concat([roomId, from]));
  const plain = Buffer.concat([publicKey, signature, signed]);
  const sealed = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  return Buffer.concat([Buffer.from('CTL2'), Buffer.from([0]), from, nonce, sealed]);
}

/// Publishes raw frames into the link's room through the relay's plain NATS port, in order.
export async function publish(relay, link, frames) {
  const { room } = parseLink(link);
  const s = net.connect(relay.port, '127.0.0.1');
  await new Promise((r) => s.once('connect', r));
  s.write('CONNECT {"verbose":false}\r\n');
  for (const frame of frames) {
    s.write(`PUB ctalk.${room} ${frame.length}\r\n`);
    s.write(frame);
    s.write('\r\n');
  }
  // The relay answers PING after it has taken everything before it.
  const pong = new Promise((r) => s.on('data', (d) => { if (d.includes('PONG')) r(); }));
  s.write('PING\r\n');
  await pong;
  s.destroy();
}
