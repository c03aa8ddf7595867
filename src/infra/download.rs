//! Offers bytes to the user as a file download.

use wasm_bindgen::{JsCast, JsValue};

use crate::error::AppError;

pub fn download(filename: &str, bytes: &[u8], mime: &str) -> Result<(), AppError> {
    let err = |e: JsValue| AppError::Download(format!("{e:?}"));
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob =
        web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).map_err(err)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(err)?;
    let document = leptos::prelude::document();
    let a: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(err)?
        .dyn_into()
        .map_err(|_| AppError::Download("no link element".into()))?;
    a.set_href(&url);
    a.set_download(filename);
    a.click();
    // The browser has the file by now; a URL that fails to go away costs a little memory.
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}
