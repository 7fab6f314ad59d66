//! GDPR for one member: an export of everything the desk holds about them (JSON and their
//! files, in one zip) and erasure (texts, names and files removed; what the figures count kept).
//! Both are admin-only (the callers guard with `Access::Admin`) and both are audited.
use std::io::Write;

use super::db::{now_ms, Audit};
use super::state::AppState;
use crate::domain::{CurrentUser, LiveEvent};
use crate::error::AppError;

/// The export: `member.json` and `files/…`, one folder per ticket or chat.
pub async fn export(
    st: &AppState,
    admin: &CurrentUser,
    member_id: i64,
) -> Result<Vec<u8>, AppError> {
    // Members only (the account section reads members only): staff are not exported this way.
    let data = st
        .db
        .gdpr()
        .export(member_id)
        .await?
        .ok_or(AppError::NotFound)?;
    // Where each file goes in the zip, and where its bytes are.
    let mut files = vec![];
    for (section, owner) in [("ticket_files", "ticket_id"), ("chat_files", "chat_id")] {
        for f in data[section].as_array().into_iter().flatten() {
            let (Some(id), Some(sha), Some(name), Some(of)) = (
                f["id"].as_i64(),
                f["sha256"].as_str(),
                f["file_name"].as_str(),
                f[owner].as_i64(),
            ) else {
                continue;
            };
            let folder = owner.trim_end_matches("_id");
            // Ids keep two files of the same name apart; the stored name is already safe.
            files.push((format!("files/{folder}-{of}/{id}-{name}"), sha.to_string()));
        }
    }
    let json = serde_json::to_vec_pretty(&serde_json::json!({
        "exported_at": now_ms(),
        "member_id": member_id,
        "data": data,
    }))
    .map_err(|_| AppError::Internal)?;
    // A file whose bytes are gone (a store restored without them) is listed in member.json
    // but cannot be in the zip; the rest of the export still is.
    let mut contents = Vec::with_capacity(files.len());
    for (name, sha) in files {
        if let Some(bytes) = st.files.read(&sha).await.map_err(std::io::Error::other)? {
            contents.push((name, bytes));
        }
    }
    let zip = tokio::task::spawn_blocking(move || -> std::io::Result<Vec<u8>> {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let deflated = zip::write::SimpleFileOptions::default();
        // Screenshots are compressed already: stored as they are.
        let stored = deflated.compression_method(zip::CompressionMethod::Stored);
        zip.start_file("member.json", deflated)?;
        zip.write_all(&json)?;
        for (name, bytes) in contents {
            zip.start_file(name, stored)?;
            zip.write_all(&bytes)?;
        }
        Ok(zip.finish()?.into_inner())
    })
    .await
    .map_err(|_| AppError::Internal)??;
    let audit = Audit {
        actor_id: Some(admin.id),
        action: "member.export",
        target: Some(("user", member_id)),
        detail: serde_json::json!({ "bytes": zip.len() }),
    };
    st.db.audit().add(&audit, now_ms()).await?;
    Ok(zip)
}

/// Erases the member: in one transaction their texts, names, devices and preferences; then
/// each of their files no other ticket or chat still uses. Their sessions and streams end at
/// once, as for a disabled account.
pub async fn erase(st: &AppState, admin: &CurrentUser, member_id: i64) -> Result<(), AppError> {
    let erased = st
        .db
        .gdpr()
        .erase(member_id, admin.id, now_ms())
        .await?
        .ok_or(AppError::NotFound)?;
    st.hub
        .publish(LiveEvent::Account { user_id: member_id })
        .await;
    // Their tickets closed and chats ended: queues and pages follow.
    st.hub.publish(LiveEvent::ChatQueue).await;
    tracing::info!(
        member_id,
        tickets = erased.tickets,
        chats = erased.chats,
        "member erased"
    );
    delete_files(st).await
}

/// Deletes the bytes of each file queued for deletion that no ticket or chat uses any more
/// (files are stored once per content, so the same bytes may be someone else's). Called after an
/// erasure and by each scheduler round, so a crash between the commit and the deletion only
/// delays it.
pub async fn delete_files(st: &AppState) -> Result<(), AppError> {
    let gdpr = st.db.gdpr();
    let attachments = st.db.attachments();
    for sha in gdpr.pending_file_deletions().await? {
        if !attachments.is_referenced(&sha).await? {
            st.files.delete(&sha).await.map_err(std::io::Error::other)?;
        }
        gdpr.file_deleted(&sha).await?;
    }
    Ok(())
}
