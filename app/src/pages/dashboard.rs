//! "My Technical Issues": the seed's member dashboard.
use crate::components::page_title::PageTitle;
use crate::pages::address::use_query;
use leptos::prelude::*;

use crate::api::my_tickets;
use crate::components::header::SiteHeader;
use crate::components::live::use_live_version;
use crate::components::ticket_list::{ListChanged, TicketList};
use crate::domain::{CurrentUser, LiveEvent, TicketLists, TicketSummary};
use crate::i18n::*;
use crate::pages::refusal::PageError;

#[derive(Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

fn list_of(lists: &TicketLists, tab: Tab) -> &[TicketSummary] {
    match tab {
        Tab::Open => &lists.open,
        Tab::Awaiting => &lists.awaiting,
        Tab::Closed => &lists.closed,
    }
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query();
    let search = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    let data = Resource::new(move || search.get(), my_tickets);
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
    let query = use_query();
    let (tab, search) = query.with_untracked(|q| (q.get("tab"), q.get("q").unwrap_or_default()));
    let tab = Tab::from_query(tab.as_deref());
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
            <TicketTabs tickets tab search/>
        </main>
    }
}

/// The search, the three tabs and the open tab's list: the part of the dashboard that changes
/// in the browser. It refreshes its lists itself when one of the member's tickets changes (an
/// agent answering, an answer sent from the list). With the `islands` feature it is the page's
/// main island (BENCHMARKS.md, issue 16: islands); its props are what the server sends with it.
#[cfg_attr(feature = "islands", island)]
#[cfg_attr(not(feature = "islands"), component)]
fn TicketTabs(tickets: TicketLists, tab: Tab, search: String) -> impl IntoView {
    let i18n = use_i18n();
    let live = use_live_version(|e| matches!(e, LiveEvent::Ticket { .. } | LiveEvent::Chat { .. }));
    let answered = RwSignal::new(0u64);
    provide_context(ListChanged(answered));
    let lists = RwSignal::new(tickets);
    // Not on the first run: the lists came with the page.
    let refetch_search = search.clone();
    Effect::new(move |first: Option<()>| {
        live.track();
        answered.track();
        if first.is_some() {
            let q = refetch_search.clone();
            leptos::task::spawn_local(async move {
                if let Ok((_, fresh)) = my_tickets(q).await {
                    lists.set(fresh);
                }
            });
        }
    });
    let (tab, choose) = tab_state(tab);
    // Tab links keep the search, so switching tabs shows the same search's other tickets.
    let link = {
        let search = search.clone();
        move |t: Tab| {
            if search.trim().is_empty() {
                format!("/?tab={}", t.key())
            } else {
                format!(
                    "/?tab={}&q={}",
                    t.key(),
                    crate::domain::query_value(&search)
                )
            }
        }
    };
    let tab_label = move |t: Tab| match t {
        Tab::Open => t_string!(i18n, tab_open).to_string(),
        Tab::Awaiting => t_string!(i18n, tab_awaiting).to_string(),
        Tab::Closed => t_string!(i18n, tab_closed).to_string(),
    };
    let tab_links = [Tab::Open, Tab::Awaiting, Tab::Closed]
        .into_iter()
        .map(|t| {
            let count = move || lists.with(|l| format!("({})", list_of(l, t).len()));
            let href = link(t);
            view! {
                <li>
                    // Plain links: they work without JavaScript; once hydrated they switch the
                    // tab in place.
                    <a href=href.clone()
                        class="tab"
                        aria-current=move || (tab.get() == t).then_some("page")
                        on:click=move |ev| choose(ev, t, &href)>
                        <span>{move || tab_label(t)}</span>
                        " "
                        <span class="count">{count}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    let empty = Signal::derive(move || match tab.get() {
        Tab::Open => t_string!(i18n, empty_open).to_string(),
        Tab::Awaiting => t_string!(i18n, empty_awaiting).to_string(),
        Tab::Closed => t_string!(i18n, empty_closed).to_string(),
    });
    view! {
        <form method="get" action="/" class="filters member-search" role="search">
            <input type="hidden" name="tab" value=move || tab.get().key()/>
            <div class="filter">
                <label for="my-search">{tr!(i18n, my_search_label)}</label>
                <input id="my-search" name="q" type="search" value=search.clone()/>
            </div>
            <button type="submit" class="button secondary">{tr!(i18n, my_search_submit)}</button>
            {(!search.trim().is_empty()).then(|| view! {
                <a href=move || format!("/?tab={}", tab.get().key())>{tr!(i18n, my_search_clear)}</a>
            })}
        </form>
        <nav class="tabs" aria-label=tr!(i18n, ticket_lists)>
            <ul>{tab_links}</ul>
        </nav>
        <section class="tab-panel" aria-labelledby="tab-heading">
            <h2 id="tab-heading">{move || tab_label(tab.get())}</h2>
            {move || {
                let list = lists.with(|l| list_of(l, tab.get()).to_vec());
                view! { <TicketList tickets=list empty/> }
            }}
        </section>
    }
}

/// The open tab, and what a click on a tab link does with it.
///
/// Hydrated, the router owns the address: the tab is read from it and a tab link is an in-place
/// navigation. With islands there is no router in the browser, so the island keeps the tab
/// itself, writes it into the address (`pushState`) and follows Back and Forward.
#[cfg(not(feature = "islands"))]
fn tab_state(
    _initial: Tab,
) -> (
    Signal<Tab>,
    impl Fn(leptos::ev::MouseEvent, Tab, &str) + Copy,
) {
    let query = use_query();
    let tab = Memo::new(move |_| Tab::from_query(query.read().get("tab").as_deref()));
    (tab.into(), |_, _, _: &str| {})
}

#[cfg(feature = "islands")]
fn tab_state(
    initial: Tab,
) -> (
    Signal<Tab>,
    impl Fn(leptos::ev::MouseEvent, Tab, &str) + Copy,
) {
    let tab = RwSignal::new(initial);
    #[cfg(feature = "hydrate")]
    {
        // Back and Forward change the address under the island: read it again.
        let handle = window_event_listener(leptos::ev::popstate, move |_| {
            let query = crate::pages::address::browser_query();
            tab.set(Tab::from_query(query.get_str("tab")));
        });
        on_cleanup(move || handle.remove());
    }
    let choose = move |ev: leptos::ev::MouseEvent, t: Tab, href: &str| {
        // A click that asks for a new tab or window keeps the browser's behaviour.
        if ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.button() != 0 {
            return;
        }
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        if let Ok(history) = window().history() {
            let _ =
                history.push_state_with_url(&leptos::wasm_bindgen::JsValue::NULL, "", Some(href));
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = href;
        tab.set(t);
    };
    (tab.into(), choose)
}
