//! The pages a first visit does not need, as lazy routes. With `cargo leptos build --split`
//! each page's code (its views, its server-function calls and whatever only it uses) goes into
//! its own WASM chunk, fetched when the page is first shown; the login page and the dashboard
//! stay in the main module, which is all a member's phone loads before the first page is
//! interactive. Without `--split` (debug builds, `cargo test`) these are ordinary routes.
//!
//! Each page loads its own data inside its component, so `data()` has nothing to start: on a
//! first load the server has already rendered the page and sent the data with it, and on a
//! navigation the chunk is small next to the data's round trip.
use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

macro_rules! lazy_page {
    ($(#[$doc:meta])* $route:ident => $page:path) => {
        $(#[$doc])*
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                view! { <$page/> }.into_any()
            }
        }
    };
}

lazy_page!(
    /// `/login/code`: the second step of a staff sign-in.
    LoginCodeRoute => crate::pages::two_step::LoginCodePage
);
lazy_page!(
    /// `/account/two-step`: set up or turn off the authenticator app.
    TwoStepRoute => crate::pages::two_step::TwoStepPage
);
lazy_page!(AgentRoute => crate::pages::agent::AgentPage);
lazy_page!(AdminRoute => crate::pages::admin::AdminPage);
lazy_page!(AdminMacrosRoute => crate::pages::admin_macros::AdminMacrosPage);
lazy_page!(AdminAuditRoute => crate::pages::admin_audit::AdminAuditPage);
lazy_page!(AdminPeopleRoute => crate::pages::admin_people::AdminPeoplePage);
lazy_page!(AdminReportsRoute => crate::pages::admin_reports::AdminReportsPage);
lazy_page!(ChatConsoleRoute => crate::pages::chat_console::ChatConsolePage);
lazy_page!(ChatStartRoute => crate::pages::chat_start::ChatStartPage);
lazy_page!(ChatRoomRoute => crate::pages::chat_room::ChatRoomPage);
lazy_page!(ChatsRoute => crate::pages::chats::ChatsPage);
lazy_page!(SubmitRoute => crate::pages::submit::SubmitPage);
lazy_page!(TicketRoute => crate::pages::ticket::TicketPage);
lazy_page!(NotificationsRoute => crate::pages::notifications::NotificationsPage);
lazy_page!(UnsubscribeRoute => crate::pages::notifications::UnsubscribePage);
