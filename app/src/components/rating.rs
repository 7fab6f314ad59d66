//! "How did we do?": the member rates a closed ticket or an ended chat (good or bad, and a
//! comment), and may change it for a few days; staff see what the member said. A link from
//! the closing email (`?rate=good`) arrives with the choice already made.
use crate::pages::address::use_query;
use leptos::prelude::*;

use crate::api::{get_rating, Rate};
use crate::components::error_text::action_error_text;
use crate::components::labels::day;
use crate::components::submit_button::SubmitButton;
use crate::domain::{Rated, RatingState};
use crate::i18n::*;
use crate::locale::use_i18n;

#[component]
pub fn RatingBox(what: Rated) -> impl IntoView {
    let i18n = use_i18n();
    let rate = ServerAction::<Rate>::new();
    let data = Resource::new(
        move || rate.version().get(),
        move |_| get_rating(what.kind().to_string(), what.id()),
    );
    let from_email = use_query().read_untracked().get("rate");
    let saved = move || {
        matches!(rate.value().get(), Some(Ok(())))
            .then(|| td_string!(i18n.get_locale(), rating_saved))
    };
    let error = move || {
        rate.value()
            .get()?
            .err()
            .map(|e| action_error_text(i18n, &e))
    };
    view! {
        <section class="rating" id="rate" aria-labelledby="rating-heading">
            <h2 id="rating-heading">{tr!(i18n, rating_heading)}</h2>
            <Suspense fallback=move || view! { <p class="loading">{tr!(i18n, loading)}</p> }>
                {move || {
                    let from_email = from_email.clone();
                    Suspend::new(async move {
                        match data.await {
                            Ok(state) => view! {
                                <Current state=state.clone()/>
                                {state.may_rate.then(|| view! {
                                    <RatingForm what state rate from_email/>
                                })}
                            }.into_any(),
                            Err(e) => view! { <p class="form-error" role="alert">{action_error_text(i18n, &e)}</p> }.into_any(),
                        }
                    })
                }}
            </Suspense>
            <p class="form-ok" role="status">{saved}</p>
            <p class="form-error" role="alert">{error}</p>
        </section>
    }
}

/// What was said so far, worded for the member or for staff.
#[component]
fn Current(state: RatingState) -> impl IntoView {
    let i18n = use_i18n();
    let staff = state.viewer_is_staff;
    match state.rating {
        None if staff => Some(view! { <p>{tr!(i18n, rating_none)}</p> }.into_any()),
        None => None,
        Some(r) => {
            let good = r.good;
            let said = move || match (staff, good) {
                (true, true) => td_string!(i18n.get_locale(), rating_member_said_good),
                (true, false) => td_string!(i18n.get_locale(), rating_member_said_bad),
                (false, true) => td_string!(i18n.get_locale(), rating_yours_good),
                (false, false) => td_string!(i18n.get_locale(), rating_yours_bad),
            };
            let comment = (!r.comment.is_empty())
                .then(|| view! { <blockquote class="body">{r.comment.clone()}</blockquote> });
            Some(view! { <p class="rating-said">{said}</p> {comment} }.into_any())
        }
    }
}

#[component]
fn RatingForm(
    what: Rated,
    state: RatingState,
    rate: ServerAction<Rate>,
    from_email: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let chosen = from_email.or_else(|| {
        state
            .rating
            .as_ref()
            .map(|r| if r.good { "good" } else { "bad" }.to_string())
    });
    let until = state.rating.as_ref().map(|r| r.changeable_until);
    let comment = state.rating.map(|r| r.comment).unwrap_or_default();
    let choice = move |value: &'static str| {
        let id = format!("rating-{value}");
        let checked = chosen.as_deref() == Some(value);
        view! {
            <label class="check">
                <input type="radio" name="rating" value=value id=id checked=checked required/>
                " " {move || if value == "good" { td_string!(i18n.get_locale(), rating_good) } else { td_string!(i18n.get_locale(), rating_bad) }}
            </label>
        }
    };
    view! {
        <ActionForm action=rate attr:class="stack">
            <input type="hidden" name="kind" value=what.kind()/>
            <input type="hidden" name="id" value=what.id()/>
            <fieldset>
                <legend>{tr!(i18n, rating_heading)}</legend>
                {choice("good")}
                {choice("bad")}
            </fieldset>
            <label for="rating-comment">{tr!(i18n, rating_comment)}</label>
            <textarea id="rating-comment" name="comment" rows="3">{comment}</textarea>
            {until.map(|at| view! { <p class="hint">{move || td_string!(i18n.get_locale(), rating_until, date = day(i18n, at)).to_string()}</p> })}
            <SubmitButton pending=rate.pending()
                label=Signal::derive(move || td_string!(i18n.get_locale(), rating_save).to_string())
                busy_label=Signal::derive(move || td_string!(i18n.get_locale(), rating_save).to_string())/>
        </ActionForm>
    }
}
