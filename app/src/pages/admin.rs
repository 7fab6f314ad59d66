//! The admin console: the desk's settings (`/admin`), macros (`/admin/macros`) and the audit
//! log (`/admin/audit`). Plain forms, so each works before hydration too.
use leptos::prelude::*;

use crate::api::{admin_settings, SaveSettings};
use crate::components::header::SiteHeader;
use crate::components::labels::{priority_name, tier_name};
use crate::components::page_title::PageTitle;
use crate::components::submit_button::SubmitButton;
use crate::domain::{format_clock, DeskSettings, Priority, Tier, WEEK_DAYS};
use crate::i18n::*;
use crate::locale::{use_i18n, I18n};
use crate::pages::refusal::PageError;

/// Which console page is shown, for the sub-navigation.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum AdminTab {
    Settings,
    Macros,
    People,
    Reports,
    Audit,
}

#[component]
pub fn AdminNav(current: AdminTab) -> impl IntoView {
    let i18n = use_i18n();
    let link = move |tab: AdminTab, href: &'static str| {
        let name = move || match tab {
            AdminTab::Settings => td_string!(i18n.get_locale(), admin_settings_heading).to_string(),
            AdminTab::Macros => td_string!(i18n.get_locale(), admin_macros_heading).to_string(),
            AdminTab::People => td_string!(i18n.get_locale(), admin_people_heading).to_string(),
            AdminTab::Reports => td_string!(i18n.get_locale(), reports_heading).to_string(),
            AdminTab::Audit => td_string!(i18n.get_locale(), admin_audit_heading).to_string(),
        };
        view! {
            <li><a class="tab" href=href aria-current=(tab == current).then_some("page")>{name}</a></li>
        }
    };
    view! {
        <nav class="tabs" aria-label=tr!(i18n, admin_nav)>
            <ul>
                {link(AdminTab::Settings, "/admin")}
                {link(AdminTab::Macros, "/admin/macros")}
                {link(AdminTab::People, "/admin/people")}
                {link(AdminTab::Reports, "/admin/reports")}
                {link(AdminTab::Audit, "/admin/audit")}
            </ul>
        </nav>
    }
}

/// The outcome line under a settings form: saved, or why not.
fn outcome(i18n: I18n, action: ServerAction<SaveSettings>) -> impl IntoView {
    move || match action.value().get() {
        Some(Ok(())) => {
            view! { <p class="saved" role="status">{tr!(i18n, admin_saved)}</p> }.into_any()
        }
        Some(Err(e)) => view! {
            <p class="form-error" role="alert">
                {crate::components::error_text::action_error_text(i18n, &e)}
            </p>
        }
        .into_any(),
        None => ().into_any(),
    }
}

fn save_button(i18n: I18n, action: ServerAction<SaveSettings>) -> impl IntoView {
    view! {
        <SubmitButton pending=action.pending()
            label=Signal::derive(move || td_string!(i18n.get_locale(), admin_save).to_string())
            busy_label=Signal::derive(move || td_string!(i18n.get_locale(), sending).to_string())/>
    }
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let actions: [ServerAction<SaveSettings>; 4] = std::array::from_fn(|_| ServerAction::new());
    let data = Resource::new(
        move || actions.map(|a| a.version().get()),
        |_| admin_settings(),
    );
    view! {
        <PageTitle text=move || td_string!(i18n.get_locale(), admin_settings_heading).to_string()/>
        <Transition fallback=move || view! { <p class="loading">{tr!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((user, settings)) => view! {
                        <SiteHeader user/>
                        <main id="main" class="page admin">
                            <h1>{tr!(i18n, admin_settings_heading)}</h1>
                            <AdminNav current=AdminTab::Settings/>
                            <SettingsForms settings actions/>
                        </main>
                    }.into_any(),
                    Err(error) => view! { <PageError error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn SettingsForms(
    settings: DeskSettings,
    actions: [ServerAction<SaveSettings>; 4],
) -> impl IntoView {
    let i18n = use_i18n();
    let [general, hours, sla, assignment] = actions;
    let g = settings.general;
    let tier_options = move |chosen: Tier| {
        Tier::ALL
            .into_iter()
            .map(|t| view! { <option value=t.as_str() selected=t == chosen>{move || tier_name(i18n, t)}</option> })
            .collect_view()
    };
    let priority_options = move |chosen: Priority| {
        Priority::ALL
            .into_iter()
            .map(|p| view! { <option value=p.as_str() selected=p == chosen>{move || priority_name(i18n, p)}</option> })
            .collect_view()
    };
    let day_names = move |i: usize| {
        match i {
            0 => td_string!(i18n.get_locale(), day_mon),
            1 => td_string!(i18n.get_locale(), day_tue),
            2 => td_string!(i18n.get_locale(), day_wed),
            3 => td_string!(i18n.get_locale(), day_thu),
            4 => td_string!(i18n.get_locale(), day_fri),
            5 => td_string!(i18n.get_locale(), day_sat),
            _ => td_string!(i18n.get_locale(), day_sun),
        }
        .to_string()
    };
    let week = settings
        .hours
        .week
        .iter()
        .enumerate()
        .map(|(i, day)| {
            let key = WEEK_DAYS[i];
            let (open, close) = day
                .map(|d| (format_clock(d.open), format_clock(d.close)))
                .unwrap_or_default();
            let name = move || day_names(i);
            view! {
                <tr>
                    <th scope="row">{name}</th>
                    <td><input type="text" name=format!("form[{key}_open]") value=open inputmode="numeric"
                        pattern="[0-9]{1,2}:[0-9]{2}" placeholder="08:00"
                        aria-label=move || td_string!(i18n.get_locale(), hours_open_label, day = day_names(i)).to_string()/></td>
                    <td><input type="text" name=format!("form[{key}_close]") value=close inputmode="numeric"
                        pattern="[0-9]{1,2}:[0-9]{2}" placeholder="18:00"
                        aria-label=move || td_string!(i18n.get_locale(), hours_close_label, day = day_names(i)).to_string()/></td>
                </tr>
            }
        })
        .collect_view();
    let policy = settings.sla.clone();
    let target_rows = Priority::ALL
        .into_iter()
        .map(|p| {
            let t = policy.targets(p);
            let name = p.as_str();
            let input = move |suffix: &'static str, value: u32, what: fn(I18n) -> String| {
                view! {
                    <td><input type="number" min="1" name=format!("form[{name}_{suffix}]") value=value required
                        aria-label=move || format!("{}: {}", priority_name(i18n, p), what(i18n))/></td>
                }
            };
            view! {
                <tr>
                    <th scope="row">{move || priority_name(i18n, p)}</th>
                    {input("first", t.first_response, |i| td_string!(i.get_locale(), sla_first_response).to_string())}
                    {input("next", t.next_response, |i| td_string!(i.get_locale(), sla_next_response).to_string())}
                    {input("resolution", t.resolution, |i| td_string!(i.get_locale(), sla_resolution).to_string())}
                </tr>
            }
        })
        .collect_view();
    let tier_rows = Tier::ALL
        .into_iter()
        .map(|tier| {
            let id = format!("tier-{}", tier.as_str());
            view! {
                <div class="filter">
                    <label for=id.clone()>{move || tier_name(i18n, tier)}</label>
                    <select id=id name=format!("form[tier_{}]", tier.as_str())>
                        {priority_options(policy.priority_for(tier))}
                    </select>
                </div>
            }
        })
        .collect_view();
    let holidays = settings.hours.holidays.join("\n");
    let rule = settings.assignment;
    view! {
        <section aria-labelledby="general-heading">
            <h2 id="general-heading">{tr!(i18n, admin_general_heading)}</h2>
            <ActionForm action=general attr:class="stack">
                <input type="hidden" name="section" value="general"/>
                <label for="min-tier">{tr!(i18n, admin_min_tier)}</label>
                <select id="min-tier" name="form[min_tier]">{tier_options(g.min_tier)}</select>
                <label for="chat-cap">{tr!(i18n, admin_chat_cap)}</label>
                <input id="chat-cap" type="number" min="1" max="50" name="form[chat_agent_cap]" value=g.chat_agent_cap required/>
                <label for="chat-wait">{tr!(i18n, admin_chat_wait)}</label>
                <input id="chat-wait" type="number" min="1" name="form[chat_max_wait_minutes]" value=g.chat_max_wait_secs / 60 required/>
                <label for="reminder">{tr!(i18n, admin_reminder_hours)}</label>
                <input id="reminder" type="number" min="1" name="form[reminder_hours]" value=g.reminder_after_secs / 3600 required/>
                <label for="auto-close">{tr!(i18n, admin_auto_close_hours)}</label>
                <input id="auto-close" type="number" min="1" name="form[auto_close_hours]" value=g.auto_close_after_secs / 3600 required/>
                <label class="check">
                    <input type="checkbox" name="form[staff_two_step]" checked=g.staff_two_step/>
                    " " {tr!(i18n, admin_staff_two_step)}
                </label>
                {outcome(i18n, general)}
                {save_button(i18n, general)}
            </ActionForm>
        </section>
        <section aria-labelledby="hours-heading">
            <h2 id="hours-heading">{tr!(i18n, admin_hours_heading)}</h2>
            <p class="hint">{tr!(i18n, admin_hours_hint)}</p>
            <ActionForm action=hours attr:class="stack">
                <input type="hidden" name="section" value="hours"/>
                <label for="time-zone">{tr!(i18n, admin_time_zone)}</label>
                <input id="time-zone" type="text" name="form[time_zone]" value=settings.hours.time_zone.clone() required/>
                <table class="settings-table">
                    <caption>{tr!(i18n, admin_week_caption)}</caption>
                    <thead><tr>
                        <th scope="col">{tr!(i18n, admin_day)}</th>
                        <th scope="col">{tr!(i18n, admin_opens)}</th>
                        <th scope="col">{tr!(i18n, admin_closes)}</th>
                    </tr></thead>
                    <tbody>{week}</tbody>
                </table>
                <label for="holidays">{tr!(i18n, admin_holidays)}</label>
                <textarea id="holidays" name="form[holidays]" rows="4">{holidays}</textarea>
                {outcome(i18n, hours)}
                {save_button(i18n, hours)}
            </ActionForm>
        </section>
        <section aria-labelledby="sla-heading">
            <h2 id="sla-heading">{tr!(i18n, admin_sla_heading)}</h2>
            <ActionForm action=sla attr:class="stack">
                <input type="hidden" name="section" value="sla"/>
                <table class="settings-table">
                    <caption>{tr!(i18n, admin_targets_caption)}</caption>
                    <thead><tr>
                        <th scope="col">{tr!(i18n, col_priority)}</th>
                        <th scope="col">{tr!(i18n, sla_first_response)}</th>
                        <th scope="col">{tr!(i18n, sla_next_response)}</th>
                        <th scope="col">{tr!(i18n, sla_resolution)}</th>
                    </tr></thead>
                    <tbody>{target_rows}</tbody>
                </table>
                <label for="warn">{tr!(i18n, admin_warn_minutes)}</label>
                <input id="warn" type="number" min="0" name="form[warn_minutes]" value=policy.warn_minutes required/>
                <fieldset>
                    <legend>{tr!(i18n, admin_tier_priority)}</legend>
                    <div class="filters">{tier_rows}</div>
                </fieldset>
                {outcome(i18n, sla)}
                {save_button(i18n, sla)}
            </ActionForm>
        </section>
        <section aria-labelledby="assignment-heading">
            <h2 id="assignment-heading">{tr!(i18n, admin_assignment_heading)}</h2>
            <ActionForm action=assignment attr:class="stack">
                <input type="hidden" name="section" value="assignment"/>
                <label class="check">
                    <input type="checkbox" name="form[automatic]" value="on" checked=rule.automatic/>
                    " " {tr!(i18n, admin_auto_assign)}
                </label>
                <label for="assign-cap">{tr!(i18n, admin_assign_cap)}</label>
                <input id="assign-cap" type="number" min="1" max="500" name="form[cap]" value=rule.cap required/>
                {outcome(i18n, assignment)}
                {save_button(i18n, assignment)}
            </ActionForm>
        </section>
    }
}
