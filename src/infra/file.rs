//! Reading a file the user picked.

use wasm_bindgen_futures::JsFuture;

use crate::error::AppError;

pub async fn read_bytes(file: &web_sys::File) -> Result<Vec<u8>, AppError> {
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| AppError::FileUnreadable)?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}
