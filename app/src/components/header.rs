use leptos::prelude::*;

use crate::api::Logout;
use crate::components::labels::tier_name;
use crate::domain::CurrentUser;
use crate::i18n::*;

/// Top bar: product name, who is signed in with their rank, and log out.
#[component]
pub fn SiteHeader(user: CurrentUser) -> impl IntoView {
    let i18n = use_i18n();
    let tier = user.tier;
    let name = user.display_name.clone();
    let staff = user.role.is_staff();
    view! {
        <header class="site-header">
            <a class="brand" href=if staff { "/agent" } else { "/" }>{t!(i18n, app_name)}</a>
            {staff.then(|| view! {
                <nav aria-label=move || t_string!(i18n, staff_nav).to_string()>
                    <a href="/agent">{t!(i18n, agent_heading)}</a>
                    " "
                    <a href="/agent/chats">{t!(i18n, chat_console_heading)}</a>
                </nav>
            })}
            <div class="account" role="group" aria-label=move || t_string!(i18n, account_menu).to_string()>
                <span class="who">
                    <span class="name">{move || t_string!(i18n, signed_in_as, name = name.clone()).to_string()}</span>
                    <span class="tier">{move || t_string!(i18n, tier_label, tier = tier_name(i18n, tier)).to_string()}</span>
                </span>
                <a href="/notifications">{t!(i18n, notifications_link)}</a>
                <LogoutButton/>
            </div>
        </header>
    }
}

#[component]
pub fn LogoutButton() -> impl IntoView {
    let i18n = use_i18n();
    let logout = ServerAction::<Logout>::new();
    view! {
        <ActionForm action=logout attr:class="logout">
            <button type="submit" class="button secondary"
                on:click=|_| crate::pages::submit::clear_all_drafts()>{t!(i18n, log_out)}</button>
        </ActionForm>
    }
}
