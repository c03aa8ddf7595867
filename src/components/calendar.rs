//! "Add to calendar": an .ics file with the next discussion dates.

use leptos::prelude::*;

use crate::services::Reports;

/// For one person (`person_id`), or for everyone not archived (`None`).
#[component]
pub fn CalendarDownload(
    #[prop(optional)] person_id: Option<String>,
    filename: String,
) -> impl IntoView {
    let reports = expect_context::<Reports>();
    let with_actions = RwSignal::new(false);
    let label = if person_id.is_some() {
        "Add a reminder to your calendar"
    } else {
        "Add everyone's next discussion to your calendar"
    };
    let download = move |_| {
        let ids = match &person_id {
            Some(id) => vec![id.clone()],
            None => reports.active_people(),
        };
        reports.download_calendar(&ids, with_actions.get_untracked(), &filename);
    };
    view! {
        <div class="calendar-download no-print">
            <button data-testid="download-ics" on:click=download>{label}</button>
            <label class="inline">
                <input type="checkbox" data-testid="ics-actions" prop:checked=move || with_actions.get()
                    on:change=move |ev| with_actions.set(event_target_checked(&ev)) />
                " Include due dates of open actions"
            </label>
            <p class="hint">"Calendar apps often copy events to a server: only names and dates go in, plus the action text if you include actions."</p>
        </div>
    }
}
