//! Satisfaction: the member of a closed ticket or an ended chat rates it; staff read it.
use super::db::now_ms;
use super::state::AppState;
use crate::domain::{ChatStatus, CurrentUser, Invalid, Rated, RatingState, TicketStatus};
use crate::error::AppError;

/// Whose it is and whether it is over; another member's is "not found", as everywhere. Any
/// staff member may read a chat's rating (not only its agent, who alone may use the chat).
async fn owner_and_done(
    st: &AppState,
    user: &CurrentUser,
    what: Rated,
) -> Result<(i64, bool), AppError> {
    match what {
        Rated::Ticket(id) => {
            let head = super::tickets::head_for(st, user, id).await?;
            Ok((head.member_id, head.status == TicketStatus::Closed))
        }
        Rated::Chat(id) => match st.db.chats().head(id).await? {
            Some(h) if user.role.is_staff() || h.member_id == user.id => {
                Ok((h.member_id, h.status == ChatStatus::Ended))
            }
            _ => Err(AppError::NotFound),
        },
    }
}

pub async fn state(
    st: &AppState,
    user: &CurrentUser,
    what: Rated,
) -> Result<RatingState, AppError> {
    let (member_id, done) = owner_and_done(st, user, what).await?;
    let rating = st.db.ratings().of(what).await?;
    let open = rating
        .as_ref()
        .is_none_or(|r| now_ms() < r.changeable_until);
    Ok(RatingState {
        may_rate: member_id == user.id && done && open,
        rating,
        viewer_is_staff: user.role.is_staff(),
    })
}

/// Members only (the caller guards with `Access::Member`).
pub async fn rate(
    st: &AppState,
    user: &CurrentUser,
    what: Rated,
    good: bool,
    comment: &str,
) -> Result<(), AppError> {
    let (member_id, done) = owner_and_done(st, user, what).await?;
    if member_id != user.id {
        return Err(AppError::NotFound);
    }
    if !done {
        return Err(AppError::validation("rating", Invalid::NotRateableYet));
    }
    if !st
        .db
        .ratings()
        .put(what, user.id, good, comment, now_ms())
        .await?
    {
        return Err(AppError::validation("rating", Invalid::RatingFixed));
    }
    tracing::info!(kind = what.kind(), id = what.id(), good, "rated");
    Ok(())
}
