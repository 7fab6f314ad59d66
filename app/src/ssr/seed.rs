//! Demo data for a first run: only into an empty database, and only when `APP_DEMO` is on.
use super::db::{now_ms, Db, NewTicketSeed, NewUser, TicketChange};
use super::passwords;
use crate::domain::{
    DisplayName, Email, EntryKind, MemberNumber, Role, TicketStatus, Tier, Username,
};

pub const DEMO_PASSWORD: &str = "demo-password";
pub const DEMO_LOGINS: [(&str, &str); 5] = [
    ("silver", "member, Silver"),
    ("diamond", "member, Diamond"),
    (
        "manager",
        "member, Manager (below the Technical Issues gate)",
    ),
    ("agent", "support agent"),
    ("admin", "admin"),
];

const DAY: i64 = 24 * 3600 * 1000;
/// 2020-03-03 and 2020-03-06, 15:00 UTC: the seed guide's "Date Closed: 6 Mar 2020".
const MAR_3_2020: i64 = 1_583_247_600_000;
const MAR_6_2020: i64 = MAR_3_2020 + 3 * DAY;

fn account(
    username: &str,
    name: &str,
    number: Option<&str>,
    tier: Tier,
    role: Role,
    hash: &str,
) -> NewUser {
    NewUser {
        username: Username::parse(username).expect("demo username"),
        display_name: DisplayName::parse(name).expect("demo name"),
        email: Email::parse(&format!("{username}@demo.example.com")).expect("demo email"),
        member_number: number.map(|n| MemberNumber::parse(n).expect("demo number")),
        tier,
        role,
        password_hash: hash.to_string(),
    }
}

/// Returns true when it seeded.
pub async fn seed_demo(db: &Db, config: &super::Config) -> Result<bool, String> {
    if db.users().count().await.map_err(|e| e.to_string())? > 0 {
        return Ok(false);
    }
    // One hash for all demo accounts keeps the first start fast; each is still salted argon2id.
    let hash = passwords::hash(DEMO_PASSWORD.to_string()).await?;
    let users = [
        account(
            "silver",
            "Sofía Silva",
            Some("1000001"),
            Tier::Silver,
            Role::Member,
            &hash,
        ),
        account(
            "diamond",
            "Dmitri Diaz",
            Some("1000002"),
            Tier::Diamond,
            Role::Member,
            &hash,
        ),
        account(
            "manager",
            "Mona Manning",
            Some("1000003"),
            Tier::Manager,
            Role::Member,
            &hash,
        ),
        account(
            "agent",
            "Alex Agent",
            None,
            Tier::Silver,
            Role::Agent,
            &hash,
        ),
        account("admin", "Ada Admin", None, Tier::Silver, Role::Admin, &hash),
    ];
    let now = now_ms();
    let ids = db
        .users()
        .insert_all(&users, now)
        .await
        .map_err(|e| e.to_string())?;
    let (silver, diamond, agent) = (ids[0], ids[1], ids[3]);
    // The clocks the desk starts with, so the demo queue shows deadlines.
    let desk = super::settings::build(super::settings::defaults(config)).map_err(|(_, e)| e)?;
    let rules = desk.sla;
    use TicketStatus::*;
    let tickets = [
        NewTicketSeed {
            member_id: silver,
            title: "Español - No puedo procesar el pedido",
            language: "es",
            description: "Al pulsar «Procesar pedido» la página se queda cargando y no pasa nada.",
            history: vec![(silver, Open, now - 2 * DAY)],
            priority: rules.policy.priority_for(Tier::Silver),
            sla: Some(&rules),
            answered_at: None,
        },
        NewTicketSeed {
            member_id: silver,
            title: "Cannot upload my profile photo",
            language: "en",
            description: "I choose a photo, press Save, and the old photo is still shown.",
            history: vec![(silver, Open, now - DAY)],
            priority: rules.policy.priority_for(Tier::Silver),
            sla: Some(&rules),
            answered_at: None,
        },
        NewTicketSeed {
            member_id: silver,
            title: "Order history page is blank",
            language: "en",
            description: "My order history shows an empty page since last week.",
            history: vec![
                (silver, Open, now - 4 * DAY),
                (agent, AwaitingFeedback, now - 3 * DAY),
            ],
            priority: rules.policy.priority_for(Tier::Silver),
            sla: Some(&rules),
            answered_at: None,
        },
        NewTicketSeed {
            member_id: silver,
            title: "Testing Submission From Canada",
            language: "en",
            description: "Test ticket.",
            history: vec![(silver, Open, MAR_3_2020), (agent, Closed, MAR_6_2020)],
            priority: rules.policy.priority_for(Tier::Silver),
            sla: Some(&rules),
            answered_at: None,
        },
        NewTicketSeed {
            member_id: silver,
            title: "Another Test - Disregard",
            language: "en",
            description: "Test ticket.",
            history: vec![
                (silver, Open, MAR_3_2020 + 60_000),
                (agent, Closed, MAR_6_2020 + 60_000),
            ],
            priority: rules.policy.priority_for(Tier::Silver),
            sla: Some(&rules),
            answered_at: None,
        },
        NewTicketSeed {
            member_id: silver,
            title: "Test",
            language: "en",
            description: "Test ticket.",
            history: vec![
                (silver, Open, MAR_3_2020 + 120_000),
                (silver, Closed, MAR_6_2020 + 120_000),
            ],
            priority: rules.policy.priority_for(Tier::Silver),
            sla: Some(&rules),
            answered_at: None,
        },
        NewTicketSeed {
            member_id: diamond,
            title: "Diamond's private ticket: back office login loops",
            language: "en",
            description: "After login the back office sends me back to the login page.",
            history: vec![(diamond, Open, now - DAY)],
            priority: rules.policy.priority_for(Tier::Diamond),
            sla: Some(&rules),
            answered_at: None,
        },
    ];
    for t in &tickets {
        let id = db
            .tickets()
            .insert_with_history(t)
            .await
            .map_err(|e| e.to_string())?;
        if let Some(&(_, AwaitingFeedback, at)) = t.history.last() {
            let question =
                "Which browser and device do you use, and since which day is the page blank?";
            let change = TicketChange {
                ticket_id: id,
                actor_id: agent,
                entry: Some((EntryKind::Question, question)),
                files: &[],
                transition: None,
                expect: None,
                quota: None,
                notice: None,
                at,
                by_staff: true,
                sla: Some(&rules),
                audit: false,
            };
            db.tickets()
                .apply(&change)
                .await
                .map_err(|e| e.to_string())?;
        }
    }
    Ok(true)
}
