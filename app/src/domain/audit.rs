//! The audit log as admins read it.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    /// `None`: the desk itself (the scheduler, automatic assignment).
    pub actor_name: Option<String>,
    pub action: String,
    pub target_kind: Option<String>,
    pub target_id: Option<i64>,
    /// JSON with the particulars.
    pub detail: String,
}

/// What the audit page narrows to; `None` means any.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    pub actor_id: Option<i64>,
    /// An action or its area (`ticket` matches `ticket.assign`).
    pub action: Option<String>,
    pub from: Option<i64>,
    pub to: Option<i64>,
    pub target_kind: Option<String>,
    pub target_id: Option<i64>,
}

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

impl AuditFilter {
    /// From the audit page's query: `actor` a staff id, `action` an action or area (letters,
    /// dots, underscores), `target` `kind:id` or a bare ticket number, days as `YYYY-MM-DD`
    /// (`to` included). Refusals name the field.
    pub fn parse(
        actor: &str,
        action: &str,
        target: &str,
        from: &str,
        to: &str,
    ) -> Result<AuditFilter, (&'static str, String)> {
        let opt = |v: &str| Some(v.trim()).filter(|v| !v.is_empty()).map(String::from);
        let actor_id = opt(actor)
            .map(|a| {
                a.parse::<i64>()
                    .map_err(|_| ("actor", "expected a staff id".to_string()))
            })
            .transpose()?;
        let action = opt(action);
        if let Some(a) = &action {
            let ok = a.len() <= 40
                && a.chars()
                    .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_');
            if !ok {
                return Err((
                    "action",
                    "an action such as ticket.assign, or its area".into(),
                ));
            }
        }
        let (target_kind, target_id) = match opt(target) {
            None => (None, None),
            Some(t) => {
                let (kind, id) = t
                    .split_once(':')
                    .unwrap_or(("ticket", t.trim_start_matches('#')));
                let id = id.trim().parse::<i64>().ok();
                let kind_ok = ["ticket", "user", "macro", "chat"].contains(&kind.trim());
                match (kind_ok, id) {
                    (true, Some(id)) => (Some(kind.trim().to_string()), Some(id)),
                    _ => {
                        return Err((
                            "target",
                            "ticket:12, user:5, macro:3 or a ticket number".into(),
                        ))
                    }
                }
            }
        };
        let day = |field: &'static str, v: &str| {
            opt(v)
                .map(|d| super::day_start_ms(&d).ok_or((field, "a day as YYYY-MM-DD".to_string())))
                .transpose()
        };
        Ok(AuditFilter {
            actor_id,
            action,
            from: day("from", from)?,
            to: day("to", to)?.map(|d| d + DAY_MS),
            target_kind,
            target_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_audit_filter_reads_the_page_query() {
        let f = AuditFilter::parse("3", "ticket", "#12", "2020-03-06", "2020-03-06").unwrap();
        assert_eq!(f.actor_id, Some(3));
        assert_eq!(
            (f.target_kind.as_deref(), f.target_id),
            (Some("ticket"), Some(12))
        );
        assert_eq!(f.to.unwrap() - f.from.unwrap(), DAY_MS);
        let f = AuditFilter::parse("", "", "macro:4", "", "").unwrap();
        assert_eq!(
            (f.target_kind.as_deref(), f.target_id),
            (Some("macro"), Some(4))
        );
        assert_eq!(
            AuditFilter::parse("", "", "", "", "").unwrap(),
            AuditFilter::default()
        );
        assert_eq!(
            AuditFilter::parse("x", "", "", "", "").unwrap_err().0,
            "actor"
        );
        assert_eq!(
            AuditFilter::parse("", "a%", "", "", "").unwrap_err().0,
            "action"
        );
        assert_eq!(
            AuditFilter::parse("", "", "file:1", "", "").unwrap_err().0,
            "target"
        );
        assert_eq!(
            AuditFilter::parse("", "", "", "06/03/2020", "")
                .unwrap_err()
                .0,
            "from"
        );
    }
}
