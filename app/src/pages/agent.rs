//! The agent console (`/agent`): the queue by status with counts; whose tickets (mine,
//! unassigned, all); filters by language, rank and priority; search; the time left on each
//! ticket's nearest service deadline, nearest first. Plain links and a GET form, so it works
//! before hydration; live afterwards.
use crate::components::page_title::PageTitle;
use crate::pages::address::use_query;
use leptos::prelude::*;

use crate::api::{queue_page, BulkTickets, TakeTicket};
use crate::components::deadline::Deadline;
use crate::components::error_text::action_error_text;
use crate::components::header::SiteHeader;
use crate::components::labels::{priority_name, status_name, tier_name};
use crate::components::live::use_live_version;
use crate::domain::{
    waited, AgentQueue, CurrentUser, LiveEvent, Priority, QueueView, TicketStatus, Tier, LANGUAGES,
};
use crate::i18n::*;
use crate::locale::use_i18n;
use crate::pages::queue_tools::{toggle, use_queue_keys, BulkBar, QueueKeys};
use crate::pages::refusal::PageError;

#[component]
pub fn AgentPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query();
    let param = move |k: &str| query.read().get(k).unwrap_or_default();
    let live = use_live_version(|e| matches!(e, LiveEvent::Ticket { .. }));
    let take = ServerAction::<TakeTicket>::new();
    let bulk = ServerAction::<BulkTickets>::new();
    // Ticked tickets outlive the queue's live refreshes (an agent ticking while others work).
    let selected = RwSignal::new(Vec::<i64>::new());
    let data = Resource::new(
        move || {
            (
                [
                    param("status"),
                    param("language"),
                    param("tier"),
                    param("q"),
                    param("view"),
                    param("priority"),
                    param("member"),
                ],
                live.get(),
                take.version().get(),
                bulk.version().get(),
            )
        },
        |([status, language, tier, q, view, priority, member], ..)| {
            queue_page(status, language, tier, q, view, priority, member)
        },
    );
    view! {
        <PageTitle text=move || td_string!(i18n.get_locale(), agent_heading).to_string()/>
        <Transition fallback=move || view! { <p class="loading">{tr!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((user, queue)) => {
                        view! { <Console user queue take bulk selected/> }.into_any()
                    }
                    Err(error) => view! { <PageError error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Console(
    user: CurrentUser,
    queue: AgentQueue,
    take: ServerAction<TakeTicket>,
    bulk: ServerAction<BulkTickets>,
    selected: RwSignal<Vec<i64>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query();
    let param = move |k: &str| query.read_untracked().get(k).unwrap_or_default();
    let shown = TicketStatus::parse(&param("status")).unwrap_or(TicketStatus::Open);
    let shown_view = QueueView::parse(&param("view")).unwrap_or_default();
    // Links keep the other filters and change one.
    let href_with = move |key: &'static str, value: &str| {
        let mut parts = vec![format!("{key}={value}")];
        for k in [
            "status", "view", "language", "tier", "priority", "q", "member",
        ] {
            let v = param(k);
            if k != key && !v.is_empty() {
                parts.push(format!("{k}={}", crate::pages::query_value(&v)));
            }
        }
        format!("/agent?{}", parts.join("&"))
    };
    let href_for = move |status: TicketStatus| href_with("status", status.as_str());
    let views = QueueView::ALL
        .into_iter()
        .map(|v| {
            let name = move || match v {
                QueueView::Mine => td_string!(i18n.get_locale(), view_mine).to_string(),
                QueueView::Unassigned => td_string!(i18n.get_locale(), view_unassigned).to_string(),
                QueueView::All => td_string!(i18n.get_locale(), view_all).to_string(),
            };
            view! {
                <li>
                    <a class="tab" href=href_with("view", v.as_str())
                        aria-current=(v == shown_view).then_some("page")>{name}</a>
                </li>
            }
        })
        .collect_view();
    let priority = param("priority");
    let priority_options = Priority::ALL
        .into_iter()
        .map(|p| {
            let selected = p.as_str() == priority;
            view! { <option value=p.as_str() selected=selected>{move || priority_name(i18n, p)}</option> }
        })
        .collect_view();
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
    let warn_ms = queue.warn_ms;
    let has_rows = !queue.rows.is_empty();
    // Only tickets still listed stay ticked (the view or the filters changed, or one left).
    let listed: Vec<i64> = queue.rows.iter().map(|r| r.id).collect();
    selected.update_untracked(|s| s.retain(|id| listed.contains(id)));
    let links = StoredValue::new(Vec::new());
    let search_ref = NodeRef::<leptos::html::Input>::new();
    let help = RwSignal::new(false);
    use_queue_keys(links, selected, search_ref, help);
    let all_ticked = {
        let listed = listed.clone();
        move || !listed.is_empty() && selected.with(|s| listed.iter().all(|id| s.contains(id)))
    };
    let tick_all = {
        let all_ticked = all_ticked.clone();
        move |_| {
            let on = !all_ticked();
            selected.set(if on { listed.clone() } else { vec![] });
        }
    };
    let staff = queue.staff.clone();
    let rows = queue
        .rows
        .into_iter()
        .map(|r| {
            let link = NodeRef::<leptos::html::A>::new();
            links.update_value(|l| l.push((r.id, link)));
            let tier = r.member_tier;
            let priority = r.priority;
            let id = r.id;
            let due = match r.due {
                Some(due) => view! { <Deadline due now warn_ms/> }.into_any(),
                None => {
                    view! { <span class="deadline none">{tr!(i18n, due_none)}</span> }.into_any()
                }
            };
            let owner = match r.assignee {
                Some(name) => view! { <span>{name}</span> }.into_any(),
                None if r.status != TicketStatus::Closed => view! {
                    <ActionForm action=take attr:class="inline">
                        <input type="hidden" name="id" value=id/>
                        <button type="submit" class="button small secondary"
                            aria-label=move || td_string!(i18n.get_locale(), take_label, id = id).to_string()>
                            {tr!(i18n, take_button)}
                        </button>
                    </ActionForm>
                }
                .into_any(),
                None => view! { <span>{tr!(i18n, nobody)}</span> }.into_any(),
            };
            view! {
                <tr class=format!("priority-{}", priority.as_str())>
                    <td>
                        <input type="checkbox" prop:checked=move || selected.with(|s| s.contains(&id))
                            on:change=move |_| toggle(selected, id)
                            aria-label=move || td_string!(i18n.get_locale(), tick_label, id = id).to_string()/>
                    </td>
                    <td>{format!("#{id}")}</td>
                    <td><a node_ref=link href=format!("/tickets/{id}")>{r.title}</a></td>
                    <td>{move || priority_name(i18n, priority)}</td>
                    <td>{due}</td>
                    <td>{owner}</td>
                    <td>{r.member_name}</td>
                    <td>{move || tier_name(i18n, tier)}</td>
                    <td>{r.language}</td>
                    <td>{waited(r.since, now)}</td>
                </tr>
            }
        })
        .collect_view();
    let take_error = move || {
        take.value()
            .get()?
            .err()
            .map(|e| action_error_text(i18n, &e))
    };
    let empty = move || td_string!(i18n.get_locale(), queue_empty).to_string();
    view! {
        <SiteHeader user/>
        <main id="main" class="page agent-page">
            <h1>{tr!(i18n, agent_heading)}</h1>
            <form method="get" action="/agent" class="filters" role="search">
                <input type="hidden" name="status" value=shown.as_str()/>
                <input type="hidden" name="view" value=shown_view.as_str()/>
                {(!param("member").is_empty()).then(|| view! {
                    <input type="hidden" name="member" value=param("member")/>
                })}
                <div class="filter">
                    <label for="filter-language">{tr!(i18n, filter_language)}</label>
                    <select id="filter-language" name="language">
                        <option value="">{tr!(i18n, filter_any)}</option>
                        {language_options}
                    </select>
                </div>
                <div class="filter">
                    <label for="filter-tier">{tr!(i18n, filter_tier)}</label>
                    <select id="filter-tier" name="tier">
                        <option value="">{tr!(i18n, filter_any)}</option>
                        {tier_options}
                    </select>
                </div>
                <div class="filter">
                    <label for="filter-priority">{tr!(i18n, filter_priority)}</label>
                    <select id="filter-priority" name="priority">
                        <option value="">{tr!(i18n, filter_any)}</option>
                        {priority_options}
                    </select>
                </div>
                <div class="filter">
                    <label for="filter-q">{tr!(i18n, filter_search)}</label>
                    <input id="filter-q" name="q" type="search" value=param("q") node_ref=search_ref/>
                </div>
                <button type="submit" class="button secondary">{tr!(i18n, filter_apply)}</button>
            </form>
            <nav class="tabs views" aria-label=tr!(i18n, queue_views)>
                <ul>{views}</ul>
            </nav>
            <nav class="tabs" aria-label=tr!(i18n, queue_statuses)>
                <ul>{tabs}</ul>
            </nav>
            {(!param("member").is_empty()).then(|| view! {
                <p class="hint">
                    {tr!(i18n, queue_one_member)} " "
                    <a href=href_with("member", "")>{tr!(i18n, queue_everyone)}</a>
                </p>
            })}
            <p class="form-error" role="alert">{take_error}</p>
            <QueueKeys help/>
            {if has_rows {
                view! {
                    <BulkBar staff selected bulk/>
                    <table class="queue">
                        <caption>{move || status_name(i18n, shown)}</caption>
                        <thead>
                            <tr>
                                <th scope="col">
                                    <input type="checkbox" prop:checked=all_ticked.clone()
                                        on:change=tick_all
                                        aria-label=tr!(i18n, tick_all)/>
                                </th>
                                <th scope="col">{tr!(i18n, col_number)}</th>
                                <th scope="col">{tr!(i18n, col_title)}</th>
                                <th scope="col">{tr!(i18n, col_priority)}</th>
                                <th scope="col">{tr!(i18n, col_due)}</th>
                                <th scope="col">{tr!(i18n, col_assignee)}</th>
                                <th scope="col">{tr!(i18n, col_member)}</th>
                                <th scope="col">{tr!(i18n, col_tier)}</th>
                                <th scope="col">{tr!(i18n, col_language)}</th>
                                <th scope="col">{tr!(i18n, col_waiting)}</th>
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
