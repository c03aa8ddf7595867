//! Deleting for real, from the person's page or a discussion: a button that opens a sheet
//! naming exactly what goes from this device and what deletion cannot reach, with a backup
//! offered first. Nothing goes until the person confirms in the sheet.

use career_core::live::mailbox::MAX_AGE_DAYS;
use career_core::workspace::{Erase, ErasePreview};
use career_core::Day;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

use crate::components::sheet::Sheet;
use crate::services::{Device, DocStore, Messages};

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn when(date: Option<Day>) -> String {
    date.map(|d| d.human())
        .unwrap_or_else(|| "date unknown".into())
}

/// The button, and the sheet it opens. `whose`: the person named in the sheet ("Maria
/// Lund"); `label`: the button's text. After a deletion the app goes to the people list.
#[component]
pub fn EraseButton(
    what: Erase,
    #[prop(into)] label: String,
    #[prop(into)] whose: String,
    #[prop(into)] testid: String,
) -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let messages = expect_context::<Messages>();
    let open = RwSignal::new(None::<ErasePreview>);
    let what2 = what.clone();
    let ask = move |_| match docs.erase_preview(&what2) {
        Ok(p) => open.set(Some(p)),
        Err(e) => messages.error("What would be deleted could not be read", &e),
    };
    view! {
        <button type="button" class="danger-link" data-testid=testid on:click=ask>{label}</button>
        {move || open.get().map(|preview| view! {
            <EraseSheet what=what.clone() whose=whose.clone() preview on_close=Callback::new(move |_| open.set(None)) />
        })}
    }
}

#[component]
fn EraseSheet(
    what: Erase,
    whose: String,
    preview: ErasePreview,
    on_close: Callback<()>,
) -> impl IntoView {
    let docs = expect_context::<DocStore>();
    let device = expect_context::<Device>();
    let messages = expect_context::<Messages>();
    let navigate = use_navigate();
    let person = matches!(what, Erase::Person(_));
    // Several discussions with one person (past the retention period).
    let several = matches!(what, Erase::Discussions(_));
    let n = preview.discussions.len();
    let preps = preview.discussions.iter().filter(|d| d.prep).count();
    let drafts = preview.discussions.iter().filter(|d| d.drafts).count();
    let shared = preview.discussions.iter().filter(|d| d.shared).count();
    let paired = preview.discussions.iter().any(|d| d.paired);
    let count = plural(n, "discussion", "discussions");
    let title = if person {
        format!("Delete {whose} and their discussions from this device?")
    } else if several {
        format!("Delete {count} with {whose} from this device?")
    } else {
        // One discussion: whose, and of when, so it cannot be mistaken for another.
        let of = preview
            .discussions
            .first()
            .map(|d| when(d.date))
            .unwrap_or_default();
        if whose.trim().is_empty() {
            format!("Delete the discussion of {of} from this device?")
        } else {
            format!("Delete the discussion with {whose} of {of} from this device?")
        }
    };
    let done = if person && n == 0 {
        format!("{whose} was deleted from this device.")
    } else if person {
        format!("{whose} and {count} were deleted from this device.")
    } else if several {
        format!(
            "{count} with {whose} {} deleted from this device.",
            if n == 1 { "was" } else { "were" }
        )
    } else {
        "The discussion was deleted from this device.".to_string()
    };
    let listed = person || several;
    let expected: Vec<String> = preview.discussions.iter().map(|d| d.id.clone()).collect();
    let confirm = move |_| match docs.erase(&what, &expected) {
        Ok(()) => {
            messages.info(done.clone());
            navigate("/", Default::default());
        }
        Err(e) => messages.error(
            if docs.erasing_pending() {
                "The deletion could not finish (it is completed at the next start)"
            } else {
                "Nothing was deleted"
            },
            &e,
        ),
    };
    view! {
        <Sheet labelled_by="erase-title" testid="erase-sheet" on_close=on_close>
            <h2 id="erase-title">{title}</h2>
            <p>"This removes from this device:"</p>
            <ul data-testid="erase-goes">
                {person.then(|| view! { <li>{format!("{whose} from your people list")}</li> })}
                {(n > 0).then(|| view! {
                    <li>
                        {if listed { count.clone() } else { "the discussion".into() }}
                        {listed.then(|| format!(": {}", preview.discussions.iter().map(|d| {
                            let damaged = if d.damaged { " (damaged)" } else { "" };
                            format!("{}{damaged}", when(d.date))
                        }).collect::<Vec<_>>().join(", ")))}
                    </li>
                })}
                {(preps > 0).then(|| view! { <li>{match (listed, preps == n) {
                    (false, _) => "your private preparation".to_string(),
                    (true, true) => "your private preparation for each".to_string(),
                    (true, false) => format!("your private preparation for {preps} of them"),
                }}</li> })}
                {(drafts > 0).then(|| view! { <li>"the private drafts of answers written on this device"</li> })}
                {paired.then(|| view! { <li>"the sync pairing, and this device's notes about what was exchanged"</li> })}
            </ul>
            <p>"Deletion cannot reach:"</p>
            <ul data-testid="erase-stays">
                {(shared > 0).then(|| view! { <li>"any copy that already left this device: on the other person's device, and in links or files sent"</li> })}
                <li>{move || match device.last_backup.get() {
                    Some(d) => format!("files already downloaded or printed: backups (the latest on {}), records, calendar files", d.human()),
                    None => "files already downloaded or printed: backups, records, calendar files".to_string(),
                }}</li>
                {paired.then(|| view! { <li>{format!("the encrypted sync messages the relay still holds, until they expire there ({MAX_AGE_DAYS} days at most on the relay this app sets up); they open only with the discussion's key, which the other person's copy still holds")}</li> })}
            </ul>
            <div class="actions">
                <button type="button" data-testid="erase-backup" on:click=move |_| device.export_everything()>"Save a backup first"</button>
                <button type="button" class="danger" data-testid="erase-confirm" on:click=confirm>
                    {if person {
                        format!("Delete {whose}")
                    } else if several {
                        format!("Delete {count}")
                    } else {
                        "Delete the discussion".to_string()
                    }}
                </button>
                <button value="cancel" autofocus data-testid="erase-cancel">"Cancel"</button>
            </div>
        </Sheet>
    }
}
