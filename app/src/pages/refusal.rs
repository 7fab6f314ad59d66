use leptos::prelude::*;

use crate::components::header::LogoutButton;
use crate::components::labels::tier_name;
use crate::domain::Tier;
use crate::i18n::*;

/// What a member below the gate sees instead of Technical Issues: why, and where to go instead.
#[component]
pub fn TierRefusal(required: Tier, yours: Tier) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <main id="main" class="page refusal">
            <h1>{move || t_string!(i18n, refusal_heading, tier = tier_name(i18n, required)).to_string()}</h1>
            <p>{move || t_string!(i18n, refusal_rank, tier = tier_name(i18n, yours)).to_string()}</p>
            <p>{t!(i18n, refusal_help)}</p>
            <LogoutButton/>
        </main>
    }
}
