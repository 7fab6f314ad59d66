//! What a member or agent types into a ticket, parsed once and trusted afterwards.
//! The same `parse` runs in the browser (to refuse early) and on the server (to refuse for real).
use serde::{Deserialize, Serialize};

use super::invalid::{check_length, Invalid};

pub const TITLE_MAX: usize = 150;
pub const DESCRIPTION_MIN: usize = 10;
pub const BODY_MAX: usize = 10_000;

fn clean(input: &str) -> String {
    // Keep newlines and tabs; drop other control characters that only break layouts and logs.
    input
        .trim()
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketTitle(String);

impl TicketTitle {
    pub fn parse(input: &str) -> Result<TicketTitle, Invalid> {
        let s: String = clean(input).replace(['\n', '\t'], " ");
        check_length(&s, 3, TITLE_MAX)?;
        Ok(TicketTitle(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Description(String);

impl Description {
    pub fn parse(input: &str) -> Result<Description, Invalid> {
        let s = clean(input);
        check_length(&s, DESCRIPTION_MIN, BODY_MAX)?;
        Ok(Description(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A reply, question or note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageBody(String);

impl MessageBody {
    pub fn parse(input: &str) -> Result<MessageBody, Invalid> {
        let s = clean(input);
        check_length(&s, 1, BODY_MAX)?;
        Ok(MessageBody(s))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Languages a ticket can be written in: code and the name members write in titles.
pub const LANGUAGES: [(&str, &str); 12] = [
    ("en", "English"),
    ("es", "Español"),
    ("pt", "Português"),
    ("fr", "Français"),
    ("de", "Deutsch"),
    ("it", "Italiano"),
    ("nl", "Nederlands"),
    ("pl", "Polski"),
    ("ru", "Русский"),
    ("ja", "日本語"),
    ("zh", "中文"),
    ("ko", "한국어"),
];

pub fn parse_language(code: &str) -> Result<&'static str, Invalid> {
    LANGUAGES
        .iter()
        .find(|(c, _)| *c == code.trim())
        .map(|(c, _)| *c)
        .ok_or(Invalid::UnknownLanguage)
}

/// The seed asks members to start titles with their language ("Español - No puedo ...").
/// Recognises that prefix (any case, with or without accents, "-", ":" or "–").
pub fn language_prefix(title: &str) -> Option<&'static str> {
    let (head, _) = title.split_once(['-', ':', '–'].as_ref())?;
    let fold = |s: &str| -> String {
        s.chars()
            .map(|c| match c {
                'á' | 'à' | 'â' | 'ã' | 'Á' => 'a',
                'é' | 'è' | 'ê' | 'É' => 'e',
                'í' | 'Í' => 'i',
                'ó' | 'ô' | 'õ' | 'Ó' => 'o',
                'ú' | 'ü' | 'Ú' => 'u',
                'ñ' | 'Ñ' => 'n',
                'ç' | 'Ç' => 'c',
                c => c.to_lowercase().next().unwrap_or(c),
            })
            .collect()
    };
    let head = fold(head.trim());
    if head.is_empty() {
        return None;
    }
    let aliases: [(&str, &str); 6] = [
        ("spanish", "es"),
        ("portuguese", "pt"),
        ("french", "fr"),
        ("german", "de"),
        ("italian", "it"),
        ("english", "en"),
    ];
    LANGUAGES
        .iter()
        .find(|(_, name)| fold(name) == head)
        .map(|(code, _)| *code)
        .or_else(|| aliases.iter().find(|(a, _)| *a == head).map(|(_, c)| *c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles() {
        assert_eq!(
            TicketTitle::parse("  Login fails \n again ")
                .unwrap()
                .as_str(),
            "Login fails   again"
        );
        assert!(TicketTitle::parse("").is_err());
        assert!(TicketTitle::parse("   ").is_err());
        assert!(TicketTitle::parse("ab").is_err());
        assert!(TicketTitle::parse(&"x".repeat(TITLE_MAX + 1)).is_err());
        assert!(TicketTitle::parse(&"ñ".repeat(TITLE_MAX)).is_ok());
        // Markup is kept as text; the views escape it.
        assert_eq!(
            TicketTitle::parse("<script>x</script>").unwrap().as_str(),
            "<script>x</script>"
        );
    }

    #[test]
    fn descriptions_and_bodies() {
        assert!(Description::parse("too short").is_err());
        assert!(Description::parse("Steps: 1. open 2. click").is_ok());
        assert!(Description::parse(&"a".repeat(BODY_MAX + 1)).is_err());
        assert!(MessageBody::parse(" \n ").is_err());
        assert_eq!(MessageBody::parse("ok\u{0007}").unwrap().as_str(), "ok");
    }

    #[test]
    fn recognises_language_prefixes() {
        assert_eq!(
            language_prefix("Español - No puedo procesar el pedido"),
            Some("es")
        );
        assert_eq!(language_prefix("espanol: pedido"), Some("es"));
        assert_eq!(language_prefix("Português - Não consigo"), Some("pt"));
        assert_eq!(language_prefix("Spanish - pedido"), Some("es"));
        assert_eq!(language_prefix("日本語 - 注文"), Some("ja"));
        assert_eq!(language_prefix("Cannot log in"), None);
        assert_eq!(language_prefix("Login - broken"), None);
        assert_eq!(language_prefix("English is broken - help"), None);
    }

    #[test]
    fn languages() {
        assert_eq!(parse_language("es"), Ok("es"));
        assert!(parse_language("xx").is_err());
    }
}
