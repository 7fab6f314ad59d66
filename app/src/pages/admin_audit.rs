//! `/admin/audit`: who did what and when, newest first, narrowed by person, action, target and
//! days. A GET form, so a filtered view is a link an admin can share.
use crate::pages::address::use_query;
use leptos::prelude::*;

use crate::api::audit_log;
use crate::components::header::SiteHeader;
use crate::components::labels::day_time;
use crate::components::page_title::PageTitle;
use crate::domain::{AuditEntry, StaffMember};
use crate::i18n::*;
use crate::locale::use_i18n;
use crate::pages::admin::{AdminNav, AdminTab};
use crate::pages::refusal::PageError;

const FIELDS: [&str; 5] = ["actor", "action", "target", "from", "to"];

#[component]
pub fn AdminAuditPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query();
    let data = Resource::new(
        move || FIELDS.map(|k| query.read().get(k).unwrap_or_default()),
        |[actor, action, target, from, to]| audit_log(actor, action, target, from, to),
    );
    view! {
        <PageTitle text=move || td_string!(i18n.get_locale(), admin_audit_heading).to_string()/>
        <Transition fallback=move || view! { <p class="loading">{tr!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((user, entries, staff)) => view! {
                        <SiteHeader user/>
                        <main id="main" class="page admin">
                            <h1>{tr!(i18n, admin_audit_heading)}</h1>
                            <AdminNav current=AdminTab::Audit/>
                            <AuditView entries staff/>
                        </main>
                    }.into_any(),
                    Err(error) => view! { <PageError error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn AuditView(entries: Vec<AuditEntry>, staff: Vec<StaffMember>) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query();
    let param = move |k: &str| query.read_untracked().get(k).unwrap_or_default();
    let actor = param("actor");
    let staff_options = staff
        .into_iter()
        .map(|s| {
            let selected = s.id.to_string() == actor;
            view! { <option value=s.id selected=selected>{s.name}</option> }
        })
        .collect_view();
    let has_rows = !entries.is_empty();
    let rows = entries
        .into_iter()
        .map(|e| {
            let at = e.at;
            let who = e.actor_name.clone();
            let target = match (e.target_kind.as_deref(), e.target_id) {
                (Some("ticket"), Some(id)) => {
                    view! { <a href=format!("/tickets/{id}")>{format!("#{id}")}</a> }.into_any()
                }
                (Some(kind), Some(id)) => view! { <span>{format!("{kind} {id}")}</span> }.into_any(),
                _ => view! { <span>"—"</span> }.into_any(),
            };
            view! {
                <tr>
                    <td>{move || day_time(i18n, at)}</td>
                    <td>{move || who.clone().unwrap_or_else(|| td_string!(i18n.get_locale(), audit_by_desk).to_string())}</td>
                    <td><code>{e.action}</code></td>
                    <td>{target}</td>
                    <td class="detail"><code>{e.detail}</code></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <form method="get" action="/admin/audit" class="filters" role="search"
            aria-label=tr!(i18n, audit_filters)>
            <div class="filter">
                <label for="audit-actor">{tr!(i18n, audit_who)}</label>
                <select id="audit-actor" name="actor">
                    <option value="">{tr!(i18n, filter_any)}</option>
                    {staff_options}
                </select>
            </div>
            <div class="filter">
                <label for="audit-action">{tr!(i18n, audit_action)}</label>
                <input id="audit-action" name="action" type="search" value=param("action") placeholder="ticket.assign"/>
            </div>
            <div class="filter">
                <label for="audit-target">{tr!(i18n, audit_target)}</label>
                <input id="audit-target" name="target" type="search" value=param("target") placeholder="ticket:12"/>
            </div>
            <div class="filter">
                <label for="audit-from">{tr!(i18n, audit_from)}</label>
                <input id="audit-from" name="from" type="date" value=param("from")/>
            </div>
            <div class="filter">
                <label for="audit-to">{tr!(i18n, audit_to)}</label>
                <input id="audit-to" name="to" type="date" value=param("to")/>
            </div>
            <button type="submit" class="button secondary">{tr!(i18n, filter_apply)}</button>
        </form>
        {if has_rows {
            view! {
                <table class="queue audit">
                    <caption class="visually-hidden">{tr!(i18n, admin_audit_heading)}</caption>
                    <thead>
                        <tr>
                            <th scope="col">{tr!(i18n, audit_when)}</th>
                            <th scope="col">{tr!(i18n, audit_who)}</th>
                            <th scope="col">{tr!(i18n, audit_action)}</th>
                            <th scope="col">{tr!(i18n, audit_target)}</th>
                            <th scope="col">{tr!(i18n, audit_detail)}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            }.into_any()
        } else {
            view! { <p class="empty">{tr!(i18n, audit_empty)}</p> }.into_any()
        }}
    }
}
