//! Where every queued chat stands, read once per queue move for the whole instance. A waiting
//! member's socket takes its own line from the newest board instead of asking the database:
//! with a thousand members waiting, one move used to cost four thousand queries (each socket
//! read its chat, its place, the agents online and the recent waits).
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use tokio::sync::{broadcast, watch};

use super::chat::ONLINE_WINDOW_MS;
use super::db::{now_ms, Db};
use crate::domain::{queue_line, ChatHead, LiveEvent, QueueInfo};

/// How often the board is read even when nothing moved: agents come and go without a queue
/// move, and the estimate follows the recent waits.
const REFRESH: Duration = Duration::from_secs(15);

/// The queue as one read saw it.
#[derive(Debug, Default)]
pub struct QueueSnapshot {
    /// 1-based place of each queued chat.
    positions: HashMap<i64, i64>,
    agents_online: i64,
    /// Seconds to an answer for the last few answered chats.
    recent_waits: Vec<i64>,
    /// How many boards this instance has read before this one (0 for the empty first board):
    /// the figure that shows one read serves every socket.
    pub reads: u64,
}

impl QueueSnapshot {
    /// A queued chat's line as of `now_ms`; `None` when this board does not list the chat (it
    /// left the queue, or joined after the board was read).
    pub fn line(&self, head: &ChatHead, now_ms: i64, max_wait_secs: i64) -> Option<QueueInfo> {
        let position = *self.positions.get(&head.id)?;
        Some(queue_line(
            position,
            self.agents_online,
            &self.recent_waits,
            (now_ms - head.created_at).max(0) / 1000,
            max_wait_secs,
        ))
    }

    async fn read(db: &Db, reads: u64) -> Result<QueueSnapshot, sqlx::Error> {
        let chats = db.chats();
        let queued = chats.queued_ids().await?;
        Ok(QueueSnapshot {
            positions: queued.into_iter().zip(1..).collect(),
            agents_online: chats.agents_online(now_ms() - ONLINE_WINDOW_MS).await?,
            recent_waits: chats.recent_waits(20).await?,
            reads,
        })
    }
}

/// Starts the instance's board: read now, then after every queue move (a burst of moves is one
/// read) and every [`REFRESH`].
pub fn start(
    db: Db,
    mut moves: broadcast::Receiver<LiveEvent>,
) -> watch::Receiver<Arc<QueueSnapshot>> {
    let (tx, rx) = watch::channel(Arc::new(QueueSnapshot::default()));
    tokio::spawn(async move {
        let mut refresh = tokio::time::interval(REFRESH);
        let mut reads = 0;
        loop {
            tokio::select! {
                moved = moves.recv() => match moved {
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => return,
                },
                _ = refresh.tick() => {}
            }
            // Whatever else arrived meanwhile is covered by the read below.
            while !matches!(
                moves.try_recv(),
                Err(TryRecvError::Empty | TryRecvError::Closed)
            ) {}
            reads += 1;
            match QueueSnapshot::read(&db, reads).await {
                Ok(board) => {
                    tx.send_replace(Arc::new(board));
                }
                Err(e) => tracing::warn!(error = %e, "the chat queue could not be read"),
            }
            if tx.is_closed() {
                return;
            }
        }
    });
    rx
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ChatStatus, Tier};

    fn head(id: i64, created_at: i64) -> ChatHead {
        ChatHead {
            id,
            member_id: 1,
            member_name: "Sofía".into(),
            member_number: None,
            member_tier: Tier::Silver,
            email: "s@example.com".into(),
            question: "The page is blank".into(),
            language: "en".into(),
            status: ChatStatus::Queued,
            agent_id: None,
            agent_name: None,
            created_at,
            ended_at: None,
            end_reason: None,
            ticket_id: None,
        }
    }

    #[test]
    fn each_chat_reads_its_own_line_off_one_board() {
        let board = QueueSnapshot {
            positions: HashMap::from([(7, 1), (9, 2)]),
            agents_online: 2,
            recent_waits: vec![60, 120],
            reads: 1,
        };
        let now = 1_000_000;
        let first = board.line(&head(7, now - 30_000), now, 600).unwrap();
        assert_eq!(
            (first.position, first.waited_secs, first.offer_ticket),
            (1, 30, false)
        );
        let second = board.line(&head(9, now - 700_000), now, 600).unwrap();
        assert_eq!(second.position, 2);
        // Waited past the maximum: the ticket is offered.
        assert!(second.offer_ticket);
        assert!(second.estimated_wait_secs.unwrap() >= first.estimated_wait_secs.unwrap());
        // Not on this board: the socket reads its chat instead.
        assert!(board.line(&head(8, now), now, 600).is_none());
    }

    #[test]
    fn nobody_online_means_no_estimate_and_the_ticket_offer() {
        let board = QueueSnapshot {
            positions: HashMap::from([(7, 1)]),
            agents_online: 0,
            recent_waits: vec![60],
            reads: 1,
        };
        let line = board.line(&head(7, 0), 1000, 600).unwrap();
        assert_eq!(line.estimated_wait_secs, None);
        assert!(line.offer_ticket);
    }
}
