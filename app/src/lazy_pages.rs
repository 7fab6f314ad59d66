//! The pages a first visit does not need, in two groups loaded when needed. With
//! `cargo leptos build --split` their code leaves the main module, which then holds only the
//! login page and the dashboard: all a member's phone loads before the first page is
//! interactive. Without `--split` (debug builds, `cargo test`) nothing is split.
//!
//! With islands (the shipped build) each group is one lazy island ([`MemberPages`],
//! [`StaffPages`]) holding the whole page; without, each group is a lazy route's split point.
//!
//! The pages are loaded in two groups, each one split point: the member's pages (a ticket, the
//! submit form, chats, notifications) and the staff's (queues, admin, sign-in steps). With one
//! split point per page, wasm-split gave every set of pages that share some code a chunk of its
//! own: 221 chunks, and the submit form fetched 60 of them. On a phone each is a request and a
//! compile, and Lighthouse's slow 4G profile took the submit form from 99 down to 77–95. A group
//! is a few files, and once one member page has loaded the others open without fetching code.
//!
//! Each page loads its own data inside its component, so `data()` has nothing to start: on a
//! first load the server has already rendered the page and sent the data with it.
use std::future::Future;

use leptos::prelude::*;
use leptos_router::LazyRoute;

use crate::pages;

/// A page of the member group.
#[derive(Clone, Copy, serde::Serialize, serde::Deserialize)]
pub enum MemberPage {
    Submit,
    Ticket,
    Chats,
    ChatStart,
    ChatRoom,
    Notifications,
    Unsubscribe,
}

/// A page of the staff group (and the staff's sign-in steps).
#[derive(Clone, Copy, serde::Serialize, serde::Deserialize)]
pub enum StaffPage {
    LoginCode,
    TwoStep,
    Agent,
    Admin,
    AdminMacros,
    AdminAudit,
    AdminPeople,
    AdminReports,
    ChatConsole,
}

/// The member group's split point: everything only these pages use goes into its chunk. (With
/// islands the split point is the group's island, [`MemberPages`].)
#[cfg_attr(not(feature = "islands"), leptos::lazy)]
fn member_page(page: MemberPage) -> AnyView {
    use pages::*;
    match page {
        MemberPage::Submit => view! { <submit::SubmitPage/> }.into_any(),
        MemberPage::Ticket => view! { <ticket::TicketPage/> }.into_any(),
        MemberPage::Chats => view! { <chats::ChatsPage/> }.into_any(),
        MemberPage::ChatStart => view! { <chat_start::ChatStartPage/> }.into_any(),
        MemberPage::ChatRoom => view! { <chat_room::ChatRoomPage/> }.into_any(),
        MemberPage::Notifications => view! { <notifications::NotificationsPage/> }.into_any(),
        MemberPage::Unsubscribe => view! { <notifications::UnsubscribePage/> }.into_any(),
    }
}

/// The staff group's split point.
#[cfg_attr(not(feature = "islands"), leptos::lazy)]
fn staff_page(page: StaffPage) -> AnyView {
    use pages::*;
    match page {
        StaffPage::LoginCode => view! { <two_step::LoginCodePage/> }.into_any(),
        StaffPage::TwoStep => view! { <two_step::TwoStepPage/> }.into_any(),
        StaffPage::Agent => view! { <agent::AgentPage/> }.into_any(),
        StaffPage::Admin => view! { <admin::AdminPage/> }.into_any(),
        StaffPage::AdminMacros => view! { <admin_macros::AdminMacrosPage/> }.into_any(),
        StaffPage::AdminAudit => view! { <admin_audit::AdminAuditPage/> }.into_any(),
        StaffPage::AdminPeople => view! { <admin_people::AdminPeoplePage/> }.into_any(),
        StaffPage::AdminReports => view! { <admin_reports::AdminReportsPage/> }.into_any(),
        StaffPage::ChatConsole => view! { <chat_console::ChatConsolePage/> }.into_any(),
    }
}

/// With islands, each group's pages are one lazy island: the browser fetches the group's code
/// when a page of it is shown, and hydrates the whole page (its header, forms and lists) from
/// it. The first page (login, dashboard) keeps only its own small islands.
#[cfg(feature = "islands")]
#[island(lazy)]
fn MemberPages(page: MemberPage) -> impl IntoView {
    member_page(page)
}

/// The staff group's island (see [`MemberPages`]).
#[cfg(feature = "islands")]
#[island(lazy)]
fn StaffPages(page: StaffPage) -> impl IntoView {
    staff_page(page)
}

/// From here to the end of the page, everything the server creates takes part in hydration:
/// the page's island is the last thing on it. Leptos only counts an island's own body as
/// hydrating, so the resources, `Suspense` and `Transition` a page creates once its data has come
/// (inside a `Suspend`) were neither numbered nor sent with the page, and the browser, which
/// does count them (`hydrate` in lib.rs), found a page it could not take over.
#[cfg(feature = "islands")]
fn hydrate_from_here() {
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(true);
    }
}

/// One route type per page, shown through its group's split point. (`#[lazy_route]` would make
/// each route a split point of its own, which is what the groups avoid.)
macro_rules! lazy_page {
    ($(#[$doc:meta])* $route:ident => $group:ident($page:expr), $island:ident, $preload:ident) => {
        $(#[$doc])*
        pub struct $route;

        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            // With islands the page is its group's island (see `MemberPages`).
            #[allow(clippy::needless_return)]
            fn view(_this: Self) -> impl Future<Output = AnyView> {
                #[cfg(feature = "islands")]
                return std::future::ready({
                    hydrate_from_here();
                    view! { <$island page=$page/> }.into_any()
                });
                #[cfg(not(feature = "islands"))]
                $group($page)
            }

            fn preload() -> impl Future<Output = ()> {
                async {
                    // The chunk loader exists only in the browser's split build.
                    #[cfg(all(target_arch = "wasm32", not(feature = "islands")))]
                    $preload().await;
                }
            }
        }
    };
}

macro_rules! member_route {
    ($(#[$doc:meta])* $route:ident => $page:ident) => {
        lazy_page!($(#[$doc])* $route => member_page(MemberPage::$page), MemberPages, __preload_member_page);
    };
}

macro_rules! staff_route {
    ($(#[$doc:meta])* $route:ident => $page:ident) => {
        lazy_page!($(#[$doc])* $route => staff_page(StaffPage::$page), StaffPages, __preload_staff_page);
    };
}

member_route!(SubmitRoute => Submit);
member_route!(TicketRoute => Ticket);
member_route!(ChatsRoute => Chats);
member_route!(ChatStartRoute => ChatStart);
member_route!(ChatRoomRoute => ChatRoom);
member_route!(NotificationsRoute => Notifications);
member_route!(UnsubscribeRoute => Unsubscribe);
staff_route!(
    /// `/login/code`: the second step of a staff sign-in.
    LoginCodeRoute => LoginCode
);
staff_route!(
    /// `/account/two-step`: set up or turn off the authenticator app.
    TwoStepRoute => TwoStep
);
staff_route!(AgentRoute => Agent);
staff_route!(AdminRoute => Admin);
staff_route!(AdminMacrosRoute => AdminMacros);
staff_route!(AdminAuditRoute => AdminAudit);
staff_route!(AdminPeopleRoute => AdminPeople);
staff_route!(AdminReportsRoute => AdminReports);
staff_route!(ChatConsoleRoute => ChatConsole);
