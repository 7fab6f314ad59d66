//! Server functions of the admin console: the desk's settings by section, and the audit log.
//! Admins only. The settings forms post their fields as `form[name]`.
use std::collections::HashMap;

use leptos::prelude::*;

use crate::domain::{AuditEntry, CurrentUser, DeskSettings, StaffMember};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::ssr::{
    admin,
    auth::{with_user, Access},
};

#[server(prefix = "/api", endpoint = "admin_settings")]
pub async fn admin_settings() -> Result<(CurrentUser, DeskSettings), AppError> {
    with_user(Access::Admin, async |st, user| {
        Ok((user.clone(), st.desk().settings.clone()))
    })
    .await
}

/// `section`: general, hours, sla or assignment; `form`: that section's fields.
#[server(prefix = "/api", endpoint = "save_settings")]
pub async fn save_settings(
    section: String,
    #[server(default)] form: HashMap<String, String>,
) -> Result<(), AppError> {
    with_user(Access::Admin, async |st, user| match section.as_str() {
        "general" => admin::save_general(st, user, &form).await,
        "hours" => admin::save_hours(st, user, &form).await,
        "sla" => admin::save_sla(st, user, &form).await,
        "assignment" => admin::save_assignment(st, user, &form).await,
        _ => Err(AppError::malformed(
            "section",
            "general, hours, sla or assignment",
        )),
    })
    .await
}

/// The audit log, newest first, narrowed by who (staff id), what (an action or its area, e.g.
/// `ticket` or `ticket.assign`), the ticket or person it was done to, and days (`YYYY-MM-DD`).
#[server(prefix = "/api", endpoint = "audit_log")]
pub async fn audit_log(
    #[server(default)] actor: String,
    #[server(default)] action: String,
    #[server(default)] target: String,
    #[server(default)] from: String,
    #[server(default)] to: String,
) -> Result<(CurrentUser, Vec<AuditEntry>, Vec<StaffMember>), AppError> {
    with_user(Access::Admin, async |st, user| {
        let filter = crate::domain::AuditFilter::parse(&actor, &action, &target, &from, &to)
            .map_err(|(field, why)| AppError::malformed(field, why))?;
        let staff = crate::ssr::ownership::staff(st).await?;
        Ok((user.clone(), admin::audit(st, &filter).await?, staff))
    })
    .await
}

/// The reports page: figures per day and for the range, under the filters (empty: the last 30
/// days, everyone).
#[server(prefix = "/api", endpoint = "desk_report")]
pub async fn desk_report(
    #[server(default)] from: String,
    #[server(default)] to: String,
    #[server(default)] language: String,
    #[server(default)] tier: String,
    #[server(default)] agent: String,
) -> Result<(CurrentUser, crate::domain::Report), AppError> {
    with_user(Access::Admin, async |st, user| {
        let filter = crate::ssr::reports::parse_filter(
            st,
            [&from, &to, &language, &tier, &agent].map(String::as_str),
        )?;
        Ok((user.clone(), crate::ssr::reports::report(st, filter).await?))
    })
    .await
}
