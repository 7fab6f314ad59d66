//! `server` (serve), `server members import FILE.csv`, `server members add ...`,
//! `server members disable|enable NAME`, `server members set-role NAME ROLE`.
use app::ssr::db::Db;
use app::ssr::members::{self, RawMember};
use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(name = "server", about = "Member Tech Support desk")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the app (the default).
    Serve,
    /// Manage member accounts.
    Members {
        #[command(subcommand)]
        action: MembersAction,
    },
}

#[derive(Subcommand, Debug)]
pub enum MembersAction {
    /// Import accounts from a CSV with the header
    /// username,display_name,email,member_number,tier,role,password,password_hash.
    /// Every row is checked first; one bad row and nothing is written.
    Import { file: std::path::PathBuf },
    /// Add one account. Without --password the password is read from standard input.
    Add {
        #[arg(long)]
        username: String,
        #[arg(long = "name")]
        display_name: String,
        #[arg(long)]
        email: String,
        #[arg(long, default_value = "")]
        member_number: String,
        #[arg(long)]
        tier: String,
        #[arg(long, default_value = "member")]
        role: String,
        #[arg(long)]
        password: Option<String>,
    },
    /// Switch an account off: it cannot sign in, and its open sessions, sockets and event
    /// streams end (within APP_SESSION_RECHECK_SECS on every instance).
    Disable { username: String },
    /// Switch an account back on.
    Enable { username: String },
    /// Give an account another role (member, agent, admin); its open connections end.
    SetRole { username: String, role: String },
}

/// Runs an admin command; returns the process exit code.
pub async fn run_members(db: &Db, action: MembersAction) -> i32 {
    let parsed = match action {
        MembersAction::Import { file } => match std::fs::read_to_string(&file) {
            Ok(text) => tokio::task::spawn_blocking(move || members::parse_csv(&text))
                .await
                .unwrap_or_else(|e| Err(vec![e.to_string()])),
            Err(e) => Err(vec![format!("cannot read {}: {e}", file.display())]),
        },
        MembersAction::Add {
            username,
            display_name,
            email,
            member_number,
            tier,
            role,
            password,
        } => {
            let password = match password {
                Some(p) => p,
                None => {
                    let mut line = String::new();
                    let _ = std::io::stdin().read_line(&mut line);
                    line.trim_end_matches(['\r', '\n']).to_string()
                }
            };
            let raw = RawMember {
                username,
                display_name,
                email,
                member_number,
                tier,
                role,
                password,
                password_hash: String::new(),
            };
            tokio::task::spawn_blocking(move || members::parse_member(&raw).map(|u| vec![u]))
                .await
                .unwrap_or_else(|e| Err(vec![e.to_string()]))
        }
        MembersAction::Disable { username } => {
            return report(db.users().set_disabled(&username, true).await)
        }
        MembersAction::Enable { username } => {
            return report(db.users().set_disabled(&username, false).await)
        }
        MembersAction::SetRole { username, role } => match app::domain::Role::parse(&role) {
            Ok(role) => return report(db.users().set_role(&username, role).await),
            Err(e) => Err(vec![e]),
        },
    };
    let result = match parsed {
        Ok(users) => members::import(db, users).await,
        Err(errors) => Err(errors),
    };
    match result {
        Ok(n) => {
            println!("added {n} account(s)");
            0
        }
        Err(errors) => {
            eprintln!("nothing was written:");
            for e in errors {
                eprintln!("  {e}");
            }
            1
        }
    }
}

/// The exit code and message of a change to one account.
fn report<E: std::fmt::Display>(result: Result<bool, E>) -> i32 {
    match result {
        Ok(true) => {
            println!("done");
            0
        }
        Ok(false) => {
            eprintln!("no such account");
            1
        }
        Err(e) => {
            eprintln!("cannot change the account: {e}");
            1
        }
    }
}
