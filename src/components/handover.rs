//! Handing a person over to their next manager: a sheet on the person's page that saves
//! the handover file (their discussions with signatures and actions; the private
//! preparation only when ticked, with a warning), then offers to delete them here. The new
//! manager opens the file like any file someone sent ("Open a file" on the start page).

use career_core::workspace::Erase;
use leptos::prelude::*;

use crate::components::erase::EraseButton;
use crate::components::sheet::Sheet;
use crate::infra::download;
use crate::services::{DocStore, Messages};
use career_core::reports::file_names;

#[component]
pub fn HandOverButton(person_id: String, #[prop(into)] name: String) -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <button type="button" data-testid="handover-person" on:click=move |_| open.set(true)>
            {format!("Hand over {name} to a new manager…")}
        </button>
        {move || open.get().then(|| view! {
            <HandOverSheet person_id=person_id.clone() name=name.clone() on_close=Callback::new(move |_| open.set(false)) />
        })}
    }
}

#[component]
fn HandOverSheet(person_id: String, name: String, on_close: Callback<()>) -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let messages = expect_context::<Messages>();
    let with_prep = RwSignal::new(false);
    // What the saved file held, once saved.
    let saved = RwSignal::new(None::<String>);
    let count = docs.with_index(|i| {
        i.of_person(&person_id)
            .into_iter()
            .filter(|(_, e)| !e.shared_with_me)
            .count()
    });
    let pid = person_id.clone();
    let who = name.clone();
    let warning = format!(
        "Your private notes on {name}'s potential, strengths and needs go in the file: whoever opens it reads them. {name} never sees them in the app."
    );
    let save = move |_| match docs.handover(&pid, with_prep.get_untracked()) {
        Ok(made) => {
            let file = file_names::handover(&who);
            let result = download::download(
                &file,
                made.handover.to_json().as_bytes(),
                "application/json",
            );
            if messages
                .check("The handover file could not be saved", result)
                .is_some()
            {
                let damaged = if made.damaged > 0 {
                    format!(
                        " {} that cannot be read {} left out.",
                        made.damaged,
                        if made.damaged == 1 { "was" } else { "were" }
                    )
                } else {
                    String::new()
                };
                saved.set(Some(format!(
                    "Your browser saves {file}: {} discussion{}{}.{damaged}",
                    made.discussions,
                    if made.discussions == 1 { "" } else { "s" },
                    if made.with_prep {
                        " and your private preparation"
                    } else {
                        ", without your private preparation"
                    },
                )));
            }
        }
        Err(e) => messages.error("The handover file could not be made", &e),
    };
    view! {
        <Sheet labelled_by="handover-title" testid="handover-sheet" on_close=on_close>
            <h2 id="handover-title">{format!("Hand over {name} to a new manager")}</h2>
            <p>{format!(
                "A file for {name}'s next manager with their {count} discussion{} led on this device: every answer, the plan and its actions, and the signatures with this device's keys, so that the new manager's device can check them. They open it with “Open a file” on their start page; their own preparation starts empty.",
                if count == 1 { "" } else { "s" }
            )}</p>
            <label class="check">
                <input type="checkbox" data-testid="handover-with-prep"
                    prop:checked=move || with_prep.get()
                    on:change=move |ev| with_prep.set(event_target_checked(&ev)) />
                " Include my private preparation"
            </label>
            <Show when=move || with_prep.get()>
                <p class="warning" data-testid="handover-prep-warning">{warning.clone()}</p>
            </Show>
            <p class="help">{format!("Keep the file to yourself until it reaches the new manager: it holds the whole record with its history of edits and, for discussions paired for sync, their sync key. Until you delete {name} here, this device stays in that sync too.")}</p>
            {move || saved.get().map(|text| view! {
                <p class="ok" role="status" data-testid="handover-saved">{text}</p>
            })}
            <div class="actions">
                <button type="button" class="primary" data-testid="handover-save" on:click=save>"Save the handover file"</button>
                {
                    let person_id = person_id.clone();
                    let name = name.clone();
                    move || saved.get().is_some().then(|| view! {
                        <EraseButton what=Erase::Person(person_id.clone()) label=format!("Then delete {name} from this device…") whose=name.clone() testid="handover-erase" />
                    })
                }
                <button value="cancel" data-testid="handover-close">"Close"</button>
            </div>
        </Sheet>
    }
}
