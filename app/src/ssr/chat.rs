//! Chat rules on the server: who may start, see, answer and end which chat; the queue and its
//! honest estimate; turning a chat into a ticket. Every change is stored first, then announced
//! through the hub (which crosses instances on PostgreSQL).
use super::db::{now_ms, AcceptOutcome, MessageOutcome, NewChat, NewTicketSeed, StartOutcome};
use super::language::non_english_language;
use super::state::AppState;
use crate::domain::{
    check_length, queue_line, ChatConsole, ChatHead, ChatMessage, ChatStart, ChatStatus, ChatView,
    CurrentUser, Description, DisplayName, Email, EndReason, Invalid, LiveEvent, MessageBody,
    NextMessage, QueueInfo, SystemNote, TicketStatus, TicketTitle, WaitingChat, BODY_MAX,
    CHAT_MESSAGE_MAX, TITLE_MAX,
};
use crate::error::AppError;

/// An agent counts as online while their console has checked in this recently.
pub const ONLINE_WINDOW_MS: i64 = 60_000;

fn invalid(field: &str) -> impl Fn(Invalid) -> AppError + '_ {
    move |msg| AppError::validation(field, msg)
}

/// A chat message's text: not empty, not longer than a chat message may be.
pub fn parse_chat_text(text: &str) -> Result<MessageBody, Invalid> {
    let body = MessageBody::parse(text)?;
    check_length(body.as_str(), 1, CHAT_MESSAGE_MAX)?;
    Ok(body)
}

/// May this person see (and write to) this chat? Its member, or the agent who accepted it.
pub fn may_use(user: &CurrentUser, head: &ChatHead) -> bool {
    if user.role.is_staff() {
        head.agent_id == Some(user.id)
    } else {
        head.member_id == user.id
    }
}

/// The chat if this person may use it; otherwise "not found", like a chat that does not exist.
pub async fn head_for(st: &AppState, user: &CurrentUser, id: i64) -> Result<ChatHead, AppError> {
    match st.db.chats().head(id).await? {
        Some(h) if may_use(user, &h) => Ok(h),
        _ => Err(AppError::NotFound),
    }
}

pub async fn announce(st: &AppState, head: &ChatHead, queue_moved: bool) {
    let hub = &st.hub;
    hub.publish(LiveEvent::Chat {
        chat_id: head.id,
        member_id: head.member_id,
        agent_id: head.agent_id,
        message_only: false,
        next: None,
    })
    .await;
    if queue_moved {
        hub.publish(LiveEvent::ChatQueue).await;
    }
}

/// Tells the chat's sockets that a message was added and nothing else changed (no page follows
/// that), with the message itself when it can ride along.
async fn announce_message(st: &AppState, stored: StoredMessage) {
    st.hub
        .publish(LiveEvent::Chat {
            chat_id: stored.chat_id,
            member_id: stored.member_id,
            agent_id: stored.agent_id,
            message_only: true,
            next: stored.next.map(Box::new),
        })
        .await;
}

pub async fn queue_info(st: &AppState, head: &ChatHead) -> Result<Option<QueueInfo>, sqlx::Error> {
    if head.status != ChatStatus::Queued {
        return Ok(None);
    }
    let chats = st.db.chats();
    let now = now_ms();
    let position = chats.position(head).await?;
    let agents_online = chats.agents_online(now - ONLINE_WINDOW_MS).await?;
    let recent = chats.recent_waits(20).await?;
    let waited_secs = (now - head.created_at).max(0) / 1000;
    let max_wait = st.desk().settings.general.chat_max_wait_secs as i64;
    Ok(Some(queue_line(
        position,
        agents_online,
        &recent,
        waited_secs,
        max_wait,
    )))
}

/// The pre-chat form. A question confidently not in English gets the ticket offer first, unless
/// the member chose to continue in English. A member has at most one open chat: asking again
/// returns it.
pub async fn start(
    st: &AppState,
    user: &CurrentUser,
    name: &DisplayName,
    email: &Email,
    question: &MessageBody,
    continue_in_english: bool,
) -> Result<ChatStart, AppError> {
    let detected = non_english_language(question.as_str());
    if let (Some(language), false) = (detected, continue_in_english) {
        return Ok(ChatStart::NotEnglish {
            language: language.to_string(),
        });
    }
    let chats = st.db.chats();
    let now = now_ms();
    let new_chat = NewChat {
        member_id: user.id,
        display_name: name.as_str(),
        member_number: user.member_number.as_deref(),
        email: email.as_str(),
        question: question.as_str(),
        language: "en",
        at: now,
    };
    let outcome = chats
        .start(&new_chat, now - 3_600_000, st.config.chat_max_per_hour)
        .await?;
    let id = match outcome {
        StartOutcome::AlreadyOpen(id) => return Ok(ChatStart::Started { id }),
        StartOutcome::OverHourlyCap => {
            return Err(AppError::RateLimited {
                retry_after_secs: 3600,
            })
        }
        StartOutcome::Started(id) => id,
    };
    if let Some(head) = chats.head(id).await? {
        announce(st, &head, true).await;
    }
    Ok(ChatStart::Started { id })
}

pub async fn view(st: &AppState, user: &CurrentUser, id: i64) -> Result<ChatView, AppError> {
    let head = head_for(st, user, id).await?;
    let messages = st.db.chats().messages_after(id, 0).await?;
    let queue = queue_info(st, &head).await?;
    let question_language = non_english_language(&head.question).map(str::to_string);
    Ok(ChatView {
        head,
        messages,
        queue,
        viewer_is_staff: user.role.is_staff(),
        question_language,
    })
}

/// The member's chats, newest first: open ones and transcripts.
pub async fn mine(st: &AppState, user: &CurrentUser) -> Result<Vec<ChatHead>, AppError> {
    Ok(st.db.chats().for_member(user.id).await?)
}

/// Ends a chat: the member leaving (the queue or the chat) or the agent closing it.
pub async fn end(st: &AppState, user: &CurrentUser, id: i64) -> Result<(), AppError> {
    let head = head_for(st, user, id).await?;
    let (reason, note) = if user.role.is_staff() {
        (EndReason::Agent, SystemNote::AgentLeft)
    } else {
        (EndReason::Member, SystemNote::MemberLeft)
    };
    let ended = st.db.chats().end(id, reason, note, None, now_ms()).await?;
    if !ended {
        return Err(AppError::ChatEnded);
    }
    announce(st, &head, head.status == ChatStatus::Queued).await;
    st.mail.wake();
    Ok(())
}

/// The transcript becomes a ticket (Open, in the member's list) and the chat ends. The member may
/// do this from the queue (when a ticket is offered) or their chat; the agent from a chat they
/// accepted.
pub async fn to_ticket(st: &AppState, user: &CurrentUser, id: i64) -> Result<i64, AppError> {
    let head = head_for(st, user, id).await?;
    if head.status == ChatStatus::Ended {
        return Err(AppError::ChatEnded);
    }
    let messages = st.db.chats().messages_after(id, 0).await?;
    let (title, description) = transcript_ticket(&head.question, &messages);
    let desk = st.desk();
    let seed = NewTicketSeed {
        member_id: head.member_id,
        title: title.as_str(),
        language: &head.language,
        description: description.as_str(),
        history: vec![(head.member_id, TicketStatus::Open, now_ms())],
        priority: desk.sla.policy.priority_for(head.member_tier),
        sla: Some(&desk.sla),
        // An agent already talked with the member: the first answer is given.
        answered_at: head.agent_id.map(|_| now_ms()),
    };
    let Some(ticket_id) = st.db.chats().end_into_ticket(id, &seed, now_ms()).await? else {
        return Err(AppError::ChatEnded);
    };
    announce(st, &head, head.status == ChatStatus::Queued).await;
    st.mail.wake();
    st.hub
        .publish(LiveEvent::Ticket {
            ticket_id,
            member_id: head.member_id,
        })
        .await;
    Ok(ticket_id)
}

/// A chat's ticket: "Chat: " and the question's first line as the title (one line, within the
/// title's length), the question and the conversation as the description, cut to what a
/// description may hold (the chat itself keeps the whole transcript).
pub fn transcript_ticket(question: &str, messages: &[ChatMessage]) -> (TicketTitle, Description) {
    let first_line: String = question.split_whitespace().collect::<Vec<_>>().join(" ");
    let room = TITLE_MAX - "Chat: ".len();
    let short: String = first_line.chars().take(room).collect();
    let title = TicketTitle::parse(&format!("Chat: {short}"))
        .unwrap_or_else(|_| TicketTitle::parse("Chat transcript").expect("a valid title"));
    let mut text = format!("{question}\n");
    for m in messages.iter().filter(|m| m.system.is_none()) {
        let who = m.author_name.as_deref().unwrap_or("?");
        text.push_str(&format!("\n{who}: {}", m.body));
    }
    let marker = "\n[…]";
    if text.chars().count() > BODY_MAX {
        text = text
            .chars()
            .take(BODY_MAX - marker.chars().count())
            .collect();
        text.push_str(marker);
    }
    let description = Description::parse(text.trim())
        .unwrap_or_else(|_| Description::parse("Chat transcript (see the chat).").expect("valid"));
    (title, description)
}

pub async fn console(
    st: &AppState,
    user: &CurrentUser,
) -> Result<(CurrentUser, ChatConsole), AppError> {
    let chats = st.db.chats();
    let now = now_ms();
    let waiting = chats
        .queued()
        .await?
        .into_iter()
        .map(|head| WaitingChat {
            waited_secs: (now - head.created_at).max(0) / 1000,
            head,
        })
        .collect();
    let since = now - ONLINE_WINDOW_MS;
    let console = ChatConsole {
        waiting,
        mine: chats.active_for_agent(user.id).await?,
        agents_online: chats.agents_online(since).await?,
        me_online: chats.is_online(user.id, since).await?,
        cap: st.desk().settings.general.chat_agent_cap,
    };
    Ok((user.clone(), console))
}

/// Takes a chat from the queue: the one asked for, or the longest waiting. Up to the cap.
pub async fn accept(st: &AppState, user: &CurrentUser, id: Option<i64>) -> Result<i64, AppError> {
    let chats = st.db.chats();
    let cap = st.desk().settings.general.chat_agent_cap;
    let id = match id {
        Some(id) => id,
        None => match chats.queued().await?.first() {
            Some(h) => h.id,
            None => {
                return Err(AppError::Conflict {
                    message: "nobody is waiting".into(),
                })
            }
        },
    };
    let now = now_ms();
    match chats.accept(id, user.id, cap, now).await? {
        AcceptOutcome::Accepted => {}
        AcceptOutcome::AtCap => {
            return Err(AppError::Conflict {
                message: format!("you already have {cap} chats open; end one first"),
            })
        }
        AcceptOutcome::NotWaiting => {
            return Err(AppError::Conflict {
                message: "this chat is no longer waiting (another agent took it, or it ended)"
                    .into(),
            })
        }
    }
    chats.set_presence(user.id, true, now).await?;
    if let Some(head) = chats.head(id).await? {
        announce(st, &head, true).await;
    }
    Ok(id)
}

/// Online/away; the console calls this on a timer to stay counted as online.
pub async fn set_presence(st: &AppState, user: &CurrentUser, online: bool) -> Result<(), AppError> {
    st.db
        .chats()
        .set_presence(user.id, online, now_ms())
        .await?;
    // Agents online changes every queued member's estimate.
    st.hub.publish(LiveEvent::ChatQueue).await;
    Ok(())
}

/// The canned answer for a chat in another language: a note the member sees with a link to a
/// pre-filled ticket form.
pub async fn ask_for_ticket(st: &AppState, user: &CurrentUser, id: i64) -> Result<(), AppError> {
    let head = head_for(st, user, id).await?;
    st.db
        .chats()
        .add_system(id, SystemNote::AskForTicket, now_ms())
        .await?;
    announce(st, &head, false).await;
    Ok(())
}

/// A message with screenshots, through the same upload pipeline as tickets. The chat is checked
/// (and the person's upload rate and quota) before any file is read: its id comes first.
pub async fn send_files(
    st: &AppState,
    user: &CurrentUser,
    data: server_fn::codec::MultipartData,
) -> Result<i64, AppError> {
    let Some(multipart) = data.into_inner() else {
        return Err(AppError::malformed("form", "expected a form upload"));
    };
    let gate: super::uploads::Gate<'_> =
        Box::new(move |fields: &std::collections::HashMap<String, String>| {
            let id = fields
                .get("chat")
                .and_then(|v| v.trim().parse::<i64>().ok());
            Box::pin(async move {
                let head = head_for(st, user, id.unwrap_or(0)).await?;
                if head.status == ChatStatus::Ended {
                    return Err(AppError::ChatEnded);
                }
                super::quota::allowance(st, user).await
            })
        });
    let form =
        super::uploads::read_form(multipart, st.config.upload_limits, &st.files, gate).await?;
    let id = form.text("chat").trim().parse::<i64>().unwrap_or(0);
    // Files may go without text; text follows the socket's rules.
    let text = form.text("body");
    let body = if text.trim().is_empty() {
        if form.staged.files.is_empty() {
            return Err(AppError::validation("body", Invalid::Empty));
        }
        String::new()
    } else {
        parse_chat_text(text)
            .map_err(invalid("body"))?
            .as_str()
            .to_string()
    };
    let files = form.staged.rows();
    let stored = form
        .staged
        .commit(store_message(st, user, id, &body, &files))
        .await?;
    drop(files);
    // In place before the other side is told, so their page never asks for a file not there.
    form.staged.promote().await;
    let id = stored.id;
    announce_message(st, stored).await;
    Ok(id)
}

/// Adds a message to a chat and tells its sockets: the one way a message is written, from the
/// chat's socket and from the upload form alike. Checked on every message: the chat may have
/// ended or changed hands, and one person may only send so fast.
pub async fn post_message(
    st: &AppState,
    user: &CurrentUser,
    chat_id: i64,
    body: &str,
    files: &[super::db::NewAttachment<'_>],
) -> Result<i64, AppError> {
    let stored = store_message(st, user, chat_id, body, files).await?;
    let id = stored.id;
    announce_message(st, stored).await;
    Ok(id)
}

/// A message written, not yet announced (its files may still have to be moved into place).
struct StoredMessage {
    id: i64,
    chat_id: i64,
    member_id: i64,
    agent_id: Option<i64>,
    /// The message for its chat's sockets, when it can go with the event: without files
    /// (their rows carry ids this side does not have), and short enough for a PostgreSQL
    /// notification (8,000 bytes at most; chat text is at most 2,000 characters).
    next: Option<NextMessage>,
}

/// The body length up to which a message rides along with its event.
const CARRIED_BODY_MAX: usize = 4000;

async fn store_message(
    st: &AppState,
    user: &CurrentUser,
    chat_id: i64,
    body: &str,
    files: &[super::db::NewAttachment<'_>],
) -> Result<StoredMessage, AppError> {
    if let Err(wait) = st.limits.chat_message(user.id) {
        return Err(AppError::RateLimited {
            retry_after_secs: wait.as_secs().max(1),
        });
    }
    let quota = (!user.role.is_staff()).then_some(st.config.storage_quota_bytes);
    let at = now_ms();
    // The write itself checks that the chat is open and this person's: one read fewer per
    // message. Only a refused message reads the chat, to say why.
    let (id, after, member_id, agent_id) = match st
        .db
        .chats()
        .add_message(chat_id, user.id, body, files, quota, at)
        .await?
    {
        MessageOutcome::Added {
            id,
            after,
            member_id,
            agent_id,
        } => (id, after, member_id, agent_id),
        MessageOutcome::ChatClosed => {
            // Not (or no longer) theirs reads as "not found", like a chat that does not exist.
            let head = head_for(st, user, chat_id).await?;
            return Err(if head.status == ChatStatus::Ended {
                AppError::ChatEnded
            } else {
                AppError::NotFound
            });
        }
        MessageOutcome::OverQuota => {
            return Err(AppError::validation("files", Invalid::QuotaExceeded))
        }
    };
    // As `messages_after` reads it back.
    let next = (files.is_empty() && body.len() <= CARRIED_BODY_MAX).then(|| NextMessage {
        after,
        message: ChatMessage {
            id,
            author_name: Some(user.display_name.clone()),
            from_staff: user.role.is_staff(),
            system: None,
            body: body.to_string(),
            at,
            attachments: vec![],
        },
    });
    Ok(StoredMessage {
        id,
        chat_id,
        member_id,
        agent_id,
        next,
    })
}
