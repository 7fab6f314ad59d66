//! "Submit a new tech issue" in four steps: title and language, description, screenshots,
//! review. Without JavaScript every step shows at once in one plain multipart form. Once
//! hydrated the steps show one at a time, each is checked with the server's own `parse()` before
//! Next, and the text is kept as a draft in the browser until the issue is submitted.
use crate::components::page_title::PageTitle;
use codee::string::JsonSerdeCodec;
use leptos::prelude::*;
use leptos_use::storage::{use_local_storage_with_options, UseStorageOptions};

use crate::api::{new_ticket_form, submit_ticket};
use crate::components::error_text::{action_error_text, invalid_text};
use crate::components::file_picker::{
    send_form, size_label, upload_action, FilePicker, PickedFiles,
};
use crate::components::labels::lang_code;
use crate::components::typed_early::typed_before_hydration;
use crate::domain::{
    language_prefix, parse_language, Description, Invalid, TicketTitle, UploadLimits, LANGUAGES,
};
use crate::error::AppError;
use crate::i18n::*;
use crate::locale::use_i18n;
use crate::pages::refusal::PageError;

/// Drafts live under this prefix and the member's id; logging out removes them all.
pub const DRAFT_PREFIX: &str = "desk.ticket-draft";
const STEPS: u8 = 4;

#[component]
pub fn SubmitPage() -> impl IntoView {
    let i18n = use_i18n();
    let access = Resource::new(|| (), |_| new_ticket_form());
    view! {
        <PageTitle text=move || td_string!(i18n.get_locale(), submit_heading).to_string()/>
        <Suspense fallback=move || view! { <p class="loading">{tr!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match access.await {
                    Ok((limits, member_id)) => view! { <SubmitForm limits member_id/> }.into_any(),
                    Err(error) => view! { <PageError error/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The text part of the form, as kept in the browser between visits.
#[derive(Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
struct Draft {
    step: u8,
    title: String,
    language: String,
    description: String,
}

/// Which step shows a field's error.
fn step_of(field: &str) -> u8 {
    match field {
        "title" | "language" => 1,
        "description" => 2,
        "files" => 3,
        _ => STEPS,
    }
}

#[component]
fn SubmitForm(limits: UploadLimits, member_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    // The draft lives in local storage under this member's own key (leptos-use reads it once
    // here, writes it on every change, and removes it when asked). Other tabs' edits are not
    // followed: the form takes the draft when it opens, as a text editor does.
    let (stored_draft, store_draft, forget_draft) =
        use_local_storage_with_options::<Option<Draft>, JsonSerdeCodec>(
            format!("{DRAFT_PREFIX}.{member_id}"),
            UseStorageOptions::default().listen_to_storage_changes(false),
        );
    let step = RwSignal::new(1u8);
    let title = RwSignal::new(typed_before_hydration("title"));
    // The page's language, when tickets can be written in it (a page language is not always one).
    let language = RwSignal::new(parse_language(lang_code(i18n)).unwrap_or("en").to_string());
    let description = RwSignal::new(typed_before_hydration("description"));
    let picked = PickedFiles::new(limits);
    // Client-side problems found before Next: (field, message).
    let step_error = RwSignal::new(None::<(&'static str, Invalid)>);
    // Becomes true once the draft (if any) is restored; saving starts only then.
    let interactive = RwSignal::new(false);

    let submit = upload_action(submit_ticket);

    // Carried over from a chat ("open a ticket in your language"): the query fills the form.
    let query = crate::pages::address::use_query();
    Effect::new(move |_| {
        let carried = query.with_untracked(|q| {
            q.get("description").map(|d| Draft {
                step: 1,
                title: q.get("title").unwrap_or_default(),
                language: q.get("language").unwrap_or_default(),
                description: d,
            })
        });
        // What was typed before the page was taken over is newer than a stored draft.
        let typed = !title.get_untracked().is_empty() || !description.get_untracked().is_empty();
        let stored = move || (!typed).then(|| stored_draft.get_untracked()).flatten();
        if let Some(d) = carried.or_else(stored) {
            title.set(d.title);
            if parse_language(&d.language).is_ok() {
                language.set(d.language);
            }
            description.set(d.description);
            step.set(d.step.clamp(1, STEPS));
        }
        interactive.set(true);
    });
    Effect::new(move |_| {
        let draft = Draft {
            step: step.get(),
            title: title.get(),
            language: language.get(),
            description: description.get(),
        };
        if interactive.get_untracked() {
            store_draft.set(Some(draft));
        }
    });
    Effect::new(move |_| match submit.value().get() {
        Some(Ok(id)) => {
            forget_draft();
            picked.clear();
            crate::pages::address::go_to(&format!("/tickets/{id}"));
        }
        Some(Err(AppError::Validation { field, .. })) => step.set(step_of(&field)),
        _ => {}
    });

    // Moving between steps puts focus on the new step's heading, so keyboard and screen-reader
    // users start at the top of what changed (not on a button that just disappeared).
    let step_ref = NodeRef::<leptos::html::H2>::new();
    Effect::new(move |previous: Option<u8>| {
        let now = step.get();
        if previous.is_some_and(|p| p != now) {
            if let Some(h) = step_ref.get_untracked() {
                let _ = h.focus();
            }
        }
        now
    });
    let check_step = move |n: u8| -> Result<(), (&'static str, Invalid)> {
        match n {
            1 => {
                TicketTitle::parse(&title.get_untracked()).map_err(|e| ("title", e))?;
                parse_language(&language.get_untracked()).map_err(|e| ("language", e))?;
            }
            2 => {
                Description::parse(&description.get_untracked()).map_err(|e| ("description", e))?;
            }
            _ => {}
        }
        Ok(())
    };
    let next = move |_| match check_step(step.get_untracked()) {
        Ok(()) => {
            step_error.set(None);
            step.update(|s| *s = (*s + 1).min(STEPS));
        }
        Err(e) => step_error.set(Some(e)),
    };
    let back = move |_| {
        step_error.set(None);
        step.update(|s| *s = s.saturating_sub(1).max(1));
    };

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        for n in 1..STEPS {
            if let Err(e) = check_step(n) {
                ev.prevent_default();
                step.set(n);
                step_error.set(Some(e));
                return;
            }
        }
        send_form(ev, submit, Some(picked));
    };

    // One error line per field: a check before Next, or the server's answer.
    let field_error = move |field: &'static str| {
        move || {
            if let Some((f, problem)) = step_error.get() {
                return (f == field).then(|| invalid_text(i18n, &problem));
            }
            match submit.value().get()?.err()? {
                AppError::Validation { field: f, .. } if f != field => None,
                e @ AppError::Validation { .. } => Some(action_error_text(i18n, &e)),
                e if field == "form" => Some(action_error_text(i18n, &e)),
                _ => None,
            }
        }
    };
    // The server renders step 1 as the hydrated page will show it (no jump when the app starts);
    // without JavaScript a <noscript> style in the shell shows every step (`data-step`) and hides
    // what only works with it (`data-js-only`).
    let shows = move |n: u8| move || step.get() != n;
    let on_title = move |ev| {
        let value = event_target_value(&ev);
        if let Some(code) = language_prefix(&value) {
            language.set(code.to_string());
        }
        title.set(value);
    };
    let options = LANGUAGES
        .iter()
        .map(|(code, name)| {
            let code = code.to_string();
            let selected = {
                let code = code.clone();
                move || language.get() == code
            };
            view! { <option value=code selected=selected>{*name}</option> }
        })
        .collect_view();
    let language_name = move || {
        let code = language.get();
        LANGUAGES
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, n)| n.to_string())
            .unwrap_or(code)
    };
    let step_heading = move || {
        let n = step.get();
        let name = match n {
            1 => td_string!(i18n.get_locale(), step_title).to_string(),
            2 => td_string!(i18n.get_locale(), step_description).to_string(),
            3 => td_string!(i18n.get_locale(), step_files).to_string(),
            _ => td_string!(i18n.get_locale(), step_review).to_string(),
        };
        td_string!(
            i18n.get_locale(),
            step_of_steps,
            n = n,
            total = STEPS,
            name = name
        )
        .to_string()
    };

    view! {
        <main id="main" class="page submit-page">
            <a class="back" href="/">{tr!(i18n, back_to_list)}</a>
            <h1>{tr!(i18n, submit_heading)}</h1>
            <h2 class="step-indicator" tabindex="-1" node_ref=step_ref data-js-only="">
                {step_heading}
            </h2>
            <form method="post" action="/api/submit_ticket" enctype="multipart/form-data"
                class="stack" on:submit=on_submit on:paste=move |_ev: leptos::ev::ClipboardEvent| {
                    #[cfg(feature = "hydrate")]
                    if step.get_untracked() == 3 {
                        picked.add_list(_ev.clipboard_data().and_then(|d| d.files()));
                    }
                }>
                <fieldset data-step="" hidden=shows(1)>
                    <legend>{tr!(i18n, step_title)}</legend>
                    <label for="title">{tr!(i18n, title_label)}</label>
                    <p class="hint" id="title-hint">{tr!(i18n, title_hint)}</p>
                    <input id="title" name="title" type="text" required maxlength="150"
                        aria-describedby="title-hint" prop:value=move || title.get() on:input=on_title/>
                    <p class="form-error" role="alert">{field_error("title")}</p>

                    <label for="language">{tr!(i18n, language_label)}</label>
                    <p class="hint" id="language-hint">{tr!(i18n, language_hint)}</p>
                    <select id="language" name="language" aria-describedby="language-hint"
                        prop:value=move || language.get()
                        on:change=move |ev| language.set(event_target_value(&ev))>
                        {options}
                    </select>
                    <p class="form-error" role="alert">{field_error("language")}</p>
                </fieldset>

                <fieldset data-step="" hidden=shows(2)>
                    <legend>{tr!(i18n, step_description)}</legend>
                    <label for="description">{tr!(i18n, description_label)}</label>
                    <p class="hint" id="description-hint">{tr!(i18n, description_hint)}</p>
                    <textarea id="description" name="description" rows="8" required
                        aria-describedby="description-hint"
                        prop:value=move || description.get()
                        on:input=move |ev| description.set(event_target_value(&ev))></textarea>
                    <p class="form-error" role="alert">{field_error("description")}</p>
                </fieldset>

                <fieldset data-step="" hidden=shows(3)>
                    <legend>{tr!(i18n, step_files)}</legend>
                    <FilePicker picked id="files"/>
                    <p class="form-error" role="alert">{field_error("files")}</p>
                </fieldset>

                <section class="review" data-step="" hidden=shows(4) aria-labelledby="review-heading">
                    <h2 id="review-heading" data-js-only="">{tr!(i18n, step_review)}</h2>
                    <dl data-js-only="">
                        <dt>{tr!(i18n, title_label)}</dt>
                        <dd>{move || title.get()}</dd>
                        <dt>{tr!(i18n, language_label)}</dt>
                        <dd>{language_name}</dd>
                        <dt>{tr!(i18n, description_label)}</dt>
                        <dd class="body">{move || description.get()}</dd>
                        <dt>{tr!(i18n, files_label)}</dt>
                        <dd>
                            {move || {
                                let files = picked.files.get();
                                if files.is_empty() {
                                    td_string!(i18n.get_locale(), files_none).to_string()
                                } else {
                                    files.iter()
                                        .map(|p| format!("{} ({})", p.name, size_label(p.size)))
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                }
                            }}
                        </dd>
                    </dl>
                    <p class="form-error" role="alert">{field_error("form")}</p>
                    <button type="submit" class="button primary" disabled=move || submit.pending().get()>
                        {move || if submit.pending().get() {
                            td_string!(i18n.get_locale(), submitting).to_string()
                        } else {
                            td_string!(i18n.get_locale(), submit_button).to_string()
                        }}
                    </button>
                </section>

                <div class="step-nav" data-js-only="">
                    <button type="button" class="button secondary" on:click=back
                        hidden=move || step.get() == 1>{tr!(i18n, back)}</button>
                    <button type="button" class="button primary" on:click=next
                        hidden=move || step.get() == STEPS>{tr!(i18n, next)}</button>
                </div>
            </form>
        </main>
    }
}
