use leptos::prelude::*;

use crate::components::header::LogoutButton;
use crate::components::labels::tier_name;

use crate::components::error_text::action_error_text;
use crate::domain::Tier;
use crate::error::AppError;
use crate::i18n::*;
use crate::locale::use_i18n;

/// What a member below the gate sees instead of Technical Issues: why, and where to go instead.
#[component]
pub fn TierRefusal(required: Tier, yours: Tier) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <main id="main" class="page refusal">
            <h1>{move || td_string!(i18n.get_locale(), refusal_heading, tier = tier_name(i18n, required)).to_string()}</h1>
            <p>{move || td_string!(i18n.get_locale(), refusal_rank, tier = tier_name(i18n, yours)).to_string()}</p>
            <p>{tr!(i18n, refusal_help)}</p>
            <LogoutButton/>
        </main>
    }
}

/// What a guarded page shows when its data call fails: the way to sign in, the polite tier
/// refusal, or what went wrong.
#[component]
pub fn PageError(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    // The page's status line (403, 503...) was set by the server function's guard
    // (`ssr::auth::with_user`), which ran inside this page's request.
    match error {
        AppError::Unauthorized => {
            // Back to this page after signing in (a link from an email lands here first).
            let here = crate::pages::address::here();
            let path = match here.as_str() {
                "/" => "/login".to_string(),
                _ => format!("/login?next={}", crate::domain::query_value(&here)),
            };
            sign_in_redirect(path)
        }
        AppError::TierTooLow { required, yours } => {
            view! { <TierRefusal required yours/> }.into_any()
        }
        e => view! { <p class="form-error" role="alert">{action_error_text(i18n, &e)}</p> }
            .into_any(),
    }
}

/// To the sign-in page: on the server a redirect response, in the browser a navigation. With
/// islands there is no router in the browser (`Redirect` needs one), so it is a page load.
fn sign_in_redirect(path: String) -> AnyView {
    #[cfg(all(feature = "islands", not(feature = "ssr")))]
    {
        crate::pages::address::go_to(&path);
        ().into_any()
    }
    #[cfg(not(all(feature = "islands", not(feature = "ssr"))))]
    view! { <leptos_router::components::Redirect path/> }.into_any()
}
