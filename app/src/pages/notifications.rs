//! Notification choices (`/notifications`): per topic that concerns the person, a checkbox by
//! email and one by push; turning push on for this device and the list of devices; and the
//! unsubscribe page an email's link opens (`/unsubscribe`, no sign-in needed).
use crate::pages::address::use_query;
use leptos::prelude::*;

use crate::api::{get_notifications, SaveNotifications, Unsubscribe};
use crate::components::page_title::PageTitle;
use crate::components::push_devices::{PushDevices, ThisDevice};
use crate::components::submit_button::SubmitButton;
use crate::domain::Topic;
use crate::i18n::*;
use crate::locale::{use_i18n, I18n};
use crate::pages::refusal::PageError;

pub fn topic_name(i18n: I18n, topic: Topic) -> String {
    match topic {
        Topic::Updates => td_string!(i18n.get_locale(), topic_updates),
        Topic::Reminders => td_string!(i18n.get_locale(), topic_reminders),
        Topic::NewTickets => td_string!(i18n.get_locale(), topic_new_tickets),
        Topic::MemberAnswers => td_string!(i18n.get_locale(), topic_member_answers),
        Topic::Deadlines => td_string!(i18n.get_locale(), topic_deadlines),
    }
    .to_string()
}

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveNotifications>::new();
    let reload = RwSignal::new(0u32);
    let data = Resource::new(
        move || (save.version().get(), reload.get()),
        |_| get_notifications(),
    );
    let refresh = Callback::new(move |()| reload.update(|n| *n += 1));
    let this_device = ThisDevice::new();
    let saved = move || {
        matches!(save.value().get(), Some(Ok(())))
            .then(|| td_string!(i18n.get_locale(), notifications_saved))
    };
    view! {
        <PageTitle text=move || td_string!(i18n.get_locale(), notifications_heading).to_string()/>
        <main id="main" class="page">
            <a class="back" href="/">{tr!(i18n, back_to_list)}</a>
            <h1>{tr!(i18n, notifications_heading)}</h1>
            <p>{tr!(i18n, notifications_intro)}</p>
            <Suspense fallback=move || view! { <p class="loading">{tr!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(settings) => view! {
                            <ActionForm action=save attr:class="stack">
                                <fieldset>
                                    <legend>{tr!(i18n, notifications_by_email)}</legend>
                                    {settings.topics.iter().map(|s| {
                                        let name = s.topic.as_str();
                                        let topic = s.topic;
                                        view! {
                                            <label class="check">
                                                <input type="checkbox" name=name checked=s.on/>
                                                " " {move || topic_name(i18n, topic)}
                                            </label>
                                        }
                                    }).collect_view()}
                                </fieldset>
                                <fieldset>
                                    <legend>{tr!(i18n, notifications_by_push)}</legend>
                                    {settings.topics.iter().map(|s| {
                                        let name = format!("push_{}", s.topic.as_str());
                                        let topic = s.topic;
                                        view! {
                                            <label class="check">
                                                <input type="checkbox" name=name checked=s.push/>
                                                " " {move || topic_name(i18n, topic)}
                                            </label>
                                        }
                                    }).collect_view()}
                                </fieldset>
                                <p class="form-ok" role="status">{saved}</p>
                                <SubmitButton pending=save.pending()
                                    label=Signal::derive(move || td_string!(i18n.get_locale(), save_notifications).to_string())
                                    busy_label=Signal::derive(move || td_string!(i18n.get_locale(), save_notifications).to_string())/>
                            </ActionForm>
                            <PushDevices this=this_device push_key=settings.push_key
                                devices=settings.devices refresh/>
                        }.into_any(),
                        Err(error) => view! { <PageError error/> }.into_any(),
                    }
                })}
            </Suspense>
        </main>
    }
}

#[component]
pub fn UnsubscribePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query();
    let get = move |k: &str| query.read_untracked().get(k).unwrap_or_default();
    let (u, t, s) = (get("u"), get("t"), get("s"));
    let topic = Topic::parse(&t).ok();
    let act = ServerAction::<Unsubscribe>::new();
    let outcome = move || match act.value().get() {
        Some(Ok(true)) => Some(td_string!(i18n.get_locale(), unsubscribe_done).to_string()),
        Some(_) => Some(td_string!(i18n.get_locale(), unsubscribe_bad_link).to_string()),
        None => None,
    };
    view! {
        <PageTitle text=move || td_string!(i18n.get_locale(), unsubscribe_heading).to_string()/>
        <main id="main" class="login-card">
            <p class="brand">{tr!(i18n, app_name)}</p>
            <h1>{tr!(i18n, unsubscribe_heading)}</h1>
            {match topic {
                None => view! { <p class="form-error" role="alert">{tr!(i18n, unsubscribe_bad_link)}</p> }.into_any(),
                Some(topic) => view! {
                    <p>{move || td_string!(i18n.get_locale(), unsubscribe_confirm, topic = topic_name(i18n, topic)).to_string()}</p>
                    <ActionForm action=act attr:class="stack">
                        <input type="hidden" name="u" value=u.clone()/>
                        <input type="hidden" name="t" value=t.clone()/>
                        <input type="hidden" name="s" value=s.clone()/>
                        <p role="status">{outcome}</p>
                        <SubmitButton pending=act.pending()
                            label=Signal::derive(move || td_string!(i18n.get_locale(), unsubscribe_button).to_string())
                            busy_label=Signal::derive(move || td_string!(i18n.get_locale(), unsubscribe_button).to_string())/>
                    </ActionForm>
                }.into_any(),
            }}
        </main>
    }
}
