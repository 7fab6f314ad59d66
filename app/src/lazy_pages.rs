//! The pages a first visit does not need, as lazy routes. With `cargo leptos build --split`
//! their code leaves the main module, which then holds only the login page and the dashboard:
//! all a member's phone loads before the first page is interactive. Without `--split` (debug
//! builds, `cargo test`) these are ordinary routes.
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
#[derive(Clone, Copy)]
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
#[derive(Clone, Copy)]
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

/// The member group's split point: everything only these pages use goes into its chunk. With
/// islands the browser never renders a page (only its islands), so there is nothing to split.
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

/// One route type per page, shown through its group's split point. (`#[lazy_route]` would make
/// each route a split point of its own, which is what the groups avoid.)
macro_rules! lazy_page {
    ($(#[$doc:meta])* $route:ident => $group:ident($page:expr), $preload:ident) => {
        $(#[$doc])*
        pub struct $route;

        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            // With islands the group is a plain function (see `member_page`).
            #[allow(clippy::needless_return)]
            fn view(_this: Self) -> impl Future<Output = AnyView> {
                #[cfg(feature = "islands")]
                return std::future::ready($group($page));
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
        lazy_page!($(#[$doc])* $route => member_page(MemberPage::$page), __preload_member_page);
    };
}

macro_rules! staff_route {
    ($(#[$doc:meta])* $route:ident => $page:ident) => {
        lazy_page!($(#[$doc])* $route => staff_page(StaffPage::$page), __preload_staff_page);
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
