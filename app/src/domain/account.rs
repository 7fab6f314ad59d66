//! Account fields, parsed once at the edge (CSV import, CLI, login form) so the rest of the code
//! can trust them.
use serde::{Deserialize, Serialize};

use super::invalid::{check_length, Invalid};
use super::{Role, Tier};

macro_rules! text_newtype {
    ($name:ident) => {
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        pub struct $name(String);
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

text_newtype!(Username);
text_newtype!(Email);
text_newtype!(DisplayName);
text_newtype!(MemberNumber);

impl Username {
    /// Usernames compare case-insensitively, so they are stored lower-case.
    /// Letters, digits and `. _ - @` only.
    pub fn parse(input: &str) -> Result<Username, Invalid> {
        let s = input.trim().to_lowercase();
        check_length(&s, 1, 64)?;
        if !s.chars().all(|c| c.is_alphanumeric() || "._-@".contains(c)) {
            return Err(Invalid::BadCharacters);
        }
        Ok(Username(s))
    }
}

impl Email {
    pub fn parse(input: &str) -> Result<Email, Invalid> {
        let s = input.trim();
        if s.is_empty() {
            return Err(Invalid::Empty);
        }
        let (local, domain) = s.split_once('@').ok_or(Invalid::NotEmail)?;
        let ok = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && s.len() <= 254
            && !s.chars().any(|c| c.is_whitespace() || c == '<' || c == '>');
        if ok {
            Ok(Email(s.to_string()))
        } else {
            Err(Invalid::NotEmail)
        }
    }
}

impl DisplayName {
    pub fn parse(input: &str) -> Result<DisplayName, Invalid> {
        let s = input.trim();
        check_length(s, 1, 120)?;
        if s.chars().any(char::is_control) {
            return Err(Invalid::BadCharacters);
        }
        Ok(DisplayName(s.to_string()))
    }
}

impl MemberNumber {
    /// Member numbers are digits (leading zeros kept); optional for staff.
    pub fn parse(input: &str) -> Result<MemberNumber, Invalid> {
        let s = input.trim();
        if s.is_empty() || s.len() > 20 || !s.chars().all(|c| c.is_ascii_digit()) {
            return Err(Invalid::NotMemberNumber);
        }
        Ok(MemberNumber(s.to_string()))
    }
}

/// Minimum length only: long passphrases beat composition rules (NIST 800-63B).
pub const MIN_PASSWORD_LEN: usize = 8;

/// The signed-in person as the UI sees it. Never carries secrets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub member_number: Option<String>,
    pub tier: Tier,
    pub role: Role,
}

impl CurrentUser {
    /// The Technical Issues gate: staff always pass, members from `min_tier` up.
    pub fn may_use_desk(&self, min_tier: Tier) -> bool {
        self.role.is_staff() || self.tier >= min_tier
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(tier: Tier, role: Role) -> CurrentUser {
        CurrentUser {
            id: 1,
            username: "u".into(),
            display_name: "U".into(),
            email: "u@example.com".into(),
            member_number: None,
            tier,
            role,
        }
    }

    #[test]
    fn gate() {
        assert!(user(Tier::Silver, Role::Member).may_use_desk(Tier::Silver));
        assert!(user(Tier::Diamond, Role::Member).may_use_desk(Tier::Silver));
        assert!(!user(Tier::Manager, Role::Member).may_use_desk(Tier::Silver));
        assert!(!user(Tier::Premier, Role::Member).may_use_desk(Tier::Silver));
        assert!(user(Tier::Manager, Role::Agent).may_use_desk(Tier::Silver));
        assert!(user(Tier::WellnessAdvocate, Role::Admin).may_use_desk(Tier::Silver));
        assert!(user(Tier::Gold, Role::Member).may_use_desk(Tier::Gold));
        assert!(!user(Tier::Silver, Role::Member).may_use_desk(Tier::Gold));
    }

    #[test]
    fn usernames() {
        assert_eq!(Username::parse(" Silver ").unwrap().as_str(), "silver");
        assert!(Username::parse("").is_err());
        assert!(Username::parse("a b").is_err());
        assert!(Username::parse("<script>").is_err());
        assert!(Username::parse(&"x".repeat(65)).is_err());
    }

    #[test]
    fn emails() {
        assert!(Email::parse("ana@example.com").is_ok());
        assert!(Email::parse("ana@example").is_err());
        assert!(Email::parse("@example.com").is_err());
        assert!(Email::parse("ana example@x.com").is_err());
    }

    #[test]
    fn member_numbers_and_names() {
        assert_eq!(MemberNumber::parse("0012345").unwrap().as_str(), "0012345");
        assert!(MemberNumber::parse("12a").is_err());
        assert!(DisplayName::parse("  ").is_err());
        assert_eq!(
            DisplayName::parse(" Ana Pérez ").unwrap().as_str(),
            "Ana Pérez"
        );
    }
}

/// A new authenticator set-up, shown once: the QR code (SVG drawn on the server), the same
/// secret as text for typing in, and the `otpauth://` link for an app on the same phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoStepSetup {
    pub secret: String,
    pub uri: String,
    pub svg: String,
}

/// Where a staff member's two-step sign-in stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TwoStepStatus {
    pub on: bool,
    pub recovery_codes_left: i64,
    /// The password was right, the desk requires two-step sign-in and this person has none
    /// yet: they are signed in once it is set up.
    pub setting_up: bool,
}

/// Why a sign-in through the member system (the company's identity provider) ended on the
/// login page instead: the server puts the code in the address (`/login?sso=<code>`) and the
/// page words it, so both read this one list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInProblem {
    /// No sign-in was started in this browser, it is stale, or its state does not match.
    State,
    /// The provider answered with an OAuth error (`access_denied`, ...).
    Provider,
    /// The provider could not be reached, or its discovery document is unusable.
    Unreachable,
    /// The code exchange failed, or the ID token did not pass its checks.
    Token,
    /// The tier claim is missing or names no tier this desk knows.
    UnknownTier,
    /// The claims lack something the desk needs (email, name) or carry it malformed.
    Profile,
    /// The account the identity leads to is switched off.
    Disabled,
    /// The identity leads to a staff account: staff sign in with their password.
    Staff,
}

impl SignInProblem {
    const ALL: [SignInProblem; 8] = [
        SignInProblem::State,
        SignInProblem::Provider,
        SignInProblem::Unreachable,
        SignInProblem::Token,
        SignInProblem::UnknownTier,
        SignInProblem::Profile,
        SignInProblem::Disabled,
        SignInProblem::Staff,
    ];

    pub fn code(self) -> &'static str {
        match self {
            SignInProblem::State => "state",
            SignInProblem::Provider => "provider",
            SignInProblem::Unreachable => "unreachable",
            SignInProblem::Token => "token",
            SignInProblem::UnknownTier => "tier",
            SignInProblem::Profile => "profile",
            SignInProblem::Disabled => "disabled",
            SignInProblem::Staff => "staff",
        }
    }

    pub fn from_code(code: &str) -> Option<SignInProblem> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }
}
