//! The system's share sheet (the Web Share API: AirDrop, Mail, Messages on an iPad).
//! Read through `Reflect`, as browsers without it (desktop Linux, older Firefox) have no
//! `navigator.share` at all.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// What became of offering something to the share sheet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Shared {
    /// The person picked where it goes (the browser does not say whether it arrived).
    Done,
    /// The sheet was closed without choosing.
    Cancelled,
    /// This browser has no share sheet, or cannot share this: use copy or download.
    Unavailable,
    Failed(String),
}

fn navigator() -> JsValue {
    leptos::prelude::window().navigator().into()
}

fn method(name: &str) -> Option<js_sys::Function> {
    js_sys::Reflect::get(&navigator(), &name.into())
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()
}

/// Whether this browser has a share sheet.
pub fn available() -> bool {
    method("share").is_some()
}

fn set(object: &js_sys::Object, key: &str, value: &JsValue) {
    // Setting a property of a new plain object does not fail.
    let _ = js_sys::Reflect::set(object, &key.into(), value);
}

/// A file for the share sheet, or `None` when the browser cannot share files.
fn file(name: &str, bytes: &[u8], mime: &str) -> Option<JsValue> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let options = web_sys::FilePropertyBag::new();
    options.set_type(mime);
    let file =
        web_sys::File::new_with_u8_array_sequence_and_options(&parts, name, &options).ok()?;
    let files = js_sys::Array::of1(&file);
    let probe = js_sys::Object::new();
    set(&probe, "files", &files);
    let can = method("canShare")?.call1(&navigator(), &probe).ok()?;
    can.as_bool().unwrap_or(false).then(|| files.into())
}

/// Opens the share sheet with `url` (and `text`), or, without one, with `file` where the
/// browser can share files. Must be called while handling the tap (browsers allow the
/// sheet only then); the answer comes later.
pub fn offer(
    title: &str,
    text: &str,
    file_to_share: Option<(&str, &[u8], &str)>,
    url: Option<&str>,
) -> impl std::future::Future<Output = Shared> {
    let promise = (|| {
        let share = method("share")?;
        let data = js_sys::Object::new();
        set(&data, "title", &title.into());
        set(&data, "text", &text.into());
        match (url, file_to_share.and_then(|(n, b, m)| file(n, b, m))) {
            (Some(url), _) => set(&data, "url", &url.into()),
            (None, Some(files)) => set(&data, "files", &files),
            (None, None) => return None,
        }
        Some(
            share
                .call1(&navigator(), &data)
                .map(|p| p.dyn_into::<js_sys::Promise>()),
        )
    })();
    async move {
        let promise = match promise {
            None => return Shared::Unavailable,
            Some(Err(e)) => return Shared::Failed(describe(&e)),
            Some(Ok(Err(_))) => return Shared::Failed("the share sheet gave no answer".into()),
            Some(Ok(Ok(p))) => p,
        };
        match JsFuture::from(promise).await {
            Ok(_) => Shared::Done,
            Err(e) if error_name(&e).as_deref() == Some("AbortError") => Shared::Cancelled,
            Err(e) if error_name(&e).as_deref() == Some("NotAllowedError") => Shared::Unavailable,
            Err(e) => Shared::Failed(describe(&e)),
        }
    }
}

fn error_name(e: &JsValue) -> Option<String> {
    js_sys::Reflect::get(e, &"name".into()).ok()?.as_string()
}

fn describe(e: &JsValue) -> String {
    js_sys::Reflect::get(e, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| format!("{e:?}"))
}
