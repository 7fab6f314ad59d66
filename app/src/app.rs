use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::components::hydration_script::HydrationScript;
use crate::components::language::LanguageSwitcher;
use crate::components::page_title::TitleFormat;
use crate::i18n::*;
use crate::pages::admin::AdminPage;
use crate::pages::admin_audit::AdminAuditPage;
use crate::pages::admin_macros::AdminMacrosPage;
use crate::pages::admin_people::AdminPeoplePage;
use crate::pages::admin_reports::AdminReportsPage;
use crate::pages::agent::AgentPage;
use crate::pages::chat_console::ChatConsolePage;
use crate::pages::chat_room::ChatRoomPage;
use crate::pages::chat_start::ChatStartPage;
use crate::pages::chats::ChatsPage;
use crate::pages::dashboard::DashboardPage;
use crate::pages::login::LoginPage;
use crate::pages::not_found::{NotFoundPage, OfflinePage};
use crate::pages::notifications::{NotificationsPage, UnsubscribePage};
use crate::pages::submit::SubmitPage;
use crate::pages::ticket::TicketPage;
use crate::pages::two_step::{LoginCodePage, TwoStepPage};

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::ssr::csp::provide_request_nonce();
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#1d4f7c"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <link rel="manifest" href="/manifest.webmanifest"/>
                <link rel="apple-touch-icon" href="/apple-touch-icon.png"/>
                <HashedStylesheet options=options.clone() id="leptos"/>
                <AutoReload options=options.clone()/>
                // Hydrate once the first paint is done (idle, or 2 s at most): fetching and
                // compiling the WASM before it competed with the page's largest paint on phones.
                <HydrationScript options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
                // Without JavaScript, multi-step forms show all their steps at once. (After the
                // app, outside what hydration walks; in <head> it delayed the largest paint.)
                <noscript>
                    <style>"[data-step][hidden] { display: block !important; } [data-js-only] { display: none !important; }"</style>
                </noscript>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <I18nContextProvider>
            <Chrome/>
        </I18nContextProvider>
    }
}

#[component]
fn Chrome() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <TitleFormat/>
        <a class="skip-link" href="#main">{t!(i18n, skip_to_content)}</a>
        <LanguageSwitcher/>
        <Router>
            <Routes fallback=NotFoundPage>
                // Async: the guard's answer (redirect, 403 page) must be known before the status line is sent.
                <Route path=path!("/") view=DashboardPage ssr=SsrMode::Async/>
                <Route path=path!("/login") view=LoginPage/>
                <Route path=path!("/login/code") view=LoginCodePage/>
                <Route path=path!("/account/two-step") view=TwoStepPage ssr=SsrMode::Async/>
                <Route path=path!("/offline") view=OfflinePage/>
                <Route path=path!("/agent") view=AgentPage ssr=SsrMode::Async/>
                <Route path=path!("/admin") view=AdminPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/macros") view=AdminMacrosPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/audit") view=AdminAuditPage ssr=SsrMode::Async/>
                <Route path=path!("/admin/people") view=AdminPeoplePage ssr=SsrMode::Async/>
                <Route path=path!("/admin/reports") view=AdminReportsPage ssr=SsrMode::Async/>
                <Route path=path!("/agent/chats") view=ChatConsolePage ssr=SsrMode::Async/>
                <Route path=path!("/chat") view=ChatStartPage ssr=SsrMode::Async/>
                <Route path=path!("/chat/:id") view=ChatRoomPage ssr=SsrMode::Async/>
                <Route path=path!("/chats") view=ChatsPage ssr=SsrMode::Async/>
                <Route path=path!("/tickets/new") view=SubmitPage ssr=SsrMode::Async/>
                <Route path=path!("/tickets/:id") view=TicketPage ssr=SsrMode::Async/>
                <Route path=path!("/notifications") view=NotificationsPage ssr=SsrMode::Async/>
                <Route path=path!("/unsubscribe") view=UnsubscribePage/>
            </Routes>
        </Router>
    }
}
