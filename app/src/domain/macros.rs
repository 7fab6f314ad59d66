//! Macros (canned answers): an admin writes them once in English and Spanish, agents apply
//! them to a ticket (the member's language is picked) or send them in a chat. Placeholders are
//! filled from the ticket; a macro may also move the ticket (ask for information, close).
use serde::{Deserialize, Serialize};

use super::TicketStatus;

/// What a placeholder stands for. Written `{member_name}` in a macro's text.
pub const PLACEHOLDERS: [&str; 4] = ["member_name", "ticket_number", "ticket_title", "agent_name"];

const NAME_MAX: usize = 80;
const BODY_MAX: usize = 5000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Macro {
    pub id: i64,
    pub name: String,
    pub body_en: String,
    pub body_es: String,
    /// What applying it does to the ticket besides answering (`None`: only answers).
    pub set_status: Option<TicketStatus>,
}

impl Macro {
    /// The text in the ticket's language: Spanish for Spanish tickets, English otherwise.
    pub fn body_for(&self, language: &str) -> &str {
        if language == "es" {
            &self.body_es
        } else {
            &self.body_en
        }
    }
}

/// A macro filled in for one ticket, as the agent sees it before applying it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketMacro {
    pub id: i64,
    pub name: String,
    pub text: String,
    pub set_status: Option<TicketStatus>,
}

/// What fills the placeholders.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MacroContext {
    pub member_name: String,
    pub ticket_number: Option<i64>,
    pub ticket_title: String,
    pub agent_name: String,
}

/// A macro as the admin's form sends it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MacroInput {
    pub name: String,
    pub body_en: String,
    pub body_es: String,
    pub set_status: Option<TicketStatus>,
}

impl MacroInput {
    /// Refusals name the field: (`name` | `body_en` | `body_es` | `set_status`, why).
    pub fn parse(
        name: &str,
        body_en: &str,
        body_es: &str,
        set_status: &str,
    ) -> Result<MacroInput, (&'static str, String)> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > NAME_MAX {
            return Err(("name", format!("a name of 1 to {NAME_MAX} characters")));
        }
        let body = |field: &'static str, text: &str| -> Result<String, (&'static str, String)> {
            let text = text.trim();
            if text.is_empty() || text.chars().count() > BODY_MAX {
                return Err((field, format!("a text of 1 to {BODY_MAX} characters")));
            }
            check_placeholders(text).map_err(|e| (field, e))?;
            Ok(text.replace("\r\n", "\n"))
        };
        let set_status = match set_status.trim() {
            "" | "none" => None,
            s => match TicketStatus::parse(s) {
                Ok(st @ (TicketStatus::AwaitingFeedback | TicketStatus::Closed)) => Some(st),
                _ => {
                    return Err((
                        "set_status",
                        "nothing, awaiting_feedback or closed".to_string(),
                    ))
                }
            },
        };
        Ok(MacroInput {
            name: name.to_string(),
            body_en: body("body_en", body_en)?,
            body_es: body("body_es", body_es)?,
            set_status,
        })
    }
}

/// Every `{...}` must be a known placeholder, so a typo shows when the macro is saved, not
/// when a member reads `{membre_name}`.
fn check_placeholders(text: &str) -> Result<(), String> {
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            return Err("a '{' without its '}'".into());
        };
        let name = &after[..close];
        if !PLACEHOLDERS.contains(&name) {
            return Err(format!(
                "unknown placeholder {{{name}}} (known: {})",
                PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(", ")
            ));
        }
        rest = &after[close + 1..];
    }
    Ok(())
}

/// Fills the placeholders. Text that came from people (names, titles) is put in as it is:
/// pages escape it when they show it.
pub fn render_macro(text: &str, ctx: &MacroContext) -> String {
    let number = ctx
        .ticket_number
        .map(|n| format!("#{n}"))
        .unwrap_or_default();
    let mut out = String::with_capacity(text.len() + 32);
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let v = match &after[..close] {
                "member_name" => ctx.member_name.as_str(),
                "ticket_number" => number.as_str(),
                "ticket_title" => ctx.ticket_title.as_str(),
                "agent_name" => ctx.agent_name.as_str(),
                _ => return None,
            };
            Some((v, close))
        });
        match value {
            Some((v, close)) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> MacroContext {
        MacroContext {
            member_name: "Ana {López}".into(),
            ticket_number: Some(42),
            ticket_title: "Cart".into(),
            agent_name: "Alex".into(),
        }
    }

    #[test]
    fn placeholders_are_filled_once_and_people_text_is_left_alone() {
        let text = "Hi {member_name}, about {ticket_number} ({ticket_title}): {agent_name} here.";
        assert_eq!(
            render_macro(text, &ctx()),
            "Hi Ana {López}, about #42 (Cart): Alex here."
        );
        // A name that looks like a placeholder is not expanded again.
        let sneaky = MacroContext {
            member_name: "{agent_name}".into(),
            ..ctx()
        };
        assert_eq!(render_macro("{member_name}", &sneaky), "{agent_name}");
        assert_eq!(render_macro("a { b", &ctx()), "a { b");
        let chat = MacroContext {
            ticket_number: None,
            ..ctx()
        };
        assert_eq!(render_macro("[{ticket_number}]", &chat), "[]");
    }

    #[test]
    fn the_form_is_checked_field_by_field() {
        let ok = MacroInput::parse(
            " Ask browser ",
            "Which browser, {member_name}?",
            "¿Qué navegador?",
            "awaiting_feedback",
        )
        .unwrap();
        assert_eq!(ok.name, "Ask browser");
        assert_eq!(ok.set_status, Some(TicketStatus::AwaitingFeedback));
        assert_eq!(
            MacroInput::parse("x", "a", "b", "").unwrap().set_status,
            None
        );
        assert_eq!(MacroInput::parse("", "a", "b", "").unwrap_err().0, "name");
        assert_eq!(
            MacroInput::parse("x", " ", "b", "").unwrap_err().0,
            "body_en"
        );
        let typo = MacroInput::parse("x", "a", "Hola {membre_name}", "").unwrap_err();
        assert_eq!(typo.0, "body_es");
        assert!(typo.1.contains("{membre_name}"));
        assert_eq!(
            MacroInput::parse("x", "a {b", "b", "").unwrap_err().0,
            "body_en"
        );
        assert_eq!(
            MacroInput::parse("x", "a", "b", "open").unwrap_err().0,
            "set_status"
        );
        assert!(MacroInput::parse(&"n".repeat(81), "a", "b", "").is_err());
    }

    #[test]
    fn the_ticket_language_picks_the_text() {
        let m = Macro {
            id: 1,
            name: "n".into(),
            body_en: "Hello".into(),
            body_es: "Hola".into(),
            set_status: None,
        };
        assert_eq!(m.body_for("es"), "Hola");
        assert_eq!(m.body_for("pt"), "Hello");
    }
}
