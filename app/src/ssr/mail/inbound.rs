//! Replies by email: a small SMTP listener in the server. The company's mail exchanger forwards
//! mail for the reply domain to it (it does the internet-facing work: TLS, spam, SPF/DKIM), and
//! each message becomes the member's reply on their ticket, through the same rules and upload
//! pipeline as a reply in the app.
//!
//! Why a listener and not IMAP polling: the reply arrives at once (the agent sees it live), there
//! is no mailbox to keep or clean, and a refusal goes back to the sender as a bounce that says
//! why. The protocol grammar is `smtp-proto` (Stalwart's parser), the message `mail-parser`.
//!
//! Who may reply: the recipient must be a reply address whose signature fits the ticket and its
//! member (only they received it), and the sender, in the envelope and the From header, must be
//! that member's address. Anything else is refused with a 550 and logged.
use std::time::Duration;

use mail_parser::{MessageParser, MimeHeaders};
use smtp_proto::request::receiver::{DataReceiver, DummyDataReceiver, RequestReceiver};
use smtp_proto::{EhloResponse, Request, EXT_8BIT_MIME, EXT_ENHANCED_STATUS_CODES, EXT_SIZE};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::domain::{sanitize_file_name, CurrentUser, MessageBody};
use crate::error::AppError;
use crate::ssr::auth::{check, Access};
use crate::ssr::state::AppState;
use crate::ssr::uploads::{check_and_stage, Budget, Staged};

/// A client silent for this long is disconnected.
const IDLE: Duration = Duration::from_secs(60);

/// Accepts SMTP connections until the hub closes (server shutdown).
pub async fn run(st: AppState, listener: TcpListener) {
    let closed = st.hub.closed();
    tokio::pin!(closed);
    loop {
        tokio::select! {
            _ = &mut closed => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let st = st.clone();
                    tokio::spawn(async move {
                        if let Err(e) = session(&st, stream).await {
                            tracing::debug!(%peer, error = %e, "inbound smtp session ended");
                        }
                    });
                }
                Err(e) => {
                    tracing::warn!(error = %e, "inbound smtp: accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
    }
}

/// One envelope being received.
#[derive(Default)]
struct Envelope {
    from: Option<String>,
    to: Option<(i64, String)>,
}

async fn session(st: &AppState, mut stream: TcpStream) -> std::io::Result<()> {
    let name = st.mail.domain().to_string();
    let max = st.config.inbound_max_bytes;
    stream
        .write_all(format!("220 {name} ESMTP Member Tech Support\r\n").as_bytes())
        .await?;
    let mut receiver = RequestReceiver::default();
    let mut envelope = Envelope::default();
    let mut buf = vec![0u8; 8192];
    loop {
        let n = read(&mut stream, &mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        let mut bytes = buf[..n].iter();
        loop {
            let request = match receiver.ingest(&mut bytes) {
                Ok(r) => r.into_owned(),
                Err(smtp_proto::Error::NeedsMoreData { .. }) => break,
                Err(smtp_proto::Error::ResponseTooLong) => {
                    reply(&mut stream, "500 5.5.2 line too long").await?;
                    continue;
                }
                Err(_) => {
                    reply(&mut stream, "500 5.5.2 syntax error").await?;
                    continue;
                }
            };
            match request {
                Request::Ehlo { .. } => {
                    let mut ehlo = EhloResponse::new(name.as_str());
                    ehlo.capabilities = EXT_8BIT_MIME | EXT_SIZE | EXT_ENHANCED_STATUS_CODES;
                    ehlo.size = max;
                    let mut out = Vec::new();
                    ehlo.write(&mut out)?;
                    stream.write_all(&out).await?;
                    envelope = Envelope::default();
                }
                Request::Helo { .. } => {
                    reply(&mut stream, &format!("250 {name}")).await?;
                    envelope = Envelope::default();
                }
                Request::Mail { from } => {
                    envelope = Envelope {
                        from: Some(from.address),
                        to: None,
                    };
                    reply(&mut stream, "250 2.1.0 OK").await?;
                }
                Request::Rcpt { to } => {
                    let answer = if envelope.from.is_none() {
                        "503 5.5.1 MAIL first"
                    } else if envelope.to.is_some() {
                        "452 4.5.3 one reply address per message"
                    } else if let Some((ticket, sig)) = st.mail.parse_reply_address(&to.address) {
                        envelope.to = Some((ticket, sig.to_string()));
                        "250 2.1.5 OK"
                    } else {
                        tracing::warn!(to = %to.address, "inbound smtp: not a reply address");
                        "550 5.1.1 no such mailbox"
                    };
                    reply(&mut stream, answer).await?;
                }
                Request::Data => {
                    let (Some(from), Some((ticket, sig))) = (&envelope.from, &envelope.to) else {
                        reply(&mut stream, "503 5.5.1 RCPT first").await?;
                        continue;
                    };
                    reply(&mut stream, "354 end with <CRLF>.<CRLF>").await?;
                    let message = read_data(&mut stream, &mut bytes, max).await?;
                    let answer = match message {
                        None => "552 5.3.4 message too big".to_string(),
                        Some(raw) => match take_reply(st, from, *ticket, sig, &raw).await {
                            Ok(()) => "250 2.0.0 added to the ticket".to_string(),
                            Err(refusal) => refusal.smtp(),
                        },
                    };
                    reply(&mut stream, &answer).await?;
                    envelope = Envelope::default();
                    // What followed the message in the last read is read again from the top.
                    break;
                }
                Request::Rset => {
                    envelope = Envelope::default();
                    reply(&mut stream, "250 2.0.0 OK").await?;
                }
                Request::Noop { .. } => reply(&mut stream, "250 2.0.0 OK").await?,
                Request::Quit => {
                    reply(&mut stream, "221 2.0.0 bye").await?;
                    return Ok(());
                }
                _ => reply(&mut stream, "502 5.5.1 not implemented").await?,
            }
        }
    }
}

async fn read(stream: &mut TcpStream, buf: &mut [u8]) -> std::io::Result<usize> {
    match tokio::time::timeout(IDLE, stream.read(buf)).await {
        Ok(r) => r,
        Err(_) => {
            let _ = stream.write_all(b"421 4.4.2 idle too long\r\n").await;
            Err(std::io::ErrorKind::TimedOut.into())
        }
    }
}

async fn reply(stream: &mut TcpStream, line: &str) -> std::io::Result<()> {
    stream.write_all(format!("{line}\r\n").as_bytes()).await
}

/// The message after DATA, un-dot-stuffed; `None` if it was larger than `max` (read to its end
/// and thrown away, so the session can go on).
async fn read_data(
    stream: &mut TcpStream,
    pending: &mut std::slice::Iter<'_, u8>,
    max: usize,
) -> std::io::Result<Option<Vec<u8>>> {
    let mut data = DataReceiver::new();
    let mut message = Vec::new();
    let mut buf = vec![0u8; 64 * 1024];
    let mut left: Vec<u8> = pending.as_slice().to_vec();
    *pending = [].iter();
    loop {
        let mut bytes = left.iter();
        if data.ingest(&mut bytes, &mut message) {
            return Ok(Some(message));
        }
        if message.len() > max {
            let mut rest = DummyDataReceiver::new_data(&data);
            loop {
                let n = read(stream, &mut buf).await?;
                if n == 0 || rest.ingest(&mut buf[..n].iter()) {
                    return Ok(None);
                }
            }
        }
        let n = read(stream, &mut buf).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        left = buf[..n].to_vec();
    }
}

/// Why a reply by email was not taken, as the SMTP answer that bounces back to the sender.
#[derive(Debug)]
pub enum Refusal {
    /// Not the member of this ticket, or not a genuine reply address.
    NotAllowed(&'static str),
    /// The reply itself is not acceptable (empty, a file we do not take...).
    Rejected(String),
    /// Our side cannot take it now: the sending server will try again.
    Later,
}

impl Refusal {
    fn smtp(&self) -> String {
        match self {
            Refusal::NotAllowed(why) => format!("550 5.7.1 {why}"),
            Refusal::Rejected(why) => format!("550 5.6.0 {why}"),
            Refusal::Later => "451 4.3.0 try again later".into(),
        }
    }
}

impl From<AppError> for Refusal {
    fn from(e: AppError) -> Refusal {
        match e {
            AppError::Unavailable
            | AppError::Internal
            | AppError::StorageFull
            | AppError::TimedOut
            | AppError::RateLimited { .. } => Refusal::Later,
            AppError::NotFound => Refusal::NotAllowed("no such ticket"),
            AppError::TierTooLow { .. } | AppError::Forbidden | AppError::Unauthorized => {
                Refusal::NotAllowed("this account may not reply")
            }
            other => Refusal::Rejected(other.to_string()),
        }
    }
}

impl From<sqlx::Error> for Refusal {
    fn from(e: sqlx::Error) -> Refusal {
        AppError::from(e).into()
    }
}

/// Checks who sent `raw` to the reply address of `ticket_id` and adds it as their reply.
pub async fn take_reply(
    st: &AppState,
    envelope_from: &str,
    ticket_id: i64,
    sig: &str,
    raw: &[u8],
) -> Result<(), Refusal> {
    let member = member_of(st, ticket_id).await?;
    if !st.mail.reply_is_genuine(ticket_id, member.id, sig) {
        tracing::warn!(ticket_id, from = %envelope_from, "inbound smtp: forged reply address");
        return Err(Refusal::NotAllowed("not a valid reply address"));
    }
    let message = MessageParser::default()
        .parse(raw)
        .ok_or_else(|| Refusal::Rejected("unreadable message".into()))?;
    let header_from = message
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap_or("");
    let is_member = |a: &str| !a.is_empty() && a.trim().eq_ignore_ascii_case(member.email.trim());
    if !is_member(envelope_from) || !is_member(header_from) {
        tracing::warn!(
            ticket_id,
            envelope_from,
            header_from,
            "inbound smtp: reply from someone other than the ticket's member refused"
        );
        return Err(Refusal::NotAllowed(
            "only the member of this ticket may reply",
        ));
    }
    let user = check(
        Some(member),
        Access::DeskUser,
        st.desk().settings.general.min_tier,
    )?;
    let text = message.body_text(0).unwrap_or_default();
    let answer = answer_above_marker(&text);
    let mut staged = Staged::new(&st.files);
    let attachments: Vec<_> = message.attachments().collect();
    if !attachments.is_empty() {
        let allowance = crate::ssr::quota::allowance(st, &user).await?;
        let mut budget = Budget::new(st.config.upload_limits, allowance);
        for part in attachments {
            let name = sanitize_file_name(part.attachment_name().unwrap_or("attachment"));
            let bytes = part.contents().to_vec();
            budget.fits(&name, bytes.len())?;
            budget.spent += bytes.len() as u64;
            budget.count_file()?;
            staged
                .files
                .push(check_and_stage(&st.files, name, bytes).await?);
        }
    }
    // A reply that is only screenshots still says something on the ticket.
    let body = if answer.is_empty() && !staged.files.is_empty() {
        "📎".to_string()
    } else {
        answer
    };
    let body = MessageBody::parse(&body).map_err(|e| AppError::validation("body", e))?;
    crate::ssr::tickets::reply_with(st, &user, ticket_id, &body, staged).await?;
    tracing::info!(ticket_id, "reply by email added");
    Ok(())
}

async fn member_of(st: &AppState, ticket_id: i64) -> Result<CurrentUser, Refusal> {
    let head = st.db.tickets().head(ticket_id).await?;
    let Some(head) = head else {
        return Err(Refusal::NotAllowed("no such ticket"));
    };
    // A disabled account has no user here, like a session of one.
    let member = st.db.users().by_id(head.member_id).await?;
    member.ok_or(Refusal::NotAllowed("this account may not reply"))
}

/// What the member wrote: the text above our marker line (in either language), without the
/// quoted email their mail program added below an "On … wrote:" line.
pub fn answer_above_marker(text: &str) -> String {
    use crate::i18n::*;
    let markers: Vec<&str> = <Locale as leptos_i18n::Locale>::get_all()
        .iter()
        .map(|l| td_string!(*l, email_reply_marker))
        .collect();
    let mut kept = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim_start_matches(['>', ' ']).trim();
        if markers.iter().any(|m| trimmed.contains(m)) {
            break;
        }
        kept.push(line);
    }
    // The mail program's attribution line ("On Tue, … wrote:") and quoted lines just above it.
    while let Some(last) = kept.last() {
        let t = last.trim();
        if t.is_empty() || t.starts_with('>') || t.ends_with("wrote:") || t.ends_with("escribió:")
        {
            kept.pop();
        } else {
            break;
        }
    }
    kept.join("\n").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_answer_is_what_is_above_the_marker() {
        let text = "It works now, thanks!\n\nOn Tue, 1 Dec 2026, Support wrote:\n> ## Write your \
                    answer above this line ##\n> Hello Ana,";
        assert_eq!(answer_above_marker(text), "It works now, thanks!");
        let es = "Ya funciona.\n\nEl mar, 1 dic 2026, Soporte escribió:\n> ## Escriba su \
                  respuesta encima de esta línea ##";
        assert_eq!(answer_above_marker(es), "Ya funciona.");
        assert_eq!(
            answer_above_marker("No marker at all\nsecond line"),
            "No marker at all\nsecond line"
        );
    }
}
