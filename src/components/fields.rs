//! Form fields bound to document values.
//!
//! A field shows the document's value and reports every input; the document is the single
//! source of truth. Re-setting a textarea to the value it already has leaves the caret
//! alone, so typing is never disturbed by the re-render that follows an edit.

use leptos::prelude::*;

/// On a tablet the on-screen keyboard takes half the screen: keep the field being typed in
/// visible above it.
fn keep_in_view(ev: leptos::ev::FocusEvent) {
    use leptos::wasm_bindgen::JsCast;
    if let Some(el) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    {
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Nearest);
        el.scroll_into_view_with_scroll_into_view_options(&options);
    }
}

#[component]
pub fn TextArea(
    #[prop(into)] value: Signal<String>,
    #[prop(into)] on_input: Callback<String>,
    #[prop(into)] testid: String,
    #[prop(into, optional)] label: String,
    #[prop(into, optional)] placeholder: String,
    #[prop(default = 3)] rows: u32,
    /// The accessible name when there is no visible label (e.g. a question heading).
    #[prop(into, optional)]
    aria_label: String,
) -> impl IntoView {
    let aria_label = (!aria_label.is_empty()).then_some(aria_label);
    let node = NodeRef::<leptos::html::Textarea>::new();
    // What the field last showed: a keystroke is an edit of *that* text, and is rebased onto
    // the document if a remote edit arrived in between (two tabs, a live session).
    let shown = StoredValue::new(String::new());
    // The document's value goes into the field; when it changed under the typist (a live
    // session), the caret and selection move with the text around them, not to the end.
    Effect::new(move |_| {
        let wanted = value.get();
        let Some(el) = node.get() else { return };
        let on_screen = el.value();
        shown.set_value(wanted.clone());
        if on_screen == wanted {
            return;
        }
        let focused = leptos::prelude::document()
            .active_element()
            .is_some_and(|a| {
                let el: &web_sys::Element = &el;
                &a == el
            });
        let selection = (
            el.selection_start().ok().flatten(),
            el.selection_end().ok().flatten(),
        );
        el.set_value(&wanted);
        if let (true, (Some(start), Some(end))) = (focused, selection) {
            let map =
                |o: u32| career_core::caret::map_offset(&on_screen, &wanted, o as usize) as u32;
            let _ = el.set_selection_range(map(start), map(end));
        }
    });
    let id = format!("f-{testid}");
    view! {
        {(!label.is_empty()).then(|| view! { <label class="field-label" for=id.clone()>{label.clone()}</label> })}
        <textarea
            id=id
            rows=rows
            placeholder=placeholder
            aria-label=aria_label
            data-testid=testid
                        node_ref=node
            on:input=move |ev| {
                let typed = event_target_value(&ev);
                let result = career_core::caret::rebase(&shown.get_value(), &typed, &value.get_untracked());
                shown.set_value(result.clone());
                on_input.run(result);
            }
            on:focus=keep_in_view
        ></textarea>
    }
}

#[component]
pub fn TextInput(
    #[prop(into)] value: Signal<String>,
    #[prop(into)] on_input: Callback<String>,
    #[prop(into)] testid: String,
    #[prop(into, optional)] label: String,
    #[prop(into, optional)] placeholder: String,
) -> impl IntoView {
    let id = format!("f-{testid}");
    view! {
        {(!label.is_empty()).then(|| view! { <label class="field-label" for=id.clone()>{label.clone()}</label> })}
        <input
            type="text"
            id=id
            placeholder=placeholder
            data-testid=testid
            prop:value=move || value.get()
            on:input=move |ev| on_input.run(event_target_value(&ev))
        />
    }
}

/// A group of radio buttons over `options`; `None` when nothing is chosen yet.
#[component]
pub fn Choice<T>(
    options: Vec<(T, &'static str)>,
    #[prop(into)] value: Signal<Option<T>>,
    #[prop(into)] on_change: Callback<T>,
    #[prop(into)] testid: String,
    #[prop(into)] legend: String,
) -> impl IntoView
where
    T: Copy + PartialEq + Send + Sync + 'static,
{
    let group = format!("g-{testid}");
    view! {
        <fieldset class="choice" data-testid=testid.clone()>
            <legend>{legend}</legend>
            {options
                .into_iter()
                .enumerate()
                .map(|(i, (option, label))| {
                    let input_id = format!("{group}-{i}");
                    view! {
                        <label class="choice-option" for=input_id.clone()>
                            <input
                                type="radio"
                                id=input_id.clone()
                                name=group.clone()
                                data-testid=format!("{testid}-{i}")
                                prop:checked=move || value.get() == Some(option)
                                on:change=move |_| on_change.run(option)
                            />
                            {label}
                        </label>
                    }
                })
                .collect_view()}
        </fieldset>
    }
}
