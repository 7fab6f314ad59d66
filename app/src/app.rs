use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, Lazy, SsrMode};

use crate::components::hydration_script::{HydrationScript, PageStylesheet};
use crate::components::language::LanguageSwitcher;
use crate::components::page_title::TitleFormat;
use crate::i18n::*;
use crate::lazy_pages::*;
use crate::locale::use_i18n;
use crate::pages::dashboard::DashboardPage;
use crate::pages::login::LoginPage;
use crate::pages::not_found::{NotFoundPage, OfflinePage};

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
                <PageStylesheet options=options.clone()/>
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
        <a class="skip-link" href="#main">{tr!(i18n, skip_to_content)}</a>
        <LanguageSwitcher/>
        <Router>
            <Routes fallback=NotFoundPage>
                // Async: the guard's answer (redirect, 403 page) must be known before the status line is sent.
                <Route path=path!("/") view=DashboardPage ssr=SsrMode::Async/>
                <Route path=path!("/login") view=LoginPage/>
                <Route path=path!("/login/code") view={Lazy::<LoginCodeRoute>::new()}/>
                <Route path=path!("/account/two-step") view={Lazy::<TwoStepRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/offline") view=OfflinePage/>
                <Route path=path!("/agent") view={Lazy::<AgentRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/admin") view={Lazy::<AdminRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/admin/macros") view={Lazy::<AdminMacrosRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/admin/audit") view={Lazy::<AdminAuditRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/admin/people") view={Lazy::<AdminPeopleRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/admin/reports") view={Lazy::<AdminReportsRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/agent/chats") view={Lazy::<ChatConsoleRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/chat") view={Lazy::<ChatStartRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/chat/:id") view={Lazy::<ChatRoomRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/chats") view={Lazy::<ChatsRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/tickets/new") view={Lazy::<SubmitRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/tickets/:id") view={Lazy::<TicketRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/notifications") view={Lazy::<NotificationsRoute>::new()} ssr=SsrMode::Async/>
                <Route path=path!("/unsubscribe") view={Lazy::<UnsubscribeRoute>::new()}/>
            </Routes>
        </Router>
    }
}
