//! The agent console (`/agent`): the queue by status with counts, filters by language and rank,
//! and search. Plain links and a GET form, so it works before hydration; live afterwards.
use crate::components::page_title::PageTitle;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::queue_page;
use crate::components::header::SiteHeader;
use crate::components::labels::{status_name, tier_name};
use crate::components::live::use_live_version;
use crate::domain::{waited, AgentQueue, CurrentUser, LiveEvent, TicketStatus, Tier, LANGUAGES};
use crate::i18n::*;
use crate::pages::refusal::PageError;

#[component]
pub fn AgentPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let param = move |k: &str| query.read().get(k).unwrap_or_default();
    let live = use_live_version(|e| matches!(e, LiveEvent::Ticket { .. }));
    let data = Resource::new(
        move || {
            (
                param("status"),
                param("language"),
                param("tier"),
                param("q"),
                live.get(),
            )
        },
        |(status, language, tier, q, _)| queue_page(status, language, tier, q),
    );
    view! {
        <PageTitle text=move || t_string!(i18n, agent_heading).to_string()/>
        <Transition fallback=move || view! { <p class="loading">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((user, queue)) => view! { <Console user queue/> }.into_any(),
                    Err(error) => view! { <PageError error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Console(user: CurrentUser, queue: AgentQueue) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let param = move |k: &str| query.read_untracked().get(k).unwrap_or_default();
    let shown = TicketStatus::parse(&param("status")).unwrap_or(TicketStatus::Open);
    // Status links keep the other filters.
    let href_for = move |status: TicketStatus| {
        let mut parts = vec![format!("status={}", status.as_str())];
        for k in ["language", "tier", "q"] {
            let v = param(k);
            if !v.is_empty() {
                parts.push(format!("{k}={}", crate::pages::query_value(&v)));
            }
        }
        format!("/agent?{}", parts.join("&"))
    };
    let tabs = [
        (TicketStatus::Open, queue.open),
        (TicketStatus::AwaitingFeedback, queue.awaiting),
        (TicketStatus::Closed, queue.closed),
    ]
    .into_iter()
    .map(|(status, n)| {
        view! {
            <li>
                <a class="tab" href=href_for(status) aria-current=(status == shown).then_some("page")>
                    <span>{move || status_name(i18n, status)}</span>
                    " "
                    <span class="count">{format!("({n})")}</span>
                </a>
            </li>
        }
    })
    .collect_view();
    let language = param("language");
    let tier = param("tier");
    let language_options = LANGUAGES
        .iter()
        .map(|(code, name)| {
            let selected = *code == language;
            view! { <option value=*code selected=selected>{*name}</option> }
        })
        .collect_view();
    let tier_options = Tier::ALL
        .iter()
        .map(|t| {
            let selected = t.as_str() == tier;
            let t = *t;
            view! { <option value=t.as_str() selected=selected>{move || tier_name(i18n, t)}</option> }
        })
        .collect_view();
    let now = queue.now;
    let has_rows = !queue.rows.is_empty();
    let rows = queue
        .rows
        .into_iter()
        .map(|r| {
            let tier = r.member_tier;
            view! {
                <tr>
                    <td>{format!("#{}", r.id)}</td>
                    <td><a href=format!("/tickets/{}", r.id)>{r.title}</a></td>
                    <td>{r.member_name}</td>
                    <td>{move || tier_name(i18n, tier)}</td>
                    <td>{r.language}</td>
                    <td>{waited(r.since, now)}</td>
                </tr>
            }
        })
        .collect_view();
    let empty = move || t_string!(i18n, queue_empty).to_string();
    view! {
        <SiteHeader user/>
        <main id="main" class="page agent-page">
            <h1>{t!(i18n, agent_heading)}</h1>
            <form method="get" action="/agent" class="filters" role="search">
                <input type="hidden" name="status" value=shown.as_str()/>
                <div class="filter">
                    <label for="filter-language">{t!(i18n, filter_language)}</label>
                    <select id="filter-language" name="language">
                        <option value="">{t!(i18n, filter_any)}</option>
                        {language_options}
                    </select>
                </div>
                <div class="filter">
                    <label for="filter-tier">{t!(i18n, filter_tier)}</label>
                    <select id="filter-tier" name="tier">
                        <option value="">{t!(i18n, filter_any)}</option>
                        {tier_options}
                    </select>
                </div>
                <div class="filter">
                    <label for="filter-q">{t!(i18n, filter_search)}</label>
                    <input id="filter-q" name="q" type="search" value=param("q")/>
                </div>
                <button type="submit" class="button secondary">{t!(i18n, filter_apply)}</button>
            </form>
            <nav class="tabs" aria-label=move || t_string!(i18n, queue_statuses).to_string()>
                <ul>{tabs}</ul>
            </nav>
            {if has_rows {
                view! {
                    <table class="queue">
                        <caption>{move || status_name(i18n, shown)}</caption>
                        <thead>
                            <tr>
                                <th scope="col">{t!(i18n, col_number)}</th>
                                <th scope="col">{t!(i18n, col_title)}</th>
                                <th scope="col">{t!(i18n, col_member)}</th>
                                <th scope="col">{t!(i18n, col_tier)}</th>
                                <th scope="col">{t!(i18n, col_language)}</th>
                                <th scope="col">{t!(i18n, col_waiting)}</th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                }.into_any()
            } else {
                view! { <p class="empty">{empty}</p> }.into_any()
            }}
        </main>
    }
}
