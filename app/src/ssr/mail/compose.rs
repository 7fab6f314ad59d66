//! A notice as an email: subject, plain text and HTML in the reader's language (the same locale
//! files as the app), a link into the ticket, the reply address and the one-click unsubscribe
//! headers. Only what the outbox row names is shown: the question or reply it is about, never an
//! internal note (the outbox query cannot read one) and nothing of another member.
use lettre::message::header::{ContentType, Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::Message;

use super::Mail;
use crate::domain::{format_day, NoticeKind, Role};
use crate::i18n::Locale;
use crate::ssr::db::{NoticeContext, OutboxRow};

/// The words of one email, before they are wrapped into a message.
#[derive(Debug, Clone)]
pub struct Parts {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Where the email points and what it may be answered to.
pub struct Links {
    pub ticket: String,
    pub unsubscribe: String,
    pub preferences: String,
    pub reply_to: Option<String>,
    /// After a closing: the links that rate it good or bad (the page opens with that choice).
    pub rate: Option<(String, String)>,
}

/// Members read in the language their ticket is in; staff in English, the desk's language.
pub fn locale_for(ctx: &NoticeContext) -> Locale {
    let is_member = Role::parse(&ctx.recipient_role).is_ok_and(|r| !r.is_staff());
    match ctx.language.as_str() {
        "es" if is_member => Locale::es,
        _ => Locale::en,
    }
}

/// The first line of `text`, at most 80 characters (with an ellipsis when cut).
fn short_title(text: &str) -> String {
    let line = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim();
    if line.chars().count() <= 80 {
        return line.to_string();
    }
    let cut: String = line.chars().take(79).collect();
    format!("{}…", cut.trim_end())
}

/// The day a ticket waiting for its member will be closed (reminders say it).
pub fn closes_on(ctx: &NoticeContext, auto_close_after: std::time::Duration) -> Option<i64> {
    ctx.awaiting_since
        .map(|since| since + auto_close_after.as_millis() as i64)
}

/// A notice's subject line and its first sentence, in the reader's language (an email's subject
/// and intro; a push's title and, without a quoted text, its body). `closes_on` is the
/// auto-close date of a reminder.
pub fn headline(
    kind: NoticeKind,
    ticket_id: i64,
    ctx: &NoticeContext,
    closes_on: Option<i64>,
) -> (String, String) {
    use crate::i18n::*;
    let l = locale_for(ctx);
    let id = ticket_id;
    // A chat's "title" is its question: its first line, within a subject's length.
    let title = match kind {
        NoticeKind::ChatEnded => short_title(&ctx.title),
        _ => ctx.title.clone(),
    };
    let title = title.as_str();
    let member = ctx.member_name.as_str();
    let date = closes_on
        .map(|at| format_day(at, td_string!(l, months)))
        .unwrap_or_default();
    match kind {
        NoticeKind::Question => (
            td_string!(l, email_question_subject, id, title).to_string(),
            td_string!(l, email_question_intro, title).to_string(),
        ),
        NoticeKind::Reply => (
            td_string!(l, email_reply_subject, id, title).to_string(),
            td_string!(l, email_reply_intro, title).to_string(),
        ),
        NoticeKind::Closed => (
            td_string!(l, email_closed_subject, id, title).to_string(),
            td_string!(l, email_closed_intro, title).to_string(),
        ),
        NoticeKind::ChatTicket => (
            td_string!(l, email_chat_ticket_subject, id, title).to_string(),
            td_string!(l, email_chat_ticket_intro, title).to_string(),
        ),
        NoticeKind::Reminder => (
            td_string!(l, email_reminder_subject, id, title).to_string(),
            td_string!(l, email_reminder_intro, title, date).to_string(),
        ),
        NoticeKind::AutoClosed => (
            td_string!(l, email_auto_closed_subject, id, title).to_string(),
            td_string!(l, email_auto_closed_intro, title).to_string(),
        ),
        NoticeKind::ChatEnded => (
            td_string!(l, email_chat_ended_subject, title).to_string(),
            td_string!(l, email_chat_ended_intro, title).to_string(),
        ),
        NoticeKind::NewTicket => (
            td_string!(l, email_new_ticket_subject, id, title).to_string(),
            td_string!(l, email_new_ticket_intro, name = member, title).to_string(),
        ),
        NoticeKind::MemberAnswer => (
            td_string!(l, email_member_answer_subject, id, title).to_string(),
            td_string!(l, email_member_answer_intro, name = member, title).to_string(),
        ),
        NoticeKind::SlaWarning => (
            td_string!(l, email_sla_warning_subject, id, title).to_string(),
            td_string!(l, email_sla_warning_intro, title).to_string(),
        ),
        NoticeKind::SlaBreached => (
            td_string!(l, email_sla_breached_subject, id, title).to_string(),
            td_string!(l, email_sla_breached_intro, title).to_string(),
        ),
    }
}

/// The subject and body of a notice. `closes_on` is the auto-close date of a reminder.
pub fn parts(
    kind: NoticeKind,
    ticket_id: i64,
    ctx: &NoticeContext,
    links: &Links,
    closes_on: Option<i64>,
) -> Parts {
    use crate::i18n::*;
    let l = locale_for(ctx);
    let (subject, intro) = headline(kind, ticket_id, ctx, closes_on);
    let greeting = td_string!(l, email_greeting, name = ctx.recipient_name.as_str()).to_string();
    let open = td_string!(l, email_open_ticket).to_string();
    let why = if kind.for_staff() {
        td_string!(l, email_why_staff).to_string()
    } else {
        td_string!(l, email_why).to_string()
    };
    let stop = td_string!(l, email_stop).to_string();
    let prefs = td_string!(l, notifications_link).to_string();
    // The marker goes first: a mail program quotes the whole email below the answer, and the
    // listener keeps only what is above the marker.
    let marker = links
        .reply_to
        .as_ref()
        .map(|_| td_string!(l, email_reply_marker).to_string());
    let hint = links
        .reply_to
        .as_ref()
        .map(|_| td_string!(l, email_reply_hint).to_string());
    let quoted = ctx.quoted.as_deref().filter(|q| !q.trim().is_empty());

    let mut text = String::new();
    if let Some(m) = &marker {
        text.push_str(&format!("{m}\n\n"));
    }
    text.push_str(&format!("{greeting}\n\n{intro}\n\n"));
    if let Some(q) = quoted {
        for line in q.lines() {
            text.push_str(&format!("    {line}\n"));
        }
        text.push('\n');
    }
    text.push_str(&format!("{open}: {}\n\n", links.ticket));
    let rate = links.rate.as_ref().map(|(good_url, bad_url)| {
        let ask = match kind {
            NoticeKind::ChatEnded => td_string!(l, email_rate_chat).to_string(),
            _ => td_string!(l, email_rate).to_string(),
        };
        let good = td_string!(l, rating_good).to_string();
        let bad = td_string!(l, rating_bad).to_string();
        (ask, good, good_url, bad, bad_url)
    });
    if let Some((ask, good, good_url, bad, bad_url)) = &rate {
        text.push_str(&format!("{ask}\n{good}: {good_url}\n{bad}: {bad_url}\n\n"));
    }
    if let Some(h) = &hint {
        text.push_str(&format!("{h}\n\n"));
    }
    text.push_str(&format!(
        "-- \n{why}\n{stop}: {}\n{prefs}: {}\n",
        links.unsubscribe, links.preferences
    ));

    let e = |s: &str| html_escape::encode_text(s).to_string();
    let a = |s: &str| html_escape::encode_double_quoted_attribute(s).to_string();
    let lang = leptos_i18n::Locale::as_str(l);
    let mut html = format!(
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <title>{}</title></head><body style=\"font-family:sans-serif;line-height:1.5;\
         color:#1a1a1a;max-width:40em\">",
        e(&subject)
    );
    if let Some(m) = &marker {
        html.push_str(&format!("<p style=\"color:#666\">{}</p>", e(m)));
    }
    html.push_str(&format!("<p>{}</p><p>{}</p>", e(&greeting), e(&intro)));
    if let Some(q) = quoted {
        html.push_str(&format!(
            "<blockquote style=\"border-left:4px solid #0b5cad;margin:0;padding:0 1em;\
             white-space:pre-wrap\">{}</blockquote>",
            e(q)
        ));
    }
    html.push_str(&format!(
        "<p><a href=\"{}\" style=\"display:inline-block;background:#0b5cad;color:#fff;\
         padding:.6em 1.2em;border-radius:4px;text-decoration:none\">{}</a></p>",
        a(&links.ticket),
        e(&open)
    ));
    if let Some((ask, good, good_url, bad, bad_url)) = &rate {
        html.push_str(&format!(
            "<p>{}</p><p><a href=\"{}\">👍 {}</a> · <a href=\"{}\">👎 {}</a></p>",
            e(ask),
            a(good_url),
            e(good),
            a(bad_url),
            e(bad)
        ));
    }
    if let Some(h) = &hint {
        html.push_str(&format!("<p>{}</p>", e(h)));
    }
    html.push_str(&format!(
        "<hr><p style=\"font-size:small;color:#666\">{}<br><a href=\"{}\">{}</a> · \
         <a href=\"{}\">{}</a></p></body></html>",
        e(&why),
        a(&links.unsubscribe),
        e(&stop),
        a(&links.preferences),
        e(&prefs)
    ));
    Parts {
        subject,
        text,
        html,
    }
}

/// `List-Unsubscribe: <https://…>` (RFC 2369); with `List-Unsubscribe-Post` (RFC 8058) a mail
/// program unsubscribes with one POST, no page to click through.
#[derive(Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }
    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(s.to_string()))
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), format!("<{}>", self.0))
    }
}

#[derive(Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }
    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribePost)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".into())
    }
}

/// The whole message for one outbox row. Its Message-ID is the row's, so a copy sent again after
/// a crash (between the server's "accepted" and our "sent") is recognisably the same email.
pub fn message(
    mail: &Mail,
    row: &OutboxRow,
    ctx: &NoticeContext,
    parts: Parts,
    links: &Links,
) -> Result<Message, String> {
    let to = Mailbox::new(
        Some(ctx.recipient_name.clone()),
        ctx.recipient_email
            .parse()
            .map_err(|e| format!("recipient address: {e}"))?,
    );
    let domain = mail.domain();
    let mut builder = Message::builder()
        .from(mail.from().clone())
        .to(to)
        .subject(parts.subject)
        .message_id(Some(format!("<notice-{}@{domain}>", row.id)))
        // Threads every email about one ticket together in the reader's mail program.
        .references(format!("<{}@{domain}>", row.about().key()))
        .header(ListUnsubscribe(links.unsubscribe.clone()))
        .header(ListUnsubscribePost);
    if let Some(reply) = &links.reply_to {
        let reply: Mailbox = reply.parse().map_err(|e| format!("reply address: {e}"))?;
        builder = builder.reply_to(reply);
    }
    builder
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(parts.text),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(parts.html),
                ),
        )
        .map_err(|e| format!("message: {e}"))
}
