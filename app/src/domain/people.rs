//! An account as the admin console lists it.
use serde::{Deserialize, Serialize};

use super::{Role, Tier};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub email: String,
    pub member_number: Option<String>,
    pub tier: Tier,
    pub role: Role,
    pub disabled: bool,
    /// Tickets they filed (members).
    pub tickets: i64,
}
