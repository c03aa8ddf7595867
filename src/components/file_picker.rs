//! Choosing a file: one picker for every file the app takes in (a `.ctalk` package, a
//! backup). It reads the file, refuses one over the size limit before reading it, and
//! hands the bytes on; what they mean is the caller's business.

use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;

use crate::infra::file;
use crate::services::Messages;

/// A picked file: its name and its bytes.
pub type Picked = (String, Vec<u8>);

#[component]
pub fn FilePicker(
    /// The visible label.
    #[prop(into)]
    label: String,
    /// File types offered (the input's `accept`).
    #[prop(into)]
    accept: String,
    #[prop(into)] testid: String,
    /// The largest file taken, in bytes.
    max_bytes: usize,
    on_file: Callback<Picked>,
) -> impl IntoView {
    let messages = expect_context::<Messages>();
    let on_change = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(f) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        // The same file can be chosen again after this one.
        input.set_value("");
        if f.size() > max_bytes as f64 {
            messages.problem(format!(
                "{} is too large ({} MB; the limit is {} MB). Nothing was changed.",
                f.name(),
                (f.size() / 1_048_576.0) as u64,
                max_bytes / 1_048_576
            ));
            return;
        }
        leptos::task::spawn_local(async move {
            match file::read_bytes(&f).await {
                Ok(bytes) => on_file.run((f.name(), bytes)),
                Err(e) => messages.problem(format!(
                    "{} could not be opened: {e}. Nothing on this device was changed.",
                    f.name()
                )),
            }
        });
    };
    view! {
        <label class="open-file">{label}" "
            <input type="file" accept=accept data-testid=testid on:change=on_change />
        </label>
    }
}
