//! A sheet over the page for one decision, such as what an interjection shares.
//!
//! It is the browser's own modal `<dialog>`, so the browser does what such a sheet needs:
//! opening it moves the focus into it (to the element marked `autofocus`), the page behind
//! cannot be reached until it closes, Escape closes it, and closing puts the focus back
//! where it was. Its content sits in a `method="dialog"` form: a submit button in it
//! closes the sheet once its own click handler has run.

use leptos::prelude::*;

#[component]
pub fn Sheet(
    /// The id of the heading that names the sheet.
    #[prop(into)]
    labelled_by: String,
    #[prop(into)] testid: String,
    /// Called once the sheet has closed, however it was closed.
    #[prop(into)]
    on_close: Callback<()>,
    children: Children,
) -> impl IntoView {
    let node = NodeRef::<leptos::html::Dialog>::new();
    node.on_load(|dialog| {
        // Fails only for a dialog that is already open or not in the page: nothing to do.
        let _ = dialog.show_modal();
    });
    view! {
        <dialog class="sheet" aria-labelledby=labelled_by data-testid=testid node_ref=node
            on:close=move |_| on_close.run(())>
            <form method="dialog">{children()}</form>
        </dialog>
    }
}
