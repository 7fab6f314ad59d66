//! Full-text search: which tickets match, best first. Both engines put the title above the
//! description and the description above a message. PostgreSQL ranks with ts_rank over weighted
//! tsvectors (higher is better), which needs no corpus figures, so ticket and message ranks
//! compare. SQLite ranks with FTS5's bm25 (lower is better), whose figures come from each index's
//! own corpus: a ticket and a message score cannot be compared, so a match in the title or
//! description ranks above one found only in the conversation, and bm25 orders within each.
use sqlx::AnyPool;

use super::Backend;
use crate::domain::SearchTerms;

/// Whose tickets a search may find, and which of their text.
#[derive(Debug, Clone, Copy)]
pub enum SearchScope {
    /// Staff: every ticket, internal notes included.
    Staff,
    /// A member: only their own tickets, and never the staff's internal notes on them.
    Member(i64),
}

pub struct SearchRepo<'a>(pub &'a AnyPool, pub Backend);

/// How many tickets one search returns at most (the queue shows 200).
pub(super) const MAX_HITS: i64 = 500;

impl SearchRepo<'_> {
    /// Ticket ids matching every word, the best match first.
    #[tracing::instrument(skip_all, err)]
    pub async fn tickets(
        &self,
        terms: &SearchTerms,
        scope: SearchScope,
    ) -> Result<Vec<i64>, sqlx::Error> {
        let (member, notes) = match scope {
            SearchScope::Staff => (0, 1),
            SearchScope::Member(id) => (id, 0),
        };
        // $1 the query, $2 whether notes count, $3 the member (0: anyone's), $4 the limit.
        let (sql, query) = match self.1 {
            Backend::Sqlite => (
                "select h.ticket_id from ( \
                   select ticket_text.rowid as ticket_id, 0 as tier, \
                     bm25(ticket_text, 4.0, 2.0) as score \
                     from ticket_text join tickets t on t.id = ticket_text.rowid \
                     where ticket_text match $1 and ($3 = 0 or t.member_id = $3) \
                   union all \
                   select m.ticket_id, 1 as tier, bm25(message_text) as score \
                     from message_text join ticket_messages m on m.id = message_text.rowid \
                       join tickets t on t.id = m.ticket_id \
                     where message_text match $1 and ($2 = 1 or m.kind <> 'note') \
                       and ($3 = 0 or t.member_id = $3) \
                 ) h \
                 group by h.ticket_id \
                 order by min(h.tier), min(case when h.tier = 0 then h.score end), min(h.score), \
                   h.ticket_id desc limit $4",
                terms.fts5(),
            ),
            Backend::Postgres => (
                "with q as (select to_tsquery('simple', $1) as q) \
                 select h.ticket_id from ( \
                   select t.id as ticket_id, ts_rank(t.search_doc, q.q) as score \
                     from tickets t, q \
                     where t.search_doc @@ q.q and ($3 = 0 or t.member_id = $3) \
                   union all \
                   select m.ticket_id, ts_rank(m.search_doc, q.q) as score \
                     from ticket_messages m join tickets t on t.id = m.ticket_id, q \
                     where m.search_doc @@ q.q and ($2 = 1 or m.kind <> 'note') \
                       and ($3 = 0 or t.member_id = $3) \
                 ) h \
                 group by h.ticket_id order by max(h.score) desc, h.ticket_id desc limit $4",
                terms.tsquery(),
            ),
        };
        let ids: Vec<(i64,)> = sqlx::query_as(sql)
            .bind(query)
            .bind(notes as i64)
            .bind(member)
            .bind(MAX_HITS)
            .fetch_all(self.0)
            .await?;
        Ok(ids.into_iter().map(|(id,)| id).collect())
    }
}
