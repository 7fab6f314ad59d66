//! What someone typed in a search box, reduced to words the full-text engines can take safely.
//!
//! Only letters and digits reach the engine: FTS5 and `to_tsquery` each have a query syntax
//! (quotes, `OR`, `:*`, `&`…) that a typed `"` or `&` would otherwise break or change. Every word
//! must match (AND), each as a prefix, so "pass" finds "password" as the member types it.
use serde::{Deserialize, Serialize};

/// At most this many words count; the rest of a pasted paragraph is ignored.
pub const MAX_WORDS: usize = 8;
/// Longer "words" are cut: no real word is longer, and a huge token only costs the engine.
pub const MAX_WORD_CHARS: usize = 40;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchTerms(Vec<String>);

impl SearchTerms {
    /// The words of `text`, lowercased; `None` when nothing searchable is left ("%%", "  ").
    pub fn parse(text: &str) -> Option<SearchTerms> {
        let words: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .take(MAX_WORDS)
            .map(|w| {
                w.chars()
                    .take(MAX_WORD_CHARS)
                    .collect::<String>()
                    .to_lowercase()
            })
            .collect();
        (!words.is_empty()).then_some(SearchTerms(words))
    }

    pub fn words(&self) -> &[String] {
        &self.0
    }

    /// SQLite FTS5: `"word"* "other"*` (each a quoted prefix; a space means AND).
    pub fn fts5(&self) -> String {
        self.0
            .iter()
            .map(|w| format!("\"{w}\"*"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// PostgreSQL `to_tsquery`: `word:* & other:*`.
    pub fn tsquery(&self) -> String {
        self.0
            .iter()
            .map(|w| format!("{w}:*"))
            .collect::<Vec<_>>()
            .join(" & ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_words_reach_the_engine() {
        let t = SearchTerms::parse(r#"  Contraseña "OR" pass:* & (x) "#).unwrap();
        assert_eq!(t.words(), ["contraseña", "or", "pass", "x"]);
        assert_eq!(t.fts5(), r#""contraseña"* "or"* "pass"* "x"*"#);
        assert_eq!(t.tsquery(), "contraseña:* & or:* & pass:* & x:*");
        assert_eq!(SearchTerms::parse("%% -- ''"), None);
        assert_eq!(SearchTerms::parse(""), None);
    }

    #[test]
    fn long_input_is_bounded() {
        let many = "a ".repeat(50);
        assert_eq!(SearchTerms::parse(&many).unwrap().words().len(), MAX_WORDS);
        let long = "x".repeat(500);
        assert_eq!(
            SearchTerms::parse(&long).unwrap().words()[0].len(),
            MAX_WORD_CHARS
        );
    }
}
