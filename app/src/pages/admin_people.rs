//! `/admin/people`: staff and members. Find someone; add a staff account; change a role or a
//! rank; switch an account off (their sessions end at once) or on; set a new password.
use crate::pages::address::use_query;
use leptos::prelude::*;

use crate::api::{
    admin_people, CreateStaff, EraseMember, ResetPassword, ResetTwoStep, SetPersonDisabled,
    SetPersonRole, SetPersonTier,
};
use crate::components::error_text::action_error_text;
use crate::components::header::SiteHeader;
use crate::components::labels::tier_name;
use crate::components::page_title::PageTitle;
use crate::components::submit_button::SubmitButton;
use crate::domain::{Person, Role, Tier};
use crate::i18n::*;
use crate::locale::use_i18n;
use crate::pages::admin::{AdminNav, AdminTab};
use crate::pages::refusal::PageError;

/// The page's actions, shared by every row.
#[derive(Clone, Copy)]
struct PeopleActions {
    create: ServerAction<CreateStaff>,
    role: ServerAction<SetPersonRole>,
    tier: ServerAction<SetPersonTier>,
    disabled: ServerAction<SetPersonDisabled>,
    password: ServerAction<ResetPassword>,
    two_step: ServerAction<ResetTwoStep>,
    erase: ServerAction<EraseMember>,
}

impl PeopleActions {
    fn versions(&self) -> [usize; 7] {
        [
            self.two_step.version().get(),
            self.erase.version().get(),
            self.create.version().get(),
            self.role.version().get(),
            self.tier.version().get(),
            self.disabled.version().get(),
            self.password.version().get(),
        ]
    }

    /// The newest refusal of any of them (one line above the list).
    fn error(&self) -> Option<crate::error::AppError> {
        let err = |v: Option<Result<(), crate::error::AppError>>| v.and_then(|r| r.err());
        self.create
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| err(self.role.value().get()))
            .or_else(|| err(self.tier.value().get()))
            .or_else(|| err(self.disabled.value().get()))
            .or_else(|| err(self.password.value().get()))
            .or_else(|| err(self.two_step.value().get()))
            .or_else(|| err(self.erase.value().get()))
    }
}

#[component]
pub fn AdminPeoplePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query();
    let actions = PeopleActions {
        create: ServerAction::new(),
        role: ServerAction::new(),
        tier: ServerAction::new(),
        disabled: ServerAction::new(),
        password: ServerAction::new(),
        two_step: ServerAction::new(),
        erase: ServerAction::new(),
    };
    let data = Resource::new(
        move || {
            let q = query.read();
            (
                q.get("kind").unwrap_or_default(),
                q.get("q").unwrap_or_default(),
                actions.versions(),
            )
        },
        |(kind, q, _)| admin_people(kind, q),
    );
    view! {
        <PageTitle text=move || td_string!(i18n.get_locale(), admin_people_heading).to_string()/>
        <Transition fallback=move || view! { <p class="loading">{tr!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((user, people)) => view! {
                        <SiteHeader user/>
                        <main id="main" class="page admin">
                            <h1>{tr!(i18n, admin_people_heading)}</h1>
                            <AdminNav current=AdminTab::People/>
                            <PeopleView people actions/>
                        </main>
                    }.into_any(),
                    Err(error) => view! { <PageError error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn PeopleView(people: Vec<Person>, actions: PeopleActions) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query();
    let members = query.read_untracked().get("kind").as_deref() == Some("members");
    let q = query.read_untracked().get("q").unwrap_or_default();
    let kind = if members { "members" } else { "staff" };
    let error = move || actions.error().map(|e| action_error_text(i18n, &e));
    let has_rows = !people.is_empty();
    let rows = people
        .into_iter()
        .map(|p| view! { <PersonRow p actions/> })
        .collect_view();
    view! {
        <nav class="tabs" aria-label=tr!(i18n, people_kinds)>
            <ul>
                <li><a class="tab" href="/admin/people?kind=staff" aria-current=(!members).then_some("page")>{tr!(i18n, people_staff)}</a></li>
                <li><a class="tab" href="/admin/people?kind=members" aria-current=members.then_some("page")>{tr!(i18n, people_members)}</a></li>
            </ul>
        </nav>
        <form method="get" action="/admin/people" class="filters" role="search">
            <input type="hidden" name="kind" value=kind/>
            <div class="filter">
                <label for="people-q">{tr!(i18n, people_search)}</label>
                <input id="people-q" name="q" type="search" value=q/>
            </div>
            <button type="submit" class="button secondary">{tr!(i18n, filter_apply)}</button>
        </form>
        <p class="form-error" role="alert">{error}</p>
        {(!members).then(|| view! { <NewStaff create=actions.create/> })}
        {if has_rows {
            view! {
                <table class="queue people">
                    <caption class="visually-hidden">{tr!(i18n, admin_people_heading)}</caption>
                    <thead><tr>
                        <th scope="col">{tr!(i18n, people_name)}</th>
                        <th scope="col">{tr!(i18n, people_email)}</th>
                        <th scope="col">{tr!(i18n, people_access)}</th>
                        <th scope="col">{tr!(i18n, people_state)}</th>
                        <th scope="col">{tr!(i18n, people_password)}</th>
                        {members.then(|| view! { <th scope="col">{tr!(i18n, people_data)}</th> })}
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            }.into_any()
        } else {
            view! { <p class="empty">{tr!(i18n, people_none)}</p> }.into_any()
        }}
    }
}

#[component]
fn PersonRow(p: Person, actions: PeopleActions) -> impl IntoView {
    let i18n = use_i18n();
    let id = p.id;
    let name = p.display_name.clone();
    let (n1, n2, n3, n4) = (name.clone(), name.clone(), name.clone(), name.clone());
    let (n5, n6, n7) = (name.clone(), name.clone(), name.clone());
    let username = p.username.clone();
    let access = if p.role.is_staff() {
        let roles = [Role::Agent, Role::Admin, Role::Member]
            .into_iter()
            .map(|r| {
                let label = move || match r {
                    Role::Agent => td_string!(i18n.get_locale(), role_agent).to_string(),
                    Role::Admin => td_string!(i18n.get_locale(), role_admin).to_string(),
                    Role::Member => td_string!(i18n.get_locale(), role_member).to_string(),
                };
                view! { <option value=r.as_str() selected=r == p.role>{label}</option> }
            })
            .collect_view();
        view! {
            <ActionForm action=actions.role attr:class="inline-form">
                <input type="hidden" name="id" value=id/>
                <select name="role" aria-label=move || td_string!(i18n.get_locale(), people_role_of, name = n1.clone()).to_string()>{roles}</select>
                <button type="submit" class="button secondary small"
                    aria-label=move || td_string!(i18n.get_locale(), people_change_role_of, name = n2.clone()).to_string()>
                    {tr!(i18n, people_change)}
                </button>
            </ActionForm>
        }
        .into_any()
    } else {
        let tiers = Tier::ALL
            .into_iter()
            .map(|t| view! { <option value=t.as_str() selected=t == p.tier>{move || tier_name(i18n, t)}</option> })
            .collect_view();
        view! {
            <ActionForm action=actions.tier attr:class="inline-form">
                <input type="hidden" name="id" value=id/>
                <select name="tier" aria-label=move || td_string!(i18n.get_locale(), people_tier_of, name = n1.clone()).to_string()>{tiers}</select>
                <button type="submit" class="button secondary small"
                    aria-label=move || td_string!(i18n.get_locale(), people_change_tier_of, name = n2.clone()).to_string()>
                    {tr!(i18n, people_change)}
                </button>
            </ActionForm>
        }
        .into_any()
    };
    let disabled = p.disabled;
    let member_line = p
        .member_number
        .clone()
        .map(|n| format!(" · {n}"))
        .unwrap_or_default();
    let tickets = p.tickets;
    view! {
        <tr>
            <td>
                <strong>{p.display_name.clone()}</strong>
                <br/>
                <span class="hint">{format!("{}{member_line}", p.username)}</span>
                {(!p.role.is_staff() && tickets > 0).then(|| view! {
                    <br/>
                    <a class="hint" href=format!("/agent?view=all&member={id}")>
                        {move || td_string!(i18n.get_locale(), people_tickets, n = tickets).to_string()}
                    </a>
                })}
            </td>
            <td>{p.email.clone()}</td>
            <td>{access}</td>
            <td>
                <span>{move || if disabled { td_string!(i18n.get_locale(), people_disabled) } else { td_string!(i18n.get_locale(), people_active) }}</span>
                <ActionForm action=actions.disabled attr:class="inline-form">
                    <input type="hidden" name="id" value=id/>
                    <input type="hidden" name="disabled" value=if disabled { "false" } else { "true" }/>
                    <button type="submit" class="button secondary small"
                        aria-label=move || if disabled {
                            td_string!(i18n.get_locale(), people_enable_named, name = n3.clone()).to_string()
                        } else {
                            td_string!(i18n.get_locale(), people_disable_named, name = n3.clone()).to_string()
                        }>
                        {move || if disabled { td_string!(i18n.get_locale(), people_enable) } else { td_string!(i18n.get_locale(), people_disable) }}
                    </button>
                </ActionForm>
            </td>
            <td>
                <ActionForm action=actions.password attr:class="inline-form">
                    <input type="hidden" name="id" value=id/>
                    <input type="password" name="password" minlength="8" required autocomplete="new-password"
                        aria-label=move || td_string!(i18n.get_locale(), people_new_password_for, name = n4.clone()).to_string()/>
                    <button type="submit" class="button secondary small">{tr!(i18n, people_set_password)}</button>
                </ActionForm>
                // A lost phone and lost recovery codes: the person sets it up again at sign-in.
                {p.role.is_staff().then(|| view! {
                    <ActionForm action=actions.two_step attr:class="inline-form">
                        <input type="hidden" name="id" value=id/>
                        <button type="submit" class="button secondary small"
                            aria-label=move || td_string!(i18n.get_locale(), people_reset_two_step_named, name = n7.clone()).to_string()>
                            {tr!(i18n, people_reset_two_step)}
                        </button>
                    </ActionForm>
                })}
            </td>
            {(!p.role.is_staff()).then(|| view! {
                <td>
                    // A plain link: the browser saves the zip itself.
                    <a href=format!("/admin/people/{id}/export.zip") download
                        aria-label=move || td_string!(i18n.get_locale(), people_export_named, name = n5.clone()).to_string()>
                        {tr!(i18n, people_export)}
                    </a>
                    <ActionForm action=actions.erase attr:class="inline-form erase">
                        <input type="hidden" name="id" value=id/>
                        <input type="text" name="confirm" required autocomplete="off"
                            aria-label=move || td_string!(i18n.get_locale(), people_erase_confirm, username = username.clone()).to_string()/>
                        <button type="submit" class="button danger small"
                            aria-label=move || td_string!(i18n.get_locale(), people_erase_named, name = n6.clone()).to_string()>
                            {tr!(i18n, people_erase)}
                        </button>
                    </ActionForm>
                </td>
            })}
        </tr>
    }
}

#[component]
fn NewStaff(create: ServerAction<CreateStaff>) -> impl IntoView {
    let i18n = use_i18n();
    let created = move || {
        matches!(create.value().get(), Some(Ok(_)))
            .then(|| td_string!(i18n.get_locale(), people_created))
    };
    view! {
        <section aria-labelledby="new-staff-heading">
            <h2 id="new-staff-heading">{tr!(i18n, people_new_staff)}</h2>
            <ActionForm action=create attr:class="stack">
                <label for="staff-username">{tr!(i18n, username)}</label>
                <input id="staff-username" name="username" type="text" autocomplete="off" required/>
                <label for="staff-name">{tr!(i18n, people_name)}</label>
                <input id="staff-name" name="display_name" type="text" required/>
                <label for="staff-email">{tr!(i18n, people_email)}</label>
                <input id="staff-email" name="email" type="email" required/>
                <label for="staff-role">{tr!(i18n, people_role)}</label>
                <select id="staff-role" name="role">
                    <option value="agent">{tr!(i18n, role_agent)}</option>
                    <option value="admin">{tr!(i18n, role_admin)}</option>
                </select>
                <label for="staff-password">{tr!(i18n, people_first_password)}</label>
                <input id="staff-password" name="password" type="password" minlength="8" autocomplete="new-password" required/>
                <p class="saved" role="status">{created}</p>
                <SubmitButton pending=create.pending()
                    label=Signal::derive(move || td_string!(i18n.get_locale(), people_add_staff).to_string())
                    busy_label=Signal::derive(move || td_string!(i18n.get_locale(), sending).to_string())/>
            </ActionForm>
        </section>
    }
}
