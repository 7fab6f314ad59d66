//! One tech issue. The member sees the question waiting for them, the conversation with status
//! changes and files, a reply box (with screenshots) and "close this issue". Staff see the same
//! page with the member's name and rank, internal notes, and the agent's actions: request
//! information, internal note, close, reopen. The page follows changes live.
use crate::components::page_title::PageTitle;
use leptos::prelude::*;

use crate::api::{
    get_ticket, get_upload_limits, reply_ticket, AddNote, ApplyMacro, AssignTicket, CloseTicket,
    MergeTicket, ReopenTicket, RequestInfo, SetPriority, TakeTicket,
};
use crate::components::attachments::AttachmentList;
use crate::components::error_text::action_error_text;
use crate::components::file_picker::{
    send_form, upload_action, FilePicker, PickedFiles, UploadAction,
};
use crate::components::labels::{day, day_time, status_name, tier_name};
use crate::components::live::use_live_version;
use crate::components::submit_button::SubmitButton;
use crate::components::typed_early::typed_before_hydration;
use crate::domain::{
    EntryKind, LiveEvent, TicketDetail, TicketStatus, TimelineItem, UploadLimits, LANGUAGES,
};
use crate::error::AppError;
use crate::i18n::*;
use crate::locale::use_i18n;
use crate::pages::refusal::PageError;

/// Everything the page's forms act through, created once so a live refresh keeps what is typed.
#[derive(Clone, Copy)]
struct Actions {
    reply: UploadAction<()>,
    reply_body: RwSignal<String>,
    picked: PickedFiles,
    close: ServerAction<CloseTicket>,
    reopen: ServerAction<ReopenTicket>,
    request_info: ServerAction<RequestInfo>,
    add_note: ServerAction<AddNote>,
    take: ServerAction<TakeTicket>,
    assign: ServerAction<AssignTicket>,
    priority: ServerAction<SetPriority>,
    apply_macro: ServerAction<ApplyMacro>,
    merge: ServerAction<MergeTicket>,
}

#[component]
pub fn TicketPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = crate::pages::route_id();
    let live = use_live_version(move |e| match e {
        LiveEvent::Ticket { ticket_id, .. } | LiveEvent::Viewers { ticket_id } => {
            *ticket_id == untrack(id)
        }
        _ => false,
    });
    let actions = Actions {
        reply: upload_action(reply_ticket),
        reply_body: RwSignal::new(typed_before_hydration("reply-body")),
        picked: PickedFiles::new(UploadLimits::default()),
        close: ServerAction::new(),
        reopen: ServerAction::new(),
        request_info: ServerAction::new(),
        add_note: ServerAction::new(),
        take: ServerAction::new(),
        assign: ServerAction::new(),
        priority: ServerAction::new(),
        apply_macro: ServerAction::new(),
        merge: ServerAction::new(),
    };
    let limits = Resource::new(|| (), |_| get_upload_limits());
    Effect::new(move |_| {
        if let Some(Ok(l)) = limits.get() {
            actions.picked.limits.set(l);
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = actions.reply.value().get() {
            actions.reply_body.set(String::new());
            actions.picked.clear();
        }
    });
    // Refetch after every action and live event, so the page shows the stored state.
    let data = Resource::new(
        move || {
            (
                id(),
                live.get(),
                actions.reply.version().get(),
                actions.close.version().get(),
                actions.reopen.version().get(),
                actions.request_info.version().get(),
                actions.add_note.version().get(),
                (
                    actions.take.version().get(),
                    actions.assign.version().get(),
                    actions.priority.version().get(),
                    actions.apply_macro.version().get(),
                    actions.merge.version().get(),
                ),
            )
        },
        |(id, ..)| get_ticket(id),
    );
    view! {
        <main id="main" class="page ticket-page">
            <Transition fallback=move || view! { <p class="loading">{tr!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(detail) => view! { <TicketView detail actions/> }.into_any(),
                        Err(error) => view! { <PageError error/> }.into_any(),
                    }
                })}
            </Transition>
        </main>
    }
}

/// The error text of an action's last result, if it failed.
fn error_of<T>(
    i18n: crate::locale::I18n,
    value: impl Fn() -> Option<Result<T, AppError>> + Copy,
) -> impl Fn() -> Option<String> + Copy {
    move || value()?.err().map(|e| action_error_text(i18n, &e))
}

#[component]
fn TicketView(detail: TicketDetail, actions: Actions) -> impl IntoView {
    let i18n = use_i18n();
    let s = detail.summary.clone();
    let status = s.status;
    let staff = detail.viewer_is_staff;
    let pending = detail.pending_question().map(str::to_string);
    let closes_at = detail.closes_at;
    let lang_name = LANGUAGES
        .iter()
        .find(|(c, _)| *c == s.language)
        .map(|(_, n)| *n)
        .unwrap_or("?");
    let title = s.title.clone();
    let opened = s.opened_at;
    let id = s.id;
    let member = detail.member_name.clone();
    let member_tier = detail.member_tier;
    let merged_into = detail.merged_into;
    let merged_from = (!detail.merged_from.is_empty()).then(|| {
        let links = detail
            .merged_from
            .iter()
            .map(|m| view! { " " <a href=format!("/tickets/{m}")>{format!("#{m}")}</a> })
            .collect_view();
        view! { <p class="merged-from">{tr!(i18n, merged_from)}{links}</p> }
    });
    let timeline = detail
        .timeline
        .into_iter()
        .map(|item| match item {
            TimelineItem::Entry(e) => {
                let who = if e.author_is_staff {
                    format!("{} · {}", e.author_name, td_string!(i18n.get_locale(), it_team))
                } else {
                    e.author_name.clone()
                };
                let (class, label) = match e.kind {
                    EntryKind::Note => ("entry note", Some(td_string!(i18n.get_locale(), note_label).to_string())),
                    EntryKind::Question => {
                        ("entry staff question", Some(td_string!(i18n.get_locale(), question_label).to_string()))
                    }
                    EntryKind::Message if e.author_is_staff => ("entry staff", None),
                    EntryKind::Message => ("entry member", None),
                };
                let at = e.at;
                view! {
                    <li class=class>
                        <p class="meta">
                            <span class="who">{who}</span>
                            {label.map(|l| view! { " · " <strong class="kind">{l}</strong> })}
                            " · "
                            <time>{move || day_time(i18n, at)}</time>
                        </p>
                        <p class="body">{e.body}</p>
                        <AttachmentList files=e.attachments/>
                    </li>
                }
                .into_any()
            }
            TimelineItem::Status { from, to, actor_name, at } => view! {
                <li class="status-change">
                    {move || {
                        let who = actor_name.clone();
                        if from.is_none() {
                            td_string!(i18n.get_locale(), status_opened, who = who).to_string()
                        } else {
                            td_string!(i18n.get_locale(), status_changed, who = who, status = status_name(i18n, to)).to_string()
                        }
                    }}
                    " · "
                    <time>{move || day_time(i18n, at)}</time>
                </li>
            }
            .into_any(),
        })
        .collect_view();
    let (back_href, back_label) = if staff {
        (
            "/agent",
            td_string!(i18n.get_locale(), back_to_queue).to_string(),
        )
    } else {
        ("/", td_string!(i18n.get_locale(), back_to_list).to_string())
    };
    let can_reply = !(staff && status == TicketStatus::Closed);
    view! {
        <PageTitle text={
            let title = title.clone();
            move || title.clone()
        }/>
        <a class="back" href=back_href>{back_label}</a>
        <p class="ticket-number">
            {move || td_string!(i18n.get_locale(), ticket_number, id = id).to_string()}
            " · "
            {move || day(i18n, opened)}
            " · "
            {move || td_string!(i18n.get_locale(), ticket_language, lang = lang_name).to_string()}
        </p>
        <h1>{title}</h1>
        <p>
            <span class=format!("status status-{}", status.as_str())>{move || status_name(i18n, status)}</span>
            {staff.then(|| view! {
                " · "
                <span class="member">
                    {move || td_string!(i18n.get_locale(), filed_by, name = member.clone(), tier = tier_name(i18n, member_tier)).to_string()}
                </span>
            })}
        </p>
        {merged_into.map(|into| view! {
            <p class="notice merged" role="note">
                {move || td_string!(i18n.get_locale(), merged_into, id = into).to_string()}
                " "
                <a href=format!("/tickets/{into}")>{move || td_string!(i18n.get_locale(), merged_into_link, id = into).to_string()}</a>
            </p>
        })}
        {merged_from}
        {pending.map(|q| view! {
            <section class="pending-question" aria-labelledby="pending-heading">
                <h2 id="pending-heading">{tr!(i18n, awaiting_intro)}</h2>
                <p class="body">{q}</p>
                {closes_at.map(|at| view! {
                    <p class="closes-on">{move || td_string!(i18n.get_locale(), closes_on, date = day(i18n, at)).to_string()}</p>
                })}
            </section>
        })}
        <section aria-labelledby="description-heading">
            <h2 id="description-heading">{tr!(i18n, description_heading)}</h2>
            <p class="body description">{detail.description}</p>
            <AttachmentList files=detail.attachments/>
        </section>
        <section aria-labelledby="conversation-heading">
            <h2 id="conversation-heading">{tr!(i18n, conversation_heading)}</h2>
            <ol class="timeline">{timeline}</ol>
        </section>
        {(status == TicketStatus::Closed).then(|| view! {
            <crate::components::rating::RatingBox what=crate::domain::Rated::Ticket(id)/>
        })}
        {can_reply.then(|| view! { <ReplyForm id status staff actions/> })}
        {detail.desk.map(|desk| {
            let macros = desk.macros.clone();
            view! {
                <super::ticket_handling::Handling id desk take=actions.take assign=actions.assign priority=actions.priority reply_body=actions.reply_body/>
                {(status != TicketStatus::Closed).then(|| view! {
                    <super::ticket_handling::MacroBox id macros apply=actions.apply_macro/>
                })}
            }
        })}
        {staff.then(|| view! { <AgentActions id status merged=merged_into.is_some() actions/> })}
        {(status != TicketStatus::Closed).then(|| view! {
            <ActionForm action=actions.close attr:class="close-issue">
                <input type="hidden" name="id" value=id/>
                <button type="submit" class="button secondary">{tr!(i18n, close_issue)}</button>
                <p class="form-error" role="alert">{error_of(i18n, move || actions.close.value().get())}</p>
            </ActionForm>
        })}
    }
}

/// The reply box with screenshots: a plain multipart form, sent through the upload pipeline.
#[component]
fn ReplyForm(id: i64, status: TicketStatus, staff: bool, actions: Actions) -> impl IntoView {
    let i18n = use_i18n();
    let reply = actions.reply;
    let picked = actions.picked;
    let on_submit = move |ev| send_form(ev, reply, Some(picked));
    let form_ref = NodeRef::<leptos::html::Form>::new();
    // Ctrl+Enter (Cmd+Enter on a Mac) sends, through the same submit path as the button.
    let send_on_ctrl_enter = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
            ev.prevent_default();
            if let Some(form) = form_ref.get_untracked() {
                let _ = form.request_submit();
            }
        }
    };
    let hint = match (staff, status) {
        (false, TicketStatus::AwaitingFeedback) => {
            Some(td_string!(i18n.get_locale(), awaiting_reply_hint).to_string())
        }
        (false, TicketStatus::Closed) => {
            Some(td_string!(i18n.get_locale(), closed_reply_hint).to_string())
        }
        _ => None,
    };
    let described = hint.is_some().then_some("reply-hint");
    view! {
        <section class="reply">
            <form method="post" action="/api/reply_ticket" enctype="multipart/form-data"
                class="stack" on:submit=on_submit node_ref=form_ref
                on:paste=move |_ev: leptos::ev::ClipboardEvent| {
                    #[cfg(feature = "hydrate")]
                    picked.add_list(_ev.clipboard_data().and_then(|d| d.files()));
                }>
                <input type="hidden" name="id" value=id/>
                <label for="reply-body">{tr!(i18n, reply_label)}</label>
                {hint.map(|h| view! { <p class="hint" id="reply-hint">{h}</p> })}
                <textarea id="reply-body" name="body" rows="5" required aria-describedby=described
                    prop:value=move || actions.reply_body.get()
                    on:keydown=send_on_ctrl_enter
                    on:input=move |ev| actions.reply_body.set(event_target_value(&ev))></textarea>
                <FilePicker picked id="reply-files"/>
                <p class="form-error" role="alert">{error_of(i18n, move || reply.value().get())}</p>
                <SubmitButton pending=reply.pending()
                    label=Signal::derive(move || td_string!(i18n.get_locale(), send_reply).to_string())
                    busy_label=Signal::derive(move || td_string!(i18n.get_locale(), sending).to_string())/>
            </form>
        </section>
    }
}

/// The agent's tools on a ticket.
#[component]
fn AgentActions(id: i64, status: TicketStatus, merged: bool, actions: Actions) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="agent-actions" aria-labelledby="agent-actions-heading">
            <h2 id="agent-actions-heading">{tr!(i18n, agent_actions)}</h2>
            {(status != TicketStatus::Closed).then(|| view! {
                <ActionForm action=actions.request_info attr:class="stack">
                    <input type="hidden" name="id" value=id/>
                    <label for="question">{tr!(i18n, request_info_label)}</label>
                    <p class="hint" id="question-hint">{tr!(i18n, request_info_hint)}</p>
                    <textarea id="question" name="question" rows="3" required
                        aria-describedby="question-hint"></textarea>
                    <p class="form-error" role="alert">{error_of(i18n, move || actions.request_info.value().get())}</p>
                    <SubmitButton pending=actions.request_info.pending()
                        label=Signal::derive(move || td_string!(i18n.get_locale(), request_info_button).to_string())
                        busy_label=Signal::derive(move || td_string!(i18n.get_locale(), sending).to_string())/>
                </ActionForm>
            })}
            <ActionForm action=actions.add_note attr:class="stack">
                <input type="hidden" name="id" value=id/>
                <label for="note">{tr!(i18n, note_field_label)}</label>
                <p class="hint" id="note-hint">{tr!(i18n, note_hint)}</p>
                <textarea id="note" name="body" rows="3" required aria-describedby="note-hint"></textarea>
                <p class="form-error" role="alert">{error_of(i18n, move || actions.add_note.value().get())}</p>
                <SubmitButton pending=actions.add_note.pending()
                    label=Signal::derive(move || td_string!(i18n.get_locale(), add_note_button).to_string())
                    busy_label=Signal::derive(move || td_string!(i18n.get_locale(), sending).to_string())/>
            </ActionForm>
            {(!merged).then(|| view! {
                <ActionForm action=actions.merge attr:class="inline-form merge">
                    <input type="hidden" name="id" value=id/>
                    <label for="merge-into">{tr!(i18n, merge_label)}</label>
                    <input id="merge-into" name="into" type="number" min="1" required/>
                    <button type="submit" class="button secondary">{tr!(i18n, merge_button)}</button>
                    <p class="form-error" role="alert">{error_of(i18n, move || actions.merge.value().get())}</p>
                </ActionForm>
            })}
            {(status == TicketStatus::Closed).then(|| view! {
                <ActionForm action=actions.reopen>
                    <input type="hidden" name="id" value=id/>
                    <button type="submit" class="button secondary">{tr!(i18n, reopen_issue)}</button>
                    <p class="form-error" role="alert">{error_of(i18n, move || actions.reopen.value().get())}</p>
                </ActionForm>
            })}
        </section>
    }
}
