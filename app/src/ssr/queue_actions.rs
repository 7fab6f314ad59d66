//! What an agent does from the queue to many tickets at once, and merging a duplicate. Each
//! ticket of a bulk action goes through the same rule as the single action (same checks, same
//! audit entry, same live event), so a bulk action can do nothing a single one could not.
use super::db::{now_ms, Merged};
use super::state::AppState;
use super::tickets::head_for;
use crate::domain::{BulkAction, BulkOutcome, CurrentUser, Invalid, LiveEvent, TicketStatus};
use crate::error::AppError;

/// Applies `action` to each ticket in turn; one refused ticket does not stop the others.
pub async fn bulk(
    st: &AppState,
    user: &CurrentUser,
    ids: &[i64],
    action: BulkAction,
) -> Result<BulkOutcome, AppError> {
    // A staff id that cannot hold tickets is refused once, before touching any ticket.
    if let BulkAction::Assign(Some(agent)) = action {
        super::ownership::check_assignee(st, agent).await?;
    }
    let mut outcome = BulkOutcome {
        done: vec![],
        refused: vec![],
    };
    for &id in ids {
        let result = match action {
            BulkAction::Assign(to) => super::ownership::assign(st, user, id, to).await,
            BulkAction::Priority(p) => super::ownership::set_priority(st, user, id, p).await,
            BulkAction::Close => super::tickets::close(st, user, id).await,
        };
        match result {
            Ok(()) => outcome.done.push(id),
            // The database being down is not one ticket's problem: stop and say so.
            Err(e @ (AppError::Unavailable | AppError::Internal)) => return Err(e),
            Err(e) => outcome.refused.push((id, e)),
        }
    }
    Ok(outcome)
}

/// Merges duplicate `id` into `into`, the ticket the desk keeps: the duplicate points there for
/// good (the member's page says where it went) and is closed if it was not.
pub async fn merge(st: &AppState, user: &CurrentUser, id: i64, into: i64) -> Result<(), AppError> {
    let refuse = |problem| Err(AppError::validation("into", problem));
    if id == into {
        return refuse(Invalid::MergeSelf);
    }
    let source = head_for(st, user, id).await?;
    let target = match head_for(st, user, into).await {
        Err(AppError::NotFound) => return Err(AppError::malformed("into", "no such ticket")),
        other => other?,
    };
    if source.member_id != target.member_id {
        return refuse(Invalid::MergeOtherMember);
    }
    if target.status == TicketStatus::Closed {
        return refuse(Invalid::MergeIntoClosed);
    }
    match st.db.tickets().merge(id, into, user.id, now_ms()).await? {
        Merged::Done => {}
        Merged::AlreadyMerged => return Err(AppError::validation("id", Invalid::AlreadyMerged)),
        Merged::TargetMerged => return refuse(Invalid::MergeIntoMerged),
    }
    if source.status != TicketStatus::Closed {
        match super::tickets::close(st, user, id).await {
            // Closed by someone else meanwhile: the merge stands, which is all that was asked.
            Ok(()) | Err(AppError::IllegalTransition { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    for ticket_id in [id, into] {
        st.hub
            .publish(LiveEvent::Ticket {
                ticket_id,
                member_id: source.member_id,
            })
            .await;
    }
    Ok(())
}
