//! The queue's tools for agents who handle many tickets: tick tickets and act on all of them at
//! once (assign, set priority, close), and move through the queue from the keyboard.
use leptos::prelude::*;

use crate::api::BulkTickets;
use crate::components::error_text::action_error_text;
use crate::components::labels::priority_name;
use crate::domain::{BulkAction, Priority, StaffMember};
use crate::i18n::*;
use crate::locale::use_i18n;

/// The toolbar above the queue: what to do with the ticked tickets.
#[component]
pub fn BulkBar(
    staff: Vec<StaffMember>,
    selected: RwSignal<Vec<i64>>,
    bulk: ServerAction<BulkTickets>,
) -> impl IntoView {
    let i18n = use_i18n();
    let choice = RwSignal::new(String::new());
    let assign_options = staff
        .into_iter()
        .map(|s| {
            let value = BulkAction::Assign(Some(s.id)).as_value();
            view! { <option value=value>{s.name}</option> }
        })
        .collect_view();
    let priority_options = Priority::ALL
        .into_iter()
        .map(|p| {
            let value = BulkAction::Priority(p).as_value();
            view! { <option value=value>{move || priority_name(i18n, p)}</option> }
        })
        .collect_view();
    let count = move || selected.with(Vec::len);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let ids = selected.get_untracked();
        if ids.is_empty() || choice.get_untracked().is_empty() {
            return;
        }
        bulk.dispatch(BulkTickets {
            ids: ids.iter().map(i64::to_string).collect::<Vec<_>>().join(","),
            action: choice.get_untracked(),
        });
        selected.set(vec![]);
    };
    let outcome = move || match bulk.value().get()? {
        Ok(o) if o.refused.is_empty() => {
            Some(td_string!(i18n.get_locale(), bulk_done, n = o.done.len()).to_string())
        }
        Ok(o) => {
            let why = o
                .refused
                .iter()
                .map(|(id, e)| format!("#{id}: {}", action_error_text(i18n, e)))
                .collect::<Vec<_>>()
                .join("; ");
            Some(
                td_string!(
                    i18n.get_locale(),
                    bulk_partly,
                    n = o.done.len(),
                    refused = why.clone()
                )
                .to_string(),
            )
        }
        Err(e) => Some(action_error_text(i18n, &e)),
    };
    view! {
        <form class="bulk" on:submit=submit
            aria-label=tr!(i18n, bulk_heading)>
            <label for="bulk-action">{tr!(i18n, bulk_label)}</label>
            <select id="bulk-action" prop:value=move || choice.get()
                on:change=move |ev| choice.set(event_target_value(&ev))>
                <option value="">{tr!(i18n, bulk_choose)}</option>
                <optgroup label=tr!(i18n, bulk_assign_to)>
                    {assign_options}
                    <option value="unassign">{tr!(i18n, nobody)}</option>
                </optgroup>
                <optgroup label=tr!(i18n, bulk_set_priority)>
                    {priority_options}
                </optgroup>
                <option value="close">{tr!(i18n, bulk_close)}</option>
            </select>
            <button type="submit" class="button secondary"
                disabled=move || count() == 0 || choice.with(String::is_empty) || bulk.pending().get()>
                {move || td_string!(i18n.get_locale(), bulk_apply, n = count()).to_string()}
            </button>
            <p class="bulk-outcome" role="status">{outcome}</p>
        </form>
    }
}

/// Ticks or unticks one ticket.
pub fn toggle(selected: RwSignal<Vec<i64>>, id: i64) {
    selected.update(|s| match s.iter().position(|x| *x == id) {
        Some(i) => {
            s.remove(i);
        }
        None => s.push(id),
    });
}

/// Keys on the queue, as in mail clients: `j`/`k` next/previous ticket, `x` tick it, `/` search,
/// `?` show the keys. Ignored while typing in a field or with a modifier held, so they never eat
/// a letter meant for a form.
pub fn use_queue_keys(
    links: StoredValue<Vec<(i64, NodeRef<leptos::html::A>)>>,
    selected: RwSignal<Vec<i64>>,
    search: NodeRef<leptos::html::Input>,
    help: RwSignal<bool>,
) {
    let at = StoredValue::new(None::<usize>);
    Effect::new(move |_| {
        let handle = window_event_listener(leptos::ev::keydown, move |ev| {
            if ev.ctrl_key() || ev.meta_key() || ev.alt_key() || typing(&ev) {
                return;
            }
            let n = links.with_value(Vec::len);
            let go = |i: usize| {
                at.set_value(Some(i));
                if let Some(link) = links.with_value(|l| l[i].1.get_untracked()) {
                    let _ = link.focus();
                }
            };
            match ev.key().as_str() {
                "j" if n > 0 => go(at.get_value().map_or(0, |i| (i + 1).min(n - 1))),
                "k" if n > 0 => go(at.get_value().map_or(0, |i| i.saturating_sub(1))),
                "x" => {
                    if let Some(i) = at.get_value().filter(|i| *i < n) {
                        toggle(selected, links.with_value(|l| l[i].0));
                    }
                }
                "/" => {
                    if let Some(input) = search.get_untracked() {
                        ev.prevent_default();
                        let _ = input.focus();
                    }
                }
                "?" => help.update(|h| *h = !*h),
                _ => {}
            }
        });
        on_cleanup(move || handle.remove());
    });
}

/// The key went to a form field (where letters are text, not commands).
fn typing(ev: &leptos::ev::KeyboardEvent) -> bool {
    use leptos::wasm_bindgen::JsCast;
    ev.target()
        .and_then(|t| t.dyn_into::<leptos::web_sys::Element>().ok())
        .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
}

/// The list of keys, shown with `?` or the button.
#[component]
pub fn QueueKeys(help: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button type="button" class="link-button" aria-expanded=move || help.get().to_string()
            aria-controls="queue-keys" on:click=move |_| help.update(|h| *h = !*h)>
            {tr!(i18n, keys_heading)}
        </button>
        <dl id="queue-keys" class="keys" hidden=move || !help.get()>
            <dt><kbd>"j"</kbd>" / "<kbd>"k"</kbd></dt><dd>{tr!(i18n, keys_move)}</dd>
            <dt><kbd>"x"</kbd></dt><dd>{tr!(i18n, keys_tick)}</dd>
            <dt><kbd>"Enter"</kbd></dt><dd>{tr!(i18n, keys_open)}</dd>
            <dt><kbd>"/"</kbd></dt><dd>{tr!(i18n, keys_search)}</dd>
            <dt><kbd>"?"</kbd></dt><dd>{tr!(i18n, keys_help)}</dd>
            <dt><kbd>"Ctrl"</kbd>" + "<kbd>"Enter"</kbd></dt><dd>{tr!(i18n, keys_send)}</dd>
        </dl>
    }
}
