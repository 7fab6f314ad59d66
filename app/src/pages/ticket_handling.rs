//! The staff-only "Handling" box of a ticket: who has it (take it, give it to someone), its
//! priority, and its service clocks (first and next response, resolution).
use leptos::prelude::*;

use crate::api::{ApplyMacro, AssignTicket, SetPriority, TakeTicket, TouchTicket};
use crate::components::deadline::Deadline;
use crate::components::error_text::action_error_text;
use crate::components::labels::priority_name;
use crate::components::submit_button::SubmitButton;
use crate::domain::{Priority, TicketDesk, TicketMacro, TicketStatus};
use crate::i18n::*;
use crate::locale::use_i18n;

#[component]
pub fn Handling(
    id: i64,
    desk: TicketDesk,
    take: ServerAction<TakeTicket>,
    assign: ServerAction<AssignTicket>,
    priority: ServerAction<SetPriority>,
    /// The reply box's text: while it has some, others see "replying".
    reply_body: RwSignal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let touch = keep_telling_others(id, reply_body);
    // Who else is on the ticket: as the page was read, then as each heartbeat's answer says.
    let initial = desk.viewers.clone();
    let viewers = move || match touch.value().get() {
        Some(Ok(now)) => now,
        _ => initial.clone(),
    };
    let collision = move || {
        let viewers = viewers();
        (!viewers.is_empty()).then(|| {
            let lines = viewers
                .into_iter()
                .map(|v| {
                    let text = if v.replying {
                        td_string!(i18n.get_locale(), collision_replying, name = v.name.clone())
                            .to_string()
                    } else {
                        td_string!(i18n.get_locale(), collision_viewing, name = v.name.clone())
                            .to_string()
                    };
                    view! { <li>{text}</li> }
                })
                .collect_view();
            view! { <ul class="collision">{lines}</ul> }
        })
    };
    let error = move |e: Option<Result<(), crate::error::AppError>>| {
        e?.err().map(|e| action_error_text(i18n, &e))
    };
    let mine = desk.assignee_id == Some(desk.viewer_id);
    let assignee = desk.assignee_id;
    let staff_options = desk
        .staff
        .iter()
        .map(|m| {
            let selected = Some(m.id) == assignee;
            let name = m.name.clone();
            let online = m.online;
            let label = move || {
                if online {
                    td_string!(i18n.get_locale(), online_suffix, name = name.clone()).to_string()
                } else {
                    name.clone()
                }
            };
            view! { <option value=m.id selected=selected>{label}</option> }
        })
        .collect_view();
    let sla = desk.sla;
    let current = sla.priority;
    let priority_options = Priority::ALL
        .into_iter()
        .map(|p| {
            view! { <option value=p.as_str() selected=p == current>{move || priority_name(i18n, p)}</option> }
        })
        .collect_view();
    let now = desk.now;
    let warn_ms = sla.warn_ms;
    let outcome = move |in_time: bool| {
        if in_time {
            td_string!(i18n.get_locale(), sla_met).to_string()
        } else {
            td_string!(i18n.get_locale(), sla_missed).to_string()
        }
    };
    let first = match (sla.first_response, sla.first_pending, sla.response_due) {
        (Some((_, in_time)), ..) => view! { <span>{move || outcome(in_time)}</span> }.into_any(),
        (None, true, Some(due)) => view! { <Deadline due now warn_ms/> }.into_any(),
        _ => view! { <span>{tr!(i18n, sla_not_running)}</span> }.into_any(),
    };
    let next = match (sla.first_pending, sla.response_due) {
        (false, Some(due)) => view! { <Deadline due now warn_ms/> }.into_any(),
        _ => view! { <span>{tr!(i18n, sla_not_running)}</span> }.into_any(),
    };
    let resolution = match (
        sla.resolve_due,
        sla.resolve_left_paused,
        sla.resolved_in_time,
    ) {
        (Some(due), ..) => view! { <Deadline due now warn_ms/> }.into_any(),
        (None, Some(left), _) => {
            let time = crate::domain::waited(0, left.max(0) * 60_000);
            view! { <span>{move || td_string!(i18n.get_locale(), sla_paused, time = time.clone()).to_string()}</span> }
                .into_any()
        }
        (None, None, Some(in_time)) => view! { <span>{move || outcome(in_time)}</span> }.into_any(),
        _ => view! { <span>{tr!(i18n, sla_not_running)}</span> }.into_any(),
    };
    view! {
        <section class="handling" aria-labelledby="handling-heading">
            <h2 id="handling-heading">{tr!(i18n, handling_heading)}</h2>
            <div role="status" aria-live="polite">{collision}</div>
            <div class="handling-row">
                <ActionForm action=assign attr:class="inline-form">
                    <input type="hidden" name="id" value=id/>
                    <label for="assignee">{tr!(i18n, assign_label)}</label>
                    <select id="assignee" name="assignee">
                        <option value="" selected=assignee.is_none()>{tr!(i18n, nobody)}</option>
                        {staff_options}
                    </select>
                    <button type="submit" class="button secondary">{tr!(i18n, assign_button)}</button>
                </ActionForm>
                {(!mine).then(|| view! {
                    <ActionForm action=take attr:class="inline-form">
                        <input type="hidden" name="id" value=id/>
                        <button type="submit" class="button">{tr!(i18n, take_it)}</button>
                    </ActionForm>
                })}
            </div>
            <p class="form-error" role="alert">
                {move || error(take.value().get()).or_else(|| error(assign.value().get()))}
            </p>
            <ActionForm action=priority attr:class="inline-form">
                <input type="hidden" name="id" value=id/>
                <label for="priority">{tr!(i18n, priority_label)}</label>
                <select id="priority" name="priority">{priority_options}</select>
                <button type="submit" class="button secondary">{tr!(i18n, priority_button)}</button>
                <p class="form-error" role="alert">{move || error(priority.value().get())}</p>
            </ActionForm>
            <h3>{tr!(i18n, sla_heading)}</h3>
            <dl class="sla">
                <dt>{tr!(i18n, sla_first_response)}</dt>
                <dd>{first}</dd>
                <dt>{tr!(i18n, sla_next_response)}</dt>
                <dd>{next}</dd>
                <dt>{tr!(i18n, sla_resolution)}</dt>
                <dd>{resolution}</dd>
            </dl>
        </section>
    }
}

/// In the browser: says now, every 10 s and whenever the reply box turns empty or not, that this
/// staff member has the ticket open (the server's window is 30 s). Each answer lists the others.
fn keep_telling_others(id: i64, reply_body: RwSignal<String>) -> ServerAction<TouchTicket> {
    let touch = ServerAction::<TouchTicket>::new();
    let replying = Memo::new(move |_| !reply_body.get().trim().is_empty());
    // Runs once on the client after hydration, then again when `replying` moves.
    Effect::new(move |_| {
        touch.dispatch(TouchTicket {
            id,
            replying: replying.get(),
        });
    });
    let _ = leptos_use::use_interval_fn(
        move || {
            touch.dispatch(TouchTicket {
                id,
                replying: replying.get_untracked(),
            });
        },
        10_000,
    );
    touch
}

/// Canned answers: pick one, read it filled in for this ticket, send it. What it also does to
/// the ticket (asks the member, closes) is said next to its name.
#[component]
pub fn MacroBox(
    id: i64,
    macros: Vec<TicketMacro>,
    apply: ServerAction<ApplyMacro>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = move || {
        apply
            .value()
            .get()?
            .err()
            .map(|e| action_error_text(i18n, &e))
    };
    let chosen = RwSignal::new(macros.first().map(|m| m.id).unwrap_or(0));
    let effect_name = move |s: Option<TicketStatus>| match s {
        None => None,
        Some(TicketStatus::AwaitingFeedback) => {
            Some(td_string!(i18n.get_locale(), macro_asks).to_string())
        }
        Some(_) => Some(td_string!(i18n.get_locale(), macro_closes).to_string()),
    };
    let options = macros
        .iter()
        .map(|m| {
            let (mid, name, status) = (m.id, m.name.clone(), m.set_status);
            let label = move || match effect_name(status) {
                Some(effect) => format!("{name} ({effect})"),
                None => name.clone(),
            };
            view! { <option value=mid>{label}</option> }
        })
        .collect_view();
    let texts = macros.clone();
    let preview = move || {
        let id = chosen.get();
        texts
            .iter()
            .find(|m| m.id == id)
            .map(|m| m.text.clone())
            .unwrap_or_default()
    };
    view! {
        <section class="macros" aria-labelledby="macros-heading">
            <h2 id="macros-heading">{tr!(i18n, macros_heading)}</h2>
            {if macros.is_empty() {
                view! { <p class="hint">{tr!(i18n, macros_none)}</p> }.into_any()
            } else {
                view! {
                    <ActionForm action=apply attr:class="stack">
                        <input type="hidden" name="id" value=id/>
                        <label for="macro">{tr!(i18n, macro_label)}</label>
                        <select id="macro" name="macro_id"
                            on:change=move |ev| chosen.set(event_target_value(&ev).parse().unwrap_or(0))>
                            {options}
                        </select>
                        <p class="hint">{tr!(i18n, macro_preview_label)}</p>
                        <blockquote class="macro-preview" aria-live="polite">{preview}</blockquote>
                        <p class="form-error" role="alert">{error}</p>
                        <SubmitButton pending=apply.pending()
                            label=Signal::derive(move || td_string!(i18n.get_locale(), macro_send).to_string())
                            busy_label=Signal::derive(move || td_string!(i18n.get_locale(), sending).to_string())/>
                    </ActionForm>
                }.into_any()
            }}
        </section>
    }
}
