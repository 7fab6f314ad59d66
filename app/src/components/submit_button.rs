use leptos::prelude::*;

/// The primary button of a form: disabled and relabelled while its action runs, so a slow
/// network never leads to a double submit.
#[component]
pub fn SubmitButton(
    pending: Memo<bool>,
    label: Signal<String>,
    busy_label: Signal<String>,
) -> impl IntoView {
    view! {
        <button type="submit" class="button primary" disabled=move || pending.get()>
            {move || if pending.get() { busy_label.get() } else { label.get() }}
        </button>
    }
}
