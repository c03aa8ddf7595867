//! Same device, no server: tabs of this browser exchange the same encrypted frames over a
//! BroadcastChannel named after the room.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

pub struct Channel {
    channel: web_sys::BroadcastChannel,
}

impl Channel {
    pub fn open(name: &str, on_frame: impl Fn(Vec<u8>) + 'static) -> Option<Channel> {
        let channel = web_sys::BroadcastChannel::new(name).ok()?;
        let listener =
            Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |ev: web_sys::MessageEvent| {
                if let Ok(array) = ev.data().dyn_into::<js_sys::Uint8Array>() {
                    on_frame(array.to_vec());
                }
            });
        channel.set_onmessage(Some(listener.as_ref().unchecked_ref()));
        listener.forget();
        Some(Channel { channel })
    }

    pub fn send(&self, frame: &[u8]) {
        // Another tab that is gone cannot receive it; the relay carries the same frame.
        let _ = self.channel.post_message(&js_sys::Uint8Array::from(frame));
    }

    pub fn close(&self) {
        self.channel.set_onmessage(None);
        self.channel.close();
    }
}
