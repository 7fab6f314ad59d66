//! A notice as a push: the JSON the service worker turns into a notification. Short (a push
//! carries at most about 4 KB), in the reader's language, with the same text an email has:
//! the question or reply it is about, never an internal note (the outbox query cannot read one).
use serde::Serialize;

use crate::domain::NoticeKind;
use crate::ssr::db::{About, NoticeContext};
use crate::ssr::mail::{compose, Mail};

/// Characters of the quoted question or reply a notification shows.
const BODY_CHARS: usize = 160;

#[derive(Debug, Clone, Serialize)]
pub struct Payload {
    pub title: String,
    pub body: String,
    /// Opened when the notification is tapped.
    pub url: String,
    pub tag: String,
    pub lang: &'static str,
    /// Buttons on the notification (rating a closed ticket), each opening its own link.
    pub actions: Vec<Action>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Action {
    pub action: &'static str,
    pub title: String,
    pub url: String,
}

pub fn build(
    kind: NoticeKind,
    about: About,
    ctx: &NoticeContext,
    mail: &Mail,
    closes_on: Option<i64>,
) -> Payload {
    use crate::i18n::*;
    let l = compose::locale_for(ctx);
    let (title, intro) = compose::headline(kind, about.id(), ctx, closes_on);
    // The email's words for a closing speak of answering the email; a push says where instead.
    let title_text = ctx.title.as_str();
    let body = match (kind, ctx.quoted.as_deref().map(str::trim)) {
        (NoticeKind::Closed, _) => td_string!(l, push_closed_body, title = title_text).to_string(),
        (NoticeKind::AutoClosed, _) => {
            td_string!(l, push_auto_closed_body, title = title_text).to_string()
        }
        (NoticeKind::Reminder, _) => intro,
        (_, Some(q)) if !q.is_empty() => shorten(q, BODY_CHARS),
        _ => intro,
    };
    let actions = mail
        .rate_urls(kind, about)
        .map(|(good, bad)| {
            vec![
                Action {
                    action: "rate-good",
                    title: td_string!(l, rating_good).to_string(),
                    url: good,
                },
                Action {
                    action: "rate-bad",
                    title: td_string!(l, rating_bad).to_string(),
                    url: bad,
                },
            ]
        })
        .unwrap_or_default();
    Payload {
        title,
        body,
        url: mail.page_url(about),
        // One notification per ticket (or chat) on the device: a newer notice replaces it.
        tag: about.key(),
        lang: match l {
            Locale::es => "es",
            _ => "en",
        },
        actions,
    }
}

/// At most `max` characters, cut at a word where one is near, with an ellipsis.
fn shorten(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(at) if at > max / 2 => cut[..at].to_string(),
        _ => cut,
    };
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::shorten;

    #[test]
    fn long_texts_are_cut_at_a_word_with_an_ellipsis() {
        assert_eq!(shorten("short\n text", 20), "short text");
        assert_eq!(shorten("one two three four", 12), "one two…");
        let cut = shorten(&"ñ".repeat(300), 160);
        assert_eq!(cut.chars().count(), 161, "160 characters and the ellipsis");
    }
}
