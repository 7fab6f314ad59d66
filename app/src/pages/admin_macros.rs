//! `/admin/macros`: canned answers in English and Spanish with placeholders; add, change,
//! remove. Each macro is its own form, so a change to one never resends another.
use leptos::prelude::*;

use crate::api::{list_macros, DeleteMacro, SaveMacro};
use crate::components::error_text::action_error_text;
use crate::components::header::SiteHeader;
use crate::components::page_title::PageTitle;
use crate::components::submit_button::SubmitButton;
use crate::domain::{Macro, TicketStatus, PLACEHOLDERS};
use crate::i18n::*;
use crate::locale::use_i18n;
use crate::pages::admin::{AdminNav, AdminTab};
use crate::pages::refusal::PageError;

#[component]
pub fn AdminMacrosPage() -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveMacro>::new();
    let delete = ServerAction::<DeleteMacro>::new();
    let data = Resource::new(
        move || (save.version().get(), delete.version().get()),
        |_| list_macros(),
    );
    let error = move || {
        let e = save.value().get().and_then(|r| r.err());
        e.or_else(|| delete.value().get().and_then(|r| r.err()))
            .map(|e| action_error_text(i18n, &e))
    };
    let placeholders = PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(" ");
    view! {
        <PageTitle text=move || td_string!(i18n.get_locale(), admin_macros_heading).to_string()/>
        <Transition fallback=move || view! { <p class="loading">{tr!(i18n, loading)}</p> }>
            {move || {
                let placeholders = placeholders.clone();
                Suspend::new(async move {
                match data.await {
                    Ok((user, macros)) => view! {
                        <SiteHeader user/>
                        <main id="main" class="page admin">
                            <h1>{tr!(i18n, admin_macros_heading)}</h1>
                            <AdminNav current=AdminTab::Macros/>
                            <p class="hint">{move || td_string!(i18n.get_locale(), macros_placeholders, list = placeholders.clone()).to_string()}</p>
                            <p class="form-error" role="alert">{error}</p>
                            <section aria-labelledby="new-macro-heading">
                                <h2 id="new-macro-heading">{tr!(i18n, macro_new_heading)}</h2>
                                <MacroForm m=None save delete/>
                            </section>
                            {macros.into_iter().map(|m| {
                                let heading = format!("macro-{}-heading", m.id);
                                let labelled_by = heading.clone();
                                let name = m.name.clone();
                                view! {
                                    <section aria-labelledby=labelled_by>
                                        <h2 id=heading>{name}</h2>
                                        <MacroForm m=Some(m) save delete/>
                                    </section>
                                }
                            }).collect_view()}
                        </main>
                    }.into_any(),
                    Err(error) => view! { <PageError error/> }.into_any(),
                }
            })}}
        </Transition>
    }
}

#[component]
fn MacroForm(
    m: Option<Macro>,
    save: ServerAction<SaveMacro>,
    delete: ServerAction<DeleteMacro>,
) -> impl IntoView {
    let i18n = use_i18n();
    // Ids unique on the page: "new" or the macro's id.
    let key = m.as_ref().map_or("new".to_string(), |m| m.id.to_string());
    let ids = ["name", "en", "es", "status"].map(|f| format!("macro-{key}-{f}"));
    let id_value = m.as_ref().map(|m| m.id.to_string()).unwrap_or_default();
    let existing = m.as_ref().map(|m| m.id);
    let (name, en, es, status) = m
        .map(|m| (m.name, m.body_en, m.body_es, m.set_status))
        .unwrap_or_default();
    let delete_label = name.clone();
    let status_option = move |value: &'static str, chosen: bool| {
        let label = move || match value {
            "awaiting_feedback" => td_string!(i18n.get_locale(), macro_status_ask).to_string(),
            "closed" => td_string!(i18n.get_locale(), macro_status_close).to_string(),
            _ => td_string!(i18n.get_locale(), macro_status_none).to_string(),
        };
        view! { <option value=value selected=chosen>{label}</option> }
    };
    view! {
        <ActionForm action=save attr:class="stack">
            <input type="hidden" name="id" value=id_value/>
            <label for=ids[0].clone()>{tr!(i18n, macro_name)}</label>
            <input id=ids[0].clone() name="name" type="text" maxlength="80" value=name required/>
            <label for=ids[1].clone()>{tr!(i18n, macro_body_en)}</label>
            <textarea id=ids[1].clone() name="body_en" rows="4" required>{en}</textarea>
            <label for=ids[2].clone()>{tr!(i18n, macro_body_es)}</label>
            <textarea id=ids[2].clone() name="body_es" rows="4" required>{es}</textarea>
            <label for=ids[3].clone()>{tr!(i18n, macro_also)}</label>
            <select id=ids[3].clone() name="set_status">
                {status_option("", status.is_none())}
                {status_option("awaiting_feedback", status == Some(TicketStatus::AwaitingFeedback))}
                {status_option("closed", status == Some(TicketStatus::Closed))}
            </select>
            <SubmitButton pending=save.pending()
                label=Signal::derive(move || if existing.is_some() {
                    td_string!(i18n.get_locale(), macro_save).to_string()
                } else {
                    td_string!(i18n.get_locale(), macro_add).to_string()
                })
                busy_label=Signal::derive(move || td_string!(i18n.get_locale(), sending).to_string())/>
        </ActionForm>
        {existing.map(|id| view! {
            <ActionForm action=delete attr:class="inline-form">
                <input type="hidden" name="id" value=id/>
                <button type="submit" class="button secondary"
                    aria-label=move || td_string!(i18n.get_locale(), macro_delete_named, name = delete_label.clone()).to_string()>
                    {tr!(i18n, macro_delete)}
                </button>
            </ActionForm>
        })}
    }
}
