//! "My Technical Issues": the seed's member dashboard.
use crate::components::page_title::PageTitle;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::my_tickets;
use crate::components::header::SiteHeader;
use crate::components::live::use_live_version;
use crate::components::ticket_list::{ListChanged, TicketList};
use crate::domain::{CurrentUser, LiveEvent, TicketLists};
use crate::i18n::*;
use crate::pages::refusal::PageError;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Open,
    Awaiting,
    Closed,
}

impl Tab {
    fn from_query(q: Option<&str>) -> Tab {
        match q {
            Some("awaiting") => Tab::Awaiting,
            Some("closed") => Tab::Closed,
            _ => Tab::Open,
        }
    }
    fn key(self) -> &'static str {
        match self {
            Tab::Open => "open",
            Tab::Awaiting => "awaiting",
            Tab::Closed => "closed",
        }
    }
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let i18n = use_i18n();
    // Any change to one of the member's tickets (an agent answering, say) refreshes the lists.
    let live = use_live_version(|e| matches!(e, LiveEvent::Ticket { .. } | LiveEvent::Chat { .. }));
    let answered = RwSignal::new(0u64);
    provide_context(ListChanged(answered));
    let query = use_query_map();
    let search = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let data = Resource::new(
        move || (live.get(), answered.get(), search.get()),
        |(_, _, q)| my_tickets(q),
    );
    view! {
        <PageTitle text=move || t_string!(i18n, dashboard_heading).to_string()/>
        <Transition fallback=move || view! { <p class="loading">{tr!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((user, tickets)) => view! { <Dashboard user tickets/> }.into_any(),
                    Err(error) => view! { <PageError error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Dashboard(user: CurrentUser, tickets: TicketLists) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let tab = Memo::new(move |_| Tab::from_query(query.read().get("tab").as_deref()));
    let searched = query.read_untracked().get("q").unwrap_or_default();
    // Tab links keep the search, so switching tabs shows the same search's other tickets.
    let with_search = move |t: Tab| {
        let q = query.read().get("q").unwrap_or_default();
        if q.trim().is_empty() {
            format!("/?tab={}", t.key())
        } else {
            format!("/?tab={}&q={}", t.key(), crate::domain::query_value(&q))
        }
    };
    let counts = [
        (Tab::Open, tickets.open.len()),
        (Tab::Awaiting, tickets.awaiting.len()),
        (Tab::Closed, tickets.closed.len()),
    ];
    let tab_label = move |t: Tab| match t {
        Tab::Open => t_string!(i18n, tab_open).to_string(),
        Tab::Awaiting => t_string!(i18n, tab_awaiting).to_string(),
        Tab::Closed => t_string!(i18n, tab_closed).to_string(),
    };
    let tab_links = counts
        .into_iter()
        .map(|(t, n)| {
            view! {
                <li>
                    // Plain links: they work without JavaScript, and once hydrated the router
                    // turns them into in-place switches.
                    <a href=move || with_search(t)
                        class="tab"
                        aria-current=move || (tab.get() == t).then_some("page")>
                        <span>{move || tab_label(t)}</span>
                        " "
                        <span class="count">{format!("({n})")}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    let lists = StoredValue::new(tickets);
    let empty = Signal::derive(move || match tab.get() {
        Tab::Open => t_string!(i18n, empty_open).to_string(),
        Tab::Awaiting => t_string!(i18n, empty_awaiting).to_string(),
        Tab::Closed => t_string!(i18n, empty_closed).to_string(),
    });
    view! {
        <SiteHeader user/>
        <main id="main" class="page">
            <nav class="breadcrumb" aria-label="Breadcrumb">{tr!(i18n, breadcrumb)} " ›"</nav>
            <h1>{tr!(i18n, dashboard_heading)}</h1>
            <p class="banner" role="note">{tr!(i18n, banner)}</p>
            <div class="actions">
                <a class="button primary" href="/tickets/new">{tr!(i18n, submit_new)}</a>
                <a class="button secondary" href="/chat" target="_blank" rel="noopener">
                    <span>{tr!(i18n, chat_button)}</span>
                    <small class="hint">{tr!(i18n, chat_english_only)}</small>
                </a>
                <a href="/chats">{tr!(i18n, chats_heading)}</a>
            </div>
            <form method="get" action="/" class="filters member-search" role="search">
                <input type="hidden" name="tab" value=move || tab.get().key()/>
                <div class="filter">
                    <label for="my-search">{tr!(i18n, my_search_label)}</label>
                    <input id="my-search" name="q" type="search" value=searched.clone()/>
                </div>
                <button type="submit" class="button secondary">{tr!(i18n, my_search_submit)}</button>
                {(!searched.trim().is_empty()).then(|| view! {
                    <a href=move || format!("/?tab={}", tab.get().key())>{tr!(i18n, my_search_clear)}</a>
                })}
            </form>
            <nav class="tabs" aria-label=tr!(i18n, ticket_lists)>
                <ul>{tab_links}</ul>
            </nav>
            <section class="tab-panel" aria-labelledby="tab-heading">
                <h2 id="tab-heading">{move || tab_label(tab.get())}</h2>
                {move || {
                    let list = lists.with_value(|l| match tab.get() {
                        Tab::Open => l.open.clone(),
                        Tab::Awaiting => l.awaiting.clone(),
                        Tab::Closed => l.closed.clone(),
                    });
                    view! { <TicketList tickets=list empty/> }
                }}
            </section>
        </main>
    }
}
