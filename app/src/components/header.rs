use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::api::Logout;
use crate::components::labels::tier_name;
use crate::domain::CurrentUser;
use crate::i18n::*;
use crate::locale::use_i18n;

/// Top bar: product name, who is signed in with their rank, and log out.
#[component]
pub fn SiteHeader(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let tier = user.tier;
    let name = user.display_name.clone();
    let staff = user.role.is_staff();
    let admin = user.role == crate::domain::Role::Admin;
    view! {
        <header class="site-header">
            <a class="brand" href=if staff { "/agent" } else { "/" }>{tr!(i18n, app_name)}</a>
            {staff.then(|| view! {
                <nav aria-label=tr!(i18n, staff_nav)>
                    <a href="/agent">{tr!(i18n, agent_heading)}</a>
                    " "
                    <a href="/agent/chats">{tr!(i18n, chat_console_heading)}</a>
                    {admin.then(|| view! { " " <a href="/admin">{tr!(i18n, admin_link)}</a> })}
                </nav>
            })}
            <div class="account" role="group" aria-label=tr!(i18n, account_menu)>
                <span class="who">
                    <span class="name">{move || td_string!(i18n.get_locale(), signed_in_as, name = name.clone()).to_string()}</span>
                    <span class="tier">{move || td_string!(i18n.get_locale(), tier_label, tier = tier_name(i18n, tier)).to_string()}</span>
                </span>
                <a href="/notifications">{tr!(i18n, notifications_link)}</a>
                {staff.then(|| view! { <a href="/account/two-step">{tr!(i18n, two_step_link)}</a> })}
                <LogoutButton/>
            </div>
        </header>
    }
}

/// Signs out: a plain form post, the same with or without JavaScript. The server's answer makes
/// the browser drop this person's drafts, offline copies and push subscription, and forgets this
/// device's push (`ssr::auth::log_out`), so a shared phone keeps nothing of them. It used to be
/// an island that did that clean-up in the page: 5.8 KB (brotli) of the first page's WASM.
#[component]
pub fn LogoutButton() -> impl IntoView {
    let i18n = use_i18n();
    let action = <Logout as ServerFn>::PATH;
    view! {
        <form method="post" action=action class="logout">
            <button type="submit" class="button secondary">{tr!(i18n, log_out)}</button>
        </form>
    }
}
