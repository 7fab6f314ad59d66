use sqlx::AnyPool;

use super::rows::StoredFileRow;
use crate::domain::FileKind;

pub struct AttachmentRepo<'a>(pub &'a AnyPool);

/// Bytes of files one person has sent, on tickets and in chats (`$1`: the person).
const USED_BY: &str = "select cast(\
      (select coalesce(sum(size), 0) from attachments where uploader_id = $1) \
    + (select coalesce(sum(size), 0) from chat_attachments where uploader_id = $1) as bigint)";

/// What serving one attachment needs: whose ticket it is and whether it hangs off an internal note.
pub struct AttachmentRecord {
    pub ticket_member_id: i64,
    pub on_internal_note: bool,
    pub sha256: String,
    pub file_name: String,
    pub kind: FileKind,
}

impl AttachmentRepo<'_> {
    #[tracing::instrument(skip_all, err)]
    pub async fn get(&self, id: i64) -> Result<Option<AttachmentRecord>, sqlx::Error> {
        let row: Option<StoredFileRow> = sqlx::query_as(
            "select t.member_id as owner, a.sha256, a.file_name, a.mime, \
               coalesce(m.kind, '') as message_kind \
             from attachments a join tickets t on t.id = a.ticket_id \
             left join ticket_messages m on m.id = a.message_id \
             where a.id = $1",
        )
        .bind(id)
        .fetch_optional(self.0)
        .await?;
        row.map(|r| {
            Ok(AttachmentRecord {
                kind: r.kind()?,
                ticket_member_id: r.owner,
                on_internal_note: r.message_kind == "note",
                sha256: r.sha256,
                file_name: r.file_name,
            })
        })
        .transpose()
    }

    /// Whether any row points at these bytes (crash recovery of staged files).
    #[tracing::instrument(skip_all, err)]
    pub async fn is_referenced(&self, sha256: &str) -> Result<bool, sqlx::Error> {
        let n: i64 = sqlx::query_scalar(
            "select (select count(*) from attachments where sha256 = $1) \
                  + (select count(*) from chat_attachments where sha256 = $1)",
        )
        .bind(sha256)
        .fetch_one(self.0)
        .await?;
        Ok(n > 0)
    }

    #[tracing::instrument(skip_all, err)]
    pub async fn count(&self) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("select count(*) from attachments")
            .fetch_one(self.0)
            .await
    }
}

impl AttachmentRepo<'_> {
    /// Bytes of files this person has sent, on tickets and in chats (the storage quota).
    #[tracing::instrument(skip_all, err)]
    pub async fn used_by(&self, user_id: i64) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(USED_BY)
            .bind(user_id)
            .fetch_one(self.0)
            .await
    }
}

/// The files would take their sender past the storage quota; nothing was written.
#[derive(Debug, PartialEq, Eq)]
pub struct OverQuota;

/// Inside the transaction that just wrote a person's files: whether all their files together
/// stay within `quota`. The person's row is locked first, so two uploads at once are counted
/// one after the other, never both against the same remaining room.
pub(super) async fn within_quota(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    uploader_id: i64,
    quota: Option<u64>,
) -> Result<bool, sqlx::Error> {
    let Some(quota) = quota else {
        return Ok(true);
    };
    super::lock_user(tx, uploader_id).await?;
    let used: i64 = sqlx::query_scalar(USED_BY)
        .bind(uploader_id)
        .fetch_one(&mut **tx)
        .await?;
    Ok(used.max(0) as u64 <= quota)
}
