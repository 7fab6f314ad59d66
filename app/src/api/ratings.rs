//! Satisfaction ratings of a closed ticket or an ended chat.
use leptos::prelude::*;

use crate::domain::RatingState;
use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::ssr::{
    auth::{with_user, Access},
    ratings,
};

#[server(prefix = "/api", endpoint = "get_rating")]
pub async fn get_rating(kind: String, id: i64) -> Result<RatingState, AppError> {
    let what =
        crate::domain::Rated::parse(&kind, id).map_err(|e| AppError::validation("kind", e))?;
    with_user(Access::DeskUser, async |st, user| {
        ratings::state(st, user, what).await
    })
    .await
}

/// The rating form: `rating` is "good" or "bad", `comment` optional.
#[server(prefix = "/api", endpoint = "rate")]
pub async fn rate(
    kind: String,
    id: i64,
    rating: String,
    #[server(default)] comment: String,
) -> Result<(), AppError> {
    use crate::domain::{parse_rating_comment, parse_verdict, Rated};
    let what = Rated::parse(&kind, id).map_err(|e| AppError::validation("kind", e))?;
    let good = parse_verdict(&rating).map_err(|e| AppError::validation("rating", e))?;
    let comment = parse_rating_comment(&comment).map_err(|e| AppError::validation("comment", e))?;
    with_user(Access::Member, async |st, user| {
        ratings::rate(st, user, what, good, &comment).await
    })
    .await
}
