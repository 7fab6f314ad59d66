//! Member rank. The variant order *is* the business order (lowest first), so `>=` means "at least".
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    WellnessAdvocate,
    Manager,
    Director,
    Executive,
    Elite,
    Premier,
    Silver,
    Gold,
    Platinum,
    Diamond,
    BlueDiamond,
    PresidentialDiamond,
}

impl Tier {
    pub const ALL: [Tier; 12] = [
        Tier::WellnessAdvocate,
        Tier::Manager,
        Tier::Director,
        Tier::Executive,
        Tier::Elite,
        Tier::Premier,
        Tier::Silver,
        Tier::Gold,
        Tier::Platinum,
        Tier::Diamond,
        Tier::BlueDiamond,
        Tier::PresidentialDiamond,
    ];

    /// Stable storage key (database, CSV, config).
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::WellnessAdvocate => "wellness_advocate",
            Tier::Manager => "manager",
            Tier::Director => "director",
            Tier::Executive => "executive",
            Tier::Elite => "elite",
            Tier::Premier => "premier",
            Tier::Silver => "silver",
            Tier::Gold => "gold",
            Tier::Platinum => "platinum",
            Tier::Diamond => "diamond",
            Tier::BlueDiamond => "blue_diamond",
            Tier::PresidentialDiamond => "presidential_diamond",
        }
    }

    /// Accepts the storage key or the human spelling ("Blue Diamond", "blue-diamond"), any case.
    pub fn parse(input: &str) -> Result<Tier, String> {
        let key: String = input
            .trim()
            .chars()
            .map(|c| match c {
                ' ' | '-' => '_',
                c => c.to_ascii_lowercase(),
            })
            .collect();
        Tier::ALL
            .into_iter()
            .find(|t| t.as_str() == key)
            .ok_or_else(|| format!("unknown tier '{}'", input.trim()))
    }
}

impl std::fmt::Display for Tier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_matches_the_business_ranking() {
        assert!(Tier::WellnessAdvocate < Tier::Manager);
        assert!(Tier::Premier < Tier::Silver);
        assert!(Tier::Silver < Tier::Gold);
        assert!(Tier::BlueDiamond < Tier::PresidentialDiamond);
        let mut sorted = Tier::ALL;
        sorted.sort();
        assert_eq!(sorted, Tier::ALL);
    }

    #[test]
    fn silver_gate() {
        let allowed: Vec<Tier> = Tier::ALL
            .into_iter()
            .filter(|t| *t >= Tier::Silver)
            .collect();
        assert_eq!(allowed.first(), Some(&Tier::Silver));
        assert_eq!(allowed.len(), 6);
        assert!(Tier::Manager < Tier::Silver);
    }

    #[test]
    fn parses_human_and_storage_spellings() {
        assert_eq!(Tier::parse("Blue Diamond"), Ok(Tier::BlueDiamond));
        assert_eq!(
            Tier::parse("presidential-diamond"),
            Ok(Tier::PresidentialDiamond)
        );
        assert_eq!(Tier::parse(" SILVER "), Ok(Tier::Silver));
        assert_eq!(Tier::parse("wellness_advocate"), Ok(Tier::WellnessAdvocate));
        assert!(Tier::parse("bronze").is_err());
        assert!(Tier::parse("").is_err());
        for t in Tier::ALL {
            assert_eq!(Tier::parse(t.as_str()), Ok(t));
        }
    }
}
