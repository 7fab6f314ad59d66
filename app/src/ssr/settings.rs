//! The desk's settings as it runs now: the environment's values, overlaid by what admins saved
//! in the console. Held in memory (read on every request), reloaded when any instance saves
//! (the hub carries `LiveEvent::Settings`) and after the hub may have missed events.
use std::sync::{Arc, RwLock};

use super::config::Config;
use super::db::{now_ms, Audit, Db};
use super::hub::Hub;
use super::sla::{Calendar, SlaRules};
use crate::domain::{
    AssignmentRule, BusinessHours, DeskSettings, GeneralSettings, LiveEvent, SlaPolicy,
};

/// The settings with what is derived from them, built once per change.
#[derive(Debug)]
pub struct Desk {
    pub settings: DeskSettings,
    pub sla: SlaRules,
}

#[derive(Clone, Debug)]
pub struct Settings {
    current: Arc<RwLock<Arc<Desk>>>,
    defaults: Arc<DeskSettings>,
    db: Db,
}

/// The defaults: the environment where it has a say, otherwise the code's.
pub fn defaults(config: &Config) -> DeskSettings {
    DeskSettings {
        general: GeneralSettings {
            min_tier: config.min_tier,
            chat_agent_cap: config.chat_agent_cap,
            chat_max_wait_secs: config.chat_max_wait.as_secs(),
            reminder_after_secs: config.reminder_after.as_secs(),
            auto_close_after_secs: config.auto_close_after.as_secs(),
            staff_two_step: config.staff_two_step,
        },
        hours: BusinessHours {
            time_zone: config.time_zone.clone(),
            ..BusinessHours::default()
        },
        sla: SlaPolicy::default(),
        assignment: AssignmentRule {
            automatic: config.auto_assign,
            ..AssignmentRule::default()
        },
    }
}

/// Why a change was refused: the field (section) and what is wrong, for the form.
pub type Refusal = (&'static str, String);

/// Derives the clocks from a set (the zone must exist).
pub fn build(settings: DeskSettings) -> Result<Desk, Refusal> {
    let calendar = Calendar::new(&settings.hours).map_err(|e| ("hours", e))?;
    Ok(Desk {
        sla: SlaRules {
            calendar,
            policy: settings.sla.clone(),
        },
        settings,
    })
}

/// What the console may store: the environment is trusted with any value, a form is not.
pub fn check(settings: &DeskSettings) -> Result<(), Refusal> {
    settings.general.check().map_err(|e| ("general", e))?;
    check_sla(&settings.sla).map_err(|e| ("sla", e))?;
    if !(1..=500).contains(&settings.assignment.cap) {
        return Err(("assignment", "tickets per agent: 1 to 500".into()));
    }
    build(settings.clone()).map(|_| ())
}

fn check_sla(p: &SlaPolicy) -> Result<(), String> {
    const YEAR_MINUTES: u32 = 366 * 24 * 60;
    for t in [p.low, p.normal, p.high, p.urgent] {
        for m in [t.first_response, t.next_response, t.resolution] {
            if m == 0 || m > YEAR_MINUTES {
                return Err("each target is at least a minute and at most a year".into());
            }
        }
    }
    if p.warn_minutes > 7 * 24 * 60 {
        return Err("the warning comes at most a week ahead".into());
    }
    Ok(())
}

impl Settings {
    pub async fn load(db: Db, config: &Config) -> Result<Settings, String> {
        let defaults = defaults(config);
        let desk =
            build(defaults.clone()).map_err(|(field, e)| format!("settings ({field}): {e}"))?;
        let settings = Settings {
            current: Arc::new(RwLock::new(Arc::new(desk))),
            defaults: Arc::new(defaults),
            db,
        };
        settings
            .reload()
            .await
            .map_err(|e| format!("reading settings: {e}"))?;
        Ok(settings)
    }

    /// What the desk runs by right now.
    pub fn now(&self) -> Arc<Desk> {
        self.current
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    /// Reads the stored sections again. A section that no longer reads or checks (written by
    /// another version) is logged and left at its default rather than stopping the desk.
    pub async fn reload(&self) -> Result<(), sqlx::Error> {
        let mut s = (*self.defaults).clone();
        for (section, value) in self.db.settings().all().await? {
            if let Err(e) = overlay(&mut s, &section, &value) {
                tracing::warn!(section, error = %e, "stored setting ignored");
            }
        }
        let desk = match build(s) {
            Ok(desk) => desk,
            Err((field, e)) => {
                tracing::warn!(field, error = %e, "stored settings do not hold; using defaults");
                build((*self.defaults).clone()).expect("defaults were checked at start")
            }
        };
        *self
            .current
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Arc::new(desk);
        Ok(())
    }

    /// Stores every section that differs from now, each with its audit entry, then tells every
    /// instance. Nothing is stored if the new set does not check.
    pub async fn save(
        &self,
        new: DeskSettings,
        actor_id: i64,
        hub: &Hub,
    ) -> Result<Result<(), Refusal>, sqlx::Error> {
        let old = self.now().settings.clone();
        if let Err(refused) = check(&new) {
            return Ok(Err(refused));
        }
        let mut changed = Vec::new();
        for (section, before, after) in [
            ("general", json(&old.general), json(&new.general)),
            ("hours", json(&old.hours), json(&new.hours)),
            ("sla", json(&old.sla), json(&new.sla)),
            ("assignment", json(&old.assignment), json(&new.assignment)),
        ] {
            if before != after {
                let audit = Audit {
                    actor_id: Some(actor_id),
                    action: "settings.save",
                    target: None,
                    detail: serde_json::json!({ "section": section, "from": before, "to": after }),
                };
                changed.push((section, after.to_string(), audit));
            }
        }
        if changed.is_empty() {
            return Ok(Ok(()));
        }
        self.db.settings().save(&changed, now_ms()).await?;
        self.reload().await?;
        hub.publish(LiveEvent::Settings).await;
        Ok(Ok(()))
    }

    /// Reloads whenever another instance saved, or the hub may have missed that.
    pub fn follow(&self, hub: &Hub) {
        let mut events = hub.subscribe();
        let me = self.clone();
        tokio::spawn(async move {
            use tokio::sync::broadcast::error::RecvError;
            loop {
                let reload = match events.recv().await {
                    Ok(LiveEvent::Settings | LiveEvent::Resync) | Err(RecvError::Lagged(_)) => true,
                    Ok(_) => false,
                    Err(RecvError::Closed) => return,
                };
                if reload {
                    if let Err(e) = me.reload().await {
                        tracing::warn!(error = %e, "settings not reloaded");
                    }
                }
            }
        });
    }
}

fn json<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or_default()
}

fn overlay(s: &mut DeskSettings, section: &str, value: &str) -> Result<(), serde_json::Error> {
    match section {
        "general" => s.general = serde_json::from_str(value)?,
        "hours" => s.hours = serde_json::from_str(value)?,
        "sla" => s.sla = serde_json::from_str(value)?,
        "assignment" => s.assignment = serde_json::from_str(value)?,
        _ => {}
    }
    Ok(())
}
