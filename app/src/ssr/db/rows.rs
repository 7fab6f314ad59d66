//! Rows as the database returns them, read by `FromRow`, and turned into domain types by
//! `TryFrom`: a text column that holds no status, tier, role or kind the code knows is a decode
//! error that names the column (the migrations' checks should make that impossible).
use sqlx::FromRow;

use super::tickets::TicketHead;
use super::users::UserRecord;
use crate::domain::{
    AttachmentInfo, ChatHead, ChatStatus, CurrentUser, EndReason, EntryKind, FileKind, QueueRow,
    Role, TicketStatus, TicketSummary, Tier,
};

fn bad(column: &str, value: impl Into<String>) -> sqlx::Error {
    sqlx::Error::ColumnDecode {
        index: column.into(),
        source: value.into().into(),
    }
}

pub(super) fn status(column: &str, value: &str) -> Result<TicketStatus, sqlx::Error> {
    TicketStatus::parse(value).map_err(|e| bad(column, e))
}

pub(super) fn tier(column: &str, value: &str) -> Result<Tier, sqlx::Error> {
    Tier::parse(value).map_err(|e| bad(column, e))
}

fn kind_of_file(mime: &str) -> Result<FileKind, sqlx::Error> {
    FileKind::from_mime(mime).ok_or_else(|| bad("mime", mime))
}

/// Converts every row of a result.
pub(super) fn all<R, T: TryFrom<R, Error = sqlx::Error>>(
    rows: Vec<R>,
) -> Result<Vec<T>, sqlx::Error> {
    rows.into_iter().map(T::try_from).collect()
}

#[derive(FromRow)]
pub(super) struct UserRow {
    id: i64,
    username: String,
    display_name: String,
    email: String,
    member_number: Option<String>,
    tier: String,
    role: String,
    password_hash: String,
}

impl TryFrom<UserRow> for UserRecord {
    type Error = sqlx::Error;
    fn try_from(r: UserRow) -> Result<UserRecord, sqlx::Error> {
        Ok(UserRecord {
            user: CurrentUser {
                id: r.id,
                username: r.username,
                display_name: r.display_name,
                email: r.email,
                member_number: r.member_number,
                tier: tier("tier", &r.tier)?,
                role: Role::parse(&r.role).map_err(|e| bad("role", e))?,
            },
            password_hash: r.password_hash,
        })
    }
}

/// An attachment (`id, file_name, mime, size`) of either table, as pages show it.
#[derive(FromRow)]
pub(super) struct FileRow {
    id: i64,
    file_name: String,
    mime: String,
    size: i64,
}

impl TryFrom<FileRow> for AttachmentInfo {
    type Error = sqlx::Error;
    fn try_from(r: FileRow) -> Result<AttachmentInfo, sqlx::Error> {
        Ok(AttachmentInfo {
            id: r.id,
            kind: kind_of_file(&r.mime)?,
            file_name: r.file_name,
            size: r.size,
        })
    }
}

/// A file with the message it was sent with (`None`: with the ticket's description).
#[derive(FromRow)]
pub(super) struct MessageFileRow {
    pub message_id: Option<i64>,
    #[sqlx(flatten)]
    pub file: FileRow,
}

/// What serving one stored file needs (ticket files and chat files alike).
#[derive(FromRow)]
pub(super) struct StoredFileRow {
    /// The ticket's member, or the chat's id.
    pub owner: i64,
    pub sha256: String,
    pub file_name: String,
    mime: String,
    /// The kind of message a ticket file hangs off ('' for the description's).
    #[sqlx(default)]
    pub message_kind: String,
}

impl StoredFileRow {
    pub fn kind(&self) -> Result<FileKind, sqlx::Error> {
        kind_of_file(&self.mime)
    }
}

/// A ticket in a member's list (`question` only from the list's query).
#[derive(FromRow)]
pub(super) struct SummaryRow {
    id: i64,
    title: String,
    language: String,
    status: String,
    opened_at: i64,
    closed_at: Option<i64>,
    #[sqlx(default)]
    question: Option<String>,
}

impl TryFrom<SummaryRow> for TicketSummary {
    type Error = sqlx::Error;
    fn try_from(r: SummaryRow) -> Result<TicketSummary, sqlx::Error> {
        let status = status("status", &r.status)?;
        Ok(TicketSummary {
            id: r.id,
            title: r.title,
            language: r.language,
            status,
            opened_at: r.opened_at,
            closed_at: r.closed_at,
            // The question is only shown while the member still has to answer it.
            question: r
                .question
                .filter(|_| status == TicketStatus::AwaitingFeedback),
        })
    }
}

#[derive(FromRow)]
pub(super) struct HeadRow {
    id: i64,
    member_id: i64,
    status: String,
    closed_at: Option<i64>,
}

impl TryFrom<HeadRow> for TicketHead {
    type Error = sqlx::Error;
    fn try_from(r: HeadRow) -> Result<TicketHead, sqlx::Error> {
        Ok(TicketHead {
            id: r.id,
            member_id: r.member_id,
            status: status("status", &r.status)?,
            closed_at: r.closed_at,
        })
    }
}

/// A ticket's header on its page: the summary, and who filed it.
#[derive(FromRow)]
pub(super) struct DetailRow {
    #[sqlx(flatten)]
    pub summary: SummaryRow,
    pub description: String,
    pub display_name: String,
    pub tier: String,
    pub merged_into: Option<i64>,
}

/// One entry of a ticket's conversation, before its files are attached.
#[derive(FromRow)]
pub(super) struct EntryRow {
    pub id: i64,
    pub kind: String,
    pub body: String,
    pub created_at: i64,
    pub display_name: String,
    pub role: String,
}

impl EntryRow {
    pub fn kind(&self) -> Result<EntryKind, sqlx::Error> {
        EntryKind::parse(&self.kind).map_err(|e| bad("kind", e))
    }
}

/// One status change of a ticket's history.
#[derive(FromRow)]
pub(super) struct EventRow {
    pub from_status: Option<String>,
    pub to_status: String,
    pub at: i64,
    pub display_name: String,
}

#[derive(FromRow)]
pub(super) struct StatusCountRow {
    pub status: String,
    pub n: i64,
}

#[derive(FromRow)]
pub(super) struct QueueRowRaw {
    id: i64,
    title: String,
    language: String,
    status: String,
    display_name: String,
    tier: String,
    since: i64,
    priority: String,
    assignee_name: Option<String>,
    next_due_at: Option<i64>,
}

impl TryFrom<QueueRowRaw> for QueueRow {
    type Error = sqlx::Error;
    fn try_from(r: QueueRowRaw) -> Result<QueueRow, sqlx::Error> {
        Ok(QueueRow {
            id: r.id,
            title: r.title,
            member_name: r.display_name,
            member_tier: tier("tier", &r.tier)?,
            language: r.language,
            status: status("status", &r.status)?,
            since: r.since,
            priority: crate::domain::Priority::parse(&r.priority)
                .map_err(|e| bad("priority", e))?,
            assignee: r.assignee_name,
            due: r.next_due_at,
        })
    }
}

#[derive(FromRow)]
pub(super) struct ChatHeadRow {
    id: i64,
    member_id: i64,
    display_name: String,
    member_number: Option<String>,
    email: String,
    question: String,
    language: String,
    status: String,
    agent_id: Option<i64>,
    created_at: i64,
    ended_at: Option<i64>,
    end_reason: Option<String>,
    ticket_id: Option<i64>,
    member_tier: String,
    agent_name: Option<String>,
}

impl TryFrom<ChatHeadRow> for ChatHead {
    type Error = sqlx::Error;
    fn try_from(r: ChatHeadRow) -> Result<ChatHead, sqlx::Error> {
        Ok(ChatHead {
            id: r.id,
            member_id: r.member_id,
            member_name: r.display_name,
            member_number: r.member_number,
            member_tier: tier("member_tier", &r.member_tier)?,
            email: r.email,
            question: r.question,
            language: r.language,
            status: ChatStatus::parse(&r.status).map_err(|e| bad("status", e))?,
            agent_id: r.agent_id,
            agent_name: r.agent_name,
            created_at: r.created_at,
            ended_at: r.ended_at,
            end_reason: r.end_reason.as_deref().and_then(EndReason::parse),
            ticket_id: r.ticket_id,
        })
    }
}

/// One chat message before its files are attached.
#[derive(FromRow)]
pub(super) struct ChatMessageRow {
    pub id: i64,
    pub kind: String,
    pub body: String,
    pub created_at: i64,
    pub display_name: Option<String>,
    pub role: Option<String>,
}
