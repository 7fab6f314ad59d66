use serde::{Deserialize, Serialize};

/// What a person does here. Agents and admins work the desk whatever their tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Member,
    Agent,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Agent => "agent",
            Role::Admin => "admin",
        }
    }

    pub fn parse(input: &str) -> Result<Role, String> {
        match input.trim().to_ascii_lowercase().as_str() {
            "member" | "" => Ok(Role::Member),
            "agent" => Ok(Role::Agent),
            "admin" => Ok(Role::Admin),
            other => Err(format!("unknown role '{other}' (member, agent or admin)")),
        }
    }

    pub fn is_staff(self) -> bool {
        matches!(self, Role::Agent | Role::Admin)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_roles() {
        assert_eq!(Role::parse("Agent"), Ok(Role::Agent));
        assert_eq!(Role::parse(""), Ok(Role::Member));
        assert!(Role::parse("root").is_err());
        assert!(Role::Admin.is_staff() && !Role::Member.is_staff());
    }
}
