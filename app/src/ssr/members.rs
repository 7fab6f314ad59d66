//! Bringing existing member accounts in: CSV import and single adds (admin CLI).
//! Every row is checked first; one bad row means nothing is written.
use super::db::{now_ms, Db, NewUser};
use super::passwords;
use crate::domain::{
    DisplayName, Email, Invalid, MemberNumber, Role, Tier, Username, MIN_PASSWORD_LEN,
};

/// One account as typed by an admin, before parsing.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct RawMember {
    pub username: String,
    pub display_name: String,
    pub email: String,
    #[serde(default)]
    pub member_number: String,
    pub tier: String,
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub password: String,
    #[serde(default)]
    pub password_hash: String,
}

/// Parses one account; the password is hashed here (blocking: call off the runtime).
pub fn parse_member(raw: &RawMember) -> Result<NewUser, Vec<String>> {
    let mut errors: Vec<String> = Vec::new();
    fn keep<T>(errors: &mut Vec<String>, r: Result<T, String>) -> Option<T> {
        r.map_err(|e| errors.push(e)).ok()
    }
    macro_rules! take {
        ($e:expr) => {
            keep(&mut errors, $e)
        };
    }
    // The admin reads these in English, with the column named.
    let named = |column: &'static str| move |e: Invalid| format!("{column} {e}");
    let username = take!(Username::parse(&raw.username).map_err(named("username")));
    let display_name = take!(DisplayName::parse(&raw.display_name).map_err(named("display_name")));
    let email = take!(Email::parse(&raw.email).map_err(named("email")));
    let member_number = if raw.member_number.trim().is_empty() {
        Some(None)
    } else {
        take!(MemberNumber::parse(&raw.member_number)
            .map(Some)
            .map_err(named("member_number")))
    };
    let tier = take!(Tier::parse(&raw.tier));
    let role = take!(Role::parse(&raw.role));
    let password_hash = match (raw.password.is_empty(), raw.password_hash.trim()) {
        (false, "") if raw.password.chars().count() < MIN_PASSWORD_LEN => {
            take!(Err(format!(
                "password must be at least {MIN_PASSWORD_LEN} characters"
            )))
        }
        (false, "") => take!(passwords::hash_blocking(&raw.password)),
        (true, h) if !h.is_empty() => {
            if passwords::is_valid_hash(h) {
                Some(h.to_string())
            } else {
                take!(Err("password_hash is not an argon2 PHC string".into()))
            }
        }
        (true, _) => take!(Err("give either password or password_hash".into())),
        (false, _) => take!(Err("give either password or password_hash, not both".into())),
    };
    match (
        username,
        display_name,
        email,
        member_number,
        tier,
        role,
        password_hash,
    ) {
        (
            Some(username),
            Some(display_name),
            Some(email),
            Some(member_number),
            Some(tier),
            Some(role),
            Some(password_hash),
        ) if errors.is_empty() => Ok(NewUser {
            username,
            display_name,
            email,
            member_number,
            tier,
            role,
            password_hash,
        }),
        _ => Err(errors),
    }
}

/// Reads a CSV with a header row. Errors name the line in the file (the header is line 1).
pub fn parse_csv(input: &str) -> Result<Vec<NewUser>, Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(input.as_bytes());
    let mut users = Vec::new();
    let mut errors = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for (i, row) in reader.deserialize::<RawMember>().enumerate() {
        let line = i + 2;
        match row {
            Err(e) => errors.push(format!("line {line}: {e}")),
            Ok(raw) => match parse_member(&raw) {
                Err(es) => errors.extend(es.into_iter().map(|e| format!("line {line}: {e}"))),
                Ok(user) => {
                    if let Some(first) = seen.insert(user.username.as_str().to_string(), line) {
                        errors.push(format!(
                            "line {line}: username '{}' repeats line {first}",
                            user.username
                        ));
                    }
                    users.push(user);
                }
            },
        }
    }
    if errors.is_empty() {
        Ok(users)
    } else {
        Err(errors)
    }
}

/// Validates everything, refuses usernames already taken, then writes all rows in one transaction.
pub async fn import(db: &Db, users: Vec<NewUser>) -> Result<usize, Vec<String>> {
    let names: Vec<&str> = users.iter().map(|u| u.username.as_str()).collect();
    let taken = db
        .users()
        .existing(&names)
        .await
        .map_err(|e| vec![e.to_string()])?;
    if !taken.is_empty() {
        return Err(taken
            .into_iter()
            .map(|n| format!("username '{n}' already exists"))
            .collect());
    }
    db.users()
        .insert_all(&users, now_ms())
        .await
        .map_err(|e| vec![e.to_string()])?;
    Ok(users.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str =
        "username,display_name,email,member_number,tier,role,password,password_hash\n";

    #[test]
    fn good_rows_parse() {
        let csv =
            format!("{HEADER}ana,Ana Pérez,ana@example.com,123,Gold,member,long-enough-pw,\n");
        let users = parse_csv(&csv).unwrap();
        assert_eq!(users.len(), 1);
        assert_eq!(users[0].tier, Tier::Gold);
        assert!(users[0].password_hash.starts_with("$argon2id$"));
    }

    #[test]
    fn bad_rows_are_reported_by_line() {
        let csv = format!(
            "{HEADER}ana,Ana,ana@example.com,123,Gold,member,long-enough-pw,\n\
             bob,Bob,not-an-email,124,Bronze,member,short,\n\
             ana,Ana Again,ana2@example.com,125,Silver,member,long-enough-pw,\n"
        );
        let errors = parse_csv(&csv).unwrap_err();
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("line 3:") && e.contains("email")),
            "{errors:?}"
        );
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("line 3:") && e.contains("tier")),
            "{errors:?}"
        );
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("line 3:") && e.contains("password")),
            "{errors:?}"
        );
        assert!(
            errors
                .iter()
                .any(|e| e.starts_with("line 4:") && e.contains("repeats line 2")),
            "{errors:?}"
        );
    }
}
