//! "My Technical Issues": the seed's member dashboard.
use crate::components::page_title::PageTitle;
use crate::pages::address::use_query;
use leptos::prelude::*;

use crate::api::my_tickets;
use crate::components::header::SiteHeader;
use crate::components::live::use_live_version;
use crate::components::ticket_list::{list_changed, ticket_list};
use crate::domain::{CurrentUser, LiveEvent, TicketLists, TicketSummary};
use crate::i18n::*;
use crate::locale::use_i18n;
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
        <PageTitle text=move || td_string!(i18n.get_locale(), dashboard_heading).to_string()/>
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
    let counts = [Tab::Open, Tab::Awaiting, Tab::Closed].map(|t| list_of(&tickets, t).len());
    let empty = empty_text(i18n.get_locale(), tab);
    // Moved, not copied: the server's list is written once, inside the island.
    let first = match tab {
        Tab::Open => tickets.open,
        Tab::Awaiting => tickets.awaiting,
        Tab::Closed => tickets.closed,
    };
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
            <TicketTabs counts tab search>
                {ticket_list(first, Signal::stored(empty))}
            </TicketTabs>
        </main>
    }
}

/// The search, the three tabs and the open tab's list: the part of the dashboard that changes
/// in the browser. With the `islands` feature it is the page's main island (BENCHMARKS.md,
/// issue 16: islands).
///
/// The list the page opens with comes as `children`, written by the server: the browser takes it
/// over without building it again, and the island's props carry only the three counts, not the
/// lists: those made the page carry its data twice (BENCHMARKS.md, session 42). The three lists
/// are fetched once they are needed: when the member picks another tab, and whenever one of
/// their tickets changes (an agent answering, an answer sent from the list).
#[cfg_attr(feature = "islands", island)]
#[cfg_attr(not(feature = "islands"), component)]
fn TicketTabs(counts: [usize; 3], tab: Tab, search: String, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let live = use_live_version(|e| matches!(e, LiveEvent::Ticket { .. } | LiveEvent::Chat { .. }));
    let answered = list_changed();
    let first_tab = tab;
    let (wanted, choose) = tab_state(tab);
    // All three lists once fetched; until then the page shows the server's list.
    let lists = RwSignal::new(None::<TicketLists>);
    // The tab on screen: the one asked for once the lists are here. Until then a switch waits
    // for them, so the heading never stands over another tab's list.
    let tab = move || {
        if lists.with(Option::is_some) {
            wanted.get()
        } else {
            first_tab
        }
    };
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
    let fetch = {
        let search = StoredValue::new(search.clone());
        let link = link.clone();
        move || {
            let q = search.get_value();
            let link = link.clone();
            leptos::task::spawn_local(async move {
                match my_tickets(q).await {
                    Ok((_, fresh)) => {
                        // The server's list leaves the page for good (the lists are never
                        // unfetched again): a hidden copy would still carry its answer forms and
                        // their ids. Found by id rather than a node reference: the page's module
                        // is smaller.
                        #[cfg(feature = "hydrate")]
                        if let Some(first) = document().get_element_by_id(FIRST_LIST) {
                            first.remove();
                        }
                        lists.set(Some(fresh));
                    }
                    // A switch whose lists could not come (offline, signed out, a server error)
                    // loads the tab's page, as the link does without JavaScript: the member then
                    // sees the tab, the sign-in or what went wrong, not a panel busy for ever.
                    // The tab asked for last: the member may have picked another meanwhile.
                    Err(_)
                        if lists.with_untracked(Option::is_none)
                            && wanted.get_untracked() != first_tab =>
                    {
                        crate::pages::address::go_to(&link(wanted.get_untracked()))
                    }
                    // A refresh after a change keeps the lists on screen.
                    Err(_) => {}
                }
            });
        }
    };
    // Fetched again when a ticket changed; fetched the first time another tab is asked for.
    Effect::new(move |seen: Option<(u64, u64)>| {
        let now = (live.get(), answered.get());
        wanted.track();
        if seen.is_some_and(|seen| seen != now || lists.with_untracked(Option::is_none)) {
            fetch();
        }
        now
    });
    let tab_label = move |t: Tab| match t {
        Tab::Open => td_string!(i18n.get_locale(), tab_open).to_string(),
        Tab::Awaiting => td_string!(i18n.get_locale(), tab_awaiting).to_string(),
        Tab::Closed => td_string!(i18n.get_locale(), tab_closed).to_string(),
    };
    let tab_links = [Tab::Open, Tab::Awaiting, Tab::Closed]
        .into_iter()
        .zip(counts)
        .map(|(t, first_count)| {
            let count = move || {
                let n = lists.with(|l| l.as_ref().map_or(first_count, |l| list_of(l, t).len()));
                format!("({n})")
            };
            let href = link(t);
            view! {
                <li>
                    // Plain links: they work without JavaScript; once hydrated they switch the
                    // tab in place.
                    <a href=href.clone()
                        class="tab"
                        aria-current=move || (tab() == t).then_some("page")
                        on:click=move |ev| choose(ev, t, &href)>
                        <span>{move || tab_label(t)}</span>
                        " "
                        <span class="count">{count}</span>
                    </a>
                </li>
            }
        })
        .collect_view();
    let empty = Signal::derive(move || empty_text(i18n.get_locale(), tab()));
    let fetched_list = move || {
        let shown = tab();
        lists.with(|l| {
            l.as_ref()
                .map(|l| ticket_list(list_of(l, shown).to_vec(), empty))
        })
    };
    // A switch waits for the lists the first time: the panel says so meanwhile (the list under
    // it is still the previous tab's).
    let busy = move || (wanted.get() != tab()).then_some("true");
    view! {
        <form method="get" action="/" class="filters member-search" role="search">
            <input type="hidden" name="tab" value=move || tab().key()/>
            <div class="filter">
                <label for="my-search">{tr!(i18n, my_search_label)}</label>
                <input id="my-search" name="q" type="search" value=search.clone()/>
            </div>
            <button type="submit" class="button secondary">{tr!(i18n, my_search_submit)}</button>
            {(!search.trim().is_empty()).then(|| view! {
                <a href=move || format!("/?tab={}", tab().key())>{tr!(i18n, my_search_clear)}</a>
            })}
        </form>
        <nav class="tabs" aria-label=tr!(i18n, ticket_lists)>
            <ul>{tab_links}</ul>
        </nav>
        <section class="tab-panel" aria-labelledby="tab-heading" aria-busy=busy>
            <h2 id="tab-heading">{move || tab_label(tab())}</h2>
            <div id=FIRST_LIST>{children()}</div>
            {fetched_list}
        </section>
    }
}

/// The element holding the list the server wrote, until the lists are fetched.
const FIRST_LIST: &str = "first-list";

/// What an empty tab says.
fn empty_text(locale: Locale, tab: Tab) -> String {
    match tab {
        Tab::Open => td_string!(locale, empty_open).to_string(),
        Tab::Awaiting => td_string!(locale, empty_awaiting).to_string(),
        Tab::Closed => td_string!(locale, empty_closed).to_string(),
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
