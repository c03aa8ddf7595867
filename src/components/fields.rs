//! Form fields bound to document values.
//!
//! Every text people type into a document goes through one component, [`TextArea`] or its
//! single-line twin [`TextInput`]: the field reports each input event as one splice (read
//! from the selection before the event and the caret after it, in the DOM's UTF-16 units;
//! `career_core::text` checks it and turns it into UTF-8), and the document store
//! applies it to the document and its copy in one step. When the document changes under
//! the typist (a live session, another tab), the field shows the new text with the caret
//! and selection moved along with the text around them.

use career_core::text::{self, InputEdit, Splice};
use career_core::workspace::TextField;
use leptos::prelude::*;
use leptos::wasm_bindgen::JsCast;

use crate::services::{DocStore, Live, Messages, Sharing};

/// On a tablet the on-screen keyboard takes half the screen: keep the field being typed in
/// visible above it.
fn keep_in_view(ev: leptos::ev::FocusEvent) {
    if let Some(el) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    {
        let options = web_sys::ScrollIntoViewOptions::new();
        options.set_block(web_sys::ScrollLogicalPosition::Nearest);
        el.scroll_into_view_with_scroll_into_view_options(&options);
    }
}

/// The two kinds of editable element, seen through what a text field needs of them.
enum Editable {
    Area(web_sys::HtmlTextAreaElement),
    Input(web_sys::HtmlInputElement),
}

impl Editable {
    fn of(target: Option<web_sys::EventTarget>) -> Option<Editable> {
        let target = target?;
        match target.dyn_into::<web_sys::HtmlTextAreaElement>() {
            Ok(area) => Some(Editable::Area(area)),
            Err(other) => other.dyn_into().ok().map(Editable::Input),
        }
    }

    fn value(&self) -> String {
        match self {
            Editable::Area(e) => e.value(),
            Editable::Input(e) => e.value(),
        }
    }

    fn set_value(&self, v: &str) {
        match self {
            Editable::Area(e) => e.set_value(v),
            Editable::Input(e) => e.set_value(v),
        }
    }

    fn selection(&self) -> Option<(usize, usize)> {
        let (start, end) = match self {
            Editable::Area(e) => (e.selection_start(), e.selection_end()),
            Editable::Input(e) => (e.selection_start(), e.selection_end()),
        };
        Some((start.ok()?? as usize, end.ok()?? as usize))
    }

    fn set_selection(&self, start: usize, end: usize) {
        // Only fails on input types without a selection (never text fields): nothing to keep.
        let _ = match self {
            Editable::Area(e) => e.set_selection_range(start as u32, end as u32),
            Editable::Input(e) => e.set_selection_range(start as u32, end as u32),
        };
    }

    fn is_focused(&self) -> bool {
        let el: &web_sys::Element = match self {
            Editable::Area(e) => e,
            Editable::Input(e) => e,
        };
        document().active_element().is_some_and(|a| &a == el)
    }
}

/// The behaviour both text components share: returns the input handlers and the effect
/// that keeps the element showing the document's value.
struct Binding {
    before_input: Box<dyn Fn(leptos::ev::InputEvent)>,
    input: Box<dyn Fn(leptos::ev::Event)>,
}

fn bind(
    value: Signal<String>,
    field: TextField,
    element: impl Fn() -> Option<Editable> + 'static,
) -> Binding {
    let docs = expect_context::<DocStore>();
    let messages = expect_context::<Messages>();
    // What the field showed before the event: the edit the event reports is an edit of
    // *that* text, moved onto the document's text if a remote edit arrived in between.
    let shown = StoredValue::new(String::new());
    // The selection just before the event (from `beforeinput`).
    let selection = StoredValue::new(None::<(usize, usize)>);
    Effect::new(move |_| {
        let wanted = value.get();
        let Some(el) = element() else { return };
        let on_screen = el.value();
        shown.set_value(wanted.clone());
        if on_screen == wanted {
            return;
        }
        let keep = el.is_focused().then(|| el.selection()).flatten();
        el.set_value(&wanted);
        if let Some((start, end)) = keep {
            let map = |o| text::map_offset(&on_screen, &wanted, o);
            el.set_selection(map(start), map(end));
        }
    });
    let before_input = Box::new(move |ev: leptos::ev::InputEvent| {
        let el = Editable::of(ev.target());
        selection.set_value(el.and_then(|el| el.selection()));
    });
    let input = Box::new(move |ev: leptos::ev::Event| {
        let Some(el) = Editable::of(ev.target()) else {
            return;
        };
        let after = el.value();
        let before = shown.get_value();
        let caret = el.selection().map_or(0, |(_, end)| end);
        // Without a `beforeinput` (older engines), the caret reading cannot be checked, so
        // the values are compared instead.
        let sel = selection.get_value().unwrap_or((usize::MAX, usize::MAX));
        selection.set_value(None);
        let edit = InputEdit {
            before: &before,
            selection: sel,
            after: &after,
            caret,
        };
        shown.set_value(after.clone());
        let Some(splice) = edit.splice() else { return };
        let current = value.get_untracked();
        let splice = if before == current {
            splice
        } else {
            text::rebase(&splice, &before, &current)
        };
        let applied = docs.splice(&field, &splice);
        if messages
            .check("What you typed could not be saved", applied)
            .is_none()
        {
            // The field shows the document again, so what is on screen is what is kept.
            let kept = value.get_untracked();
            el.set_value(&kept);
            shown.set_value(kept);
        }
    });
    Binding {
        before_input,
        input,
    }
}

/// Makes a growing text area as tall as its text, where the browser cannot do it itself
/// (CSS `field-sizing: content`, see `textarea.grow` in the style sheet).
pub fn fit_height(el: &web_sys::HtmlTextAreaElement) {
    let sized_by_css = window()
        .get_computed_style(el)
        .ok()
        .flatten()
        .and_then(|style| style.get_property_value("field-sizing").ok())
        .is_some_and(|v| v == "content");
    if sized_by_css {
        return;
    }
    // Measured at its smallest, so it also shrinks when text is removed. The borders are
    // outside the scroll height.
    let style = web_sys::HtmlElement::style(el);
    let borders = el.offset_height() - el.client_height();
    // Setting a property on an element's own style does not fail.
    let _ = style.set_property("height", "auto");
    let _ = style.set_property("height", &format!("{}px", el.scroll_height() + borders));
}

#[component]
pub fn TextArea(
    /// The document's value of the field.
    #[prop(into)]
    value: Signal<String>,
    /// Where typing goes.
    field: TextField,
    #[prop(into)] testid: String,
    #[prop(into, optional)] label: String,
    #[prop(into, optional)] placeholder: String,
    #[prop(default = 3)] rows: u32,
    /// The accessible name when there is no visible label (e.g. a question heading).
    #[prop(into, optional)]
    aria_label: String,
    /// The box grows and shrinks with its text instead of scrolling (`rows` is then only
    /// where it starts in browsers that size it by script).
    #[prop(optional)]
    grow: bool,
) -> impl IntoView {
    let aria_label = (!aria_label.is_empty()).then_some(aria_label);
    let docs = expect_context::<DocStore>();
    let node = NodeRef::<leptos::html::Textarea>::new();
    let still_theirs = StillInTheirCopy::new(&field);
    let Binding {
        before_input,
        input,
    } = bind(value, field, move || node.get().map(Editable::Area));
    if grow {
        // After the binding's effect (created first, so run first) has shown the value.
        Effect::new(move |_| {
            value.track();
            if let Some(el) = node.get() {
                fit_height(&el);
            }
        });
    }
    let on_input = move |ev: leptos::ev::Event| {
        input(ev);
        if let Some(el) = node.get_untracked().filter(|_| grow) {
            fit_height(&el);
        }
    };
    let before_input = move |ev: leptos::ev::InputEvent| {
        if ev.input_type().starts_with("delete") {
            still_theirs.deleted.set(true);
        }
        before_input(ev)
    };
    let id = format!("f-{testid}");
    view! {
        {(!label.is_empty()).then(|| view! { <label class="field-label" for=id.clone()>{label.clone()}</label> })}
        <textarea
            // Only a visible label points at it (rows of one list share a test id).
            id=(!label.is_empty()).then_some(id)
            class=grow.then_some("grow")
            rows=rows
            placeholder=placeholder
            aria-label=aria_label
            data-testid=testid
            node_ref=node
            on:beforeinput=before_input
            on:input=on_input
            on:focus=keep_in_view
            // Leaving the field is a typing pause: the rest of the page shows what was typed.
            on:blur=move |_| docs.typing_paused()
        ></textarea>
        {move || still_theirs.line()}
    }
}

/// After deleting words of a shared record: the other person's copy keeps them until it
/// is shared again (outside a live session, where deletions go over at once).
#[derive(Clone, Copy)]
struct StillInTheirCopy {
    discussion: Option<StoredValue<String>>,
    deleted: RwSignal<bool>,
}

impl StillInTheirCopy {
    fn new(field: &TextField) -> StillInTheirCopy {
        let discussion = match field {
            TextField::Discussion(id, _) => Some(StoredValue::new(id.clone())),
            _ => None,
        };
        StillInTheirCopy {
            discussion,
            deleted: RwSignal::new(false),
        }
    }

    fn line(self) -> Option<impl IntoView> {
        let id = self.discussion?.get_value();
        if !self.deleted.get() {
            return None;
        }
        let docs = expect_context::<DocStore>();
        let live = expect_context::<Live>();
        let in_session = live
            .info
            .with(|i| i.as_ref().is_some_and(|i| i.discussion_id == id));
        if in_session || !docs.has_been_shared(&id) {
            return None;
        }
        let other = expect_context::<Sharing>().other_party(&id);
        Some(view! {
            <p class="hint no-print" data-testid="still-in-their-copy">
                {format!("Deleted here only: if {other}'s copy already has these words, it keeps them until you next share the discussion.")}
            </p>
        })
    }
}

#[component]
pub fn TextInput(
    /// The document's value of the field.
    #[prop(into)]
    value: Signal<String>,
    /// Where typing goes.
    field: TextField,
    #[prop(into)] testid: String,
    #[prop(into, optional)] label: String,
    #[prop(into, optional)] placeholder: String,
    /// The accessible name when there is no visible label.
    #[prop(into, optional)]
    aria_label: String,
    /// Spaces at either end are removed when the field loses the focus (names, roles).
    #[prop(optional)]
    trim: bool,
) -> impl IntoView {
    let aria_label = (!aria_label.is_empty()).then_some(aria_label);
    let node = NodeRef::<leptos::html::Input>::new();
    let docs = expect_context::<DocStore>();
    let messages = expect_context::<Messages>();
    let trim_field = field.clone();
    let on_blur = move |_| {
        docs.typing_paused();
        if !trim {
            return;
        }
        let v = value.get_untracked();
        let end = v.trim_end().len();
        let start = v.len() - v.trim_start().len();
        for splice in [
            Splice::delete(end, v.len() - end),
            Splice::delete(0, start.min(end)),
        ] {
            if !splice.is_noop() {
                messages.check(
                    "The spaces could not be removed",
                    docs.splice(&trim_field, &splice),
                );
            }
        }
    };
    let Binding {
        before_input,
        input,
    } = bind(value, field, move || node.get().map(Editable::Input));
    let id = format!("f-{testid}");
    view! {
        {(!label.is_empty()).then(|| view! { <label class="field-label" for=id.clone()>{label.clone()}</label> })}
        <input
            type="text"
            // Only a visible label points at it (rows of one list share a test id).
            id=(!label.is_empty()).then_some(id)
            placeholder=placeholder
            aria-label=aria_label
            data-testid=testid
            node_ref=node
            on:beforeinput=before_input
            on:input=input
            on:focus=keep_in_view
            on:blur=on_blur
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
