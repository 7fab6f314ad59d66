//! `/admin/reports`: how the desk is doing. Tickets opened and closed per day, the backlog, how
//! long first answers and resolutions take (median and 90th percentile), service targets met,
//! chats (volume, wait, abandoned) and satisfaction; filtered by dates, language, rank and
//! agent. The charts are SVG drawn on the server, each with a table of the same figures; the
//! filters are a GET form and the CSV a plain link, so all of it works without JavaScript.
use crate::pages::address::use_query;
use leptos::prelude::*;

use crate::api::desk_report;
use crate::components::chart::{bars, lines, Series};
use crate::components::header::SiteHeader;
use crate::components::labels::tier_name;
use crate::components::page_title::PageTitle;
use crate::domain::{Durations, Report, Share, Tier, LANGUAGES};
use crate::i18n::*;
use crate::locale::use_i18n;
use crate::pages::admin::{AdminNav, AdminTab};
use crate::pages::refusal::PageError;

const FIELDS: [&str; 5] = ["from", "to", "language", "tier", "agent"];

#[component]
pub fn AdminReportsPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query();
    let data = Resource::new(
        move || FIELDS.map(|k| query.read().get(k).unwrap_or_default()),
        |[from, to, language, tier, agent]| desk_report(from, to, language, tier, agent),
    );
    view! {
        <PageTitle text=move || td_string!(i18n.get_locale(), reports_heading).to_string()/>
        <Transition fallback=move || view! { <p class="loading">{tr!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((user, report)) => view! {
                        <SiteHeader user/>
                        <main id="main" class="page admin reports">
                            <h1>{tr!(i18n, reports_heading)}</h1>
                            <AdminNav current=AdminTab::Reports/>
                            <ReportView report/>
                        </main>
                    }.into_any(),
                    Err(error) => view! { <PageError error/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// "12 min" / "3 h 5 min" / "—".
fn minutes(m: Option<i64>) -> String {
    m.map_or("—".into(), |m| crate::domain::waited(0, m * 60_000))
}

fn percent(s: Share) -> String {
    s.percent()
        .map_or("—".into(), |p| format!("{p} % ({}/{})", s.part, s.total))
}

#[component]
fn ReportView(report: Report) -> impl IntoView {
    let i18n = use_i18n();
    let f = report.filter.clone();
    let agent = f.agent;
    let staff_options = report
        .staff
        .iter()
        .map(|s| {
            let selected = Some(s.id) == agent;
            view! { <option value=s.id selected=selected>{s.name.clone()}</option> }
        })
        .collect_view();
    let language_options = LANGUAGES
        .iter()
        .map(|(code, name)| {
            let selected = f.language.as_deref() == Some(*code);
            view! { <option value=*code selected=selected>{*name}</option> }
        })
        .collect_view();
    let tier_options = Tier::ALL
        .iter()
        .map(|t| {
            let selected = f.tier == Some(*t);
            let t = *t;
            view! { <option value=t.as_str() selected=selected>{move || tier_name(i18n, t)}</option> }
        })
        .collect_view();
    let csv_href = format!("/admin/reports.csv?{}", f.query());

    let days: Vec<String> = report.days.iter().map(|d| d.day.clone()).collect();
    let col =
        |g: fn(&crate::domain::DayFigures) -> i64| report.days.iter().map(g).collect::<Vec<_>>();
    let (opened, closed, backlog) = (col(|d| d.opened), col(|d| d.closed), col(|d| d.backlog));
    let (chats, abandoned) = (col(|d| d.chats), col(|d| d.abandoned));
    let (total_opened, total_closed) = (report.total(|d| d.opened), report.total(|d| d.closed));
    let flow_chart = move || {
        let (n, c) = (
            td_string!(i18n.get_locale(), report_opened).to_string(),
            td_string!(i18n.get_locale(), report_closed).to_string(),
        );
        bars(
            "chart-flow",
            td_string!(i18n.get_locale(), report_flow_heading),
            &td_string!(
                i18n.get_locale(),
                report_flow_desc,
                opened = total_opened,
                closed = total_closed
            )
            .to_string(),
            &days,
            &[
                Series {
                    name: &n,
                    color: "#1f5fa8",
                    values: &opened,
                },
                Series {
                    name: &c,
                    color: "#2e7d32",
                    values: &closed,
                },
            ],
        )
    };
    let backlog_chart = {
        let days = report
            .days
            .iter()
            .map(|d| d.day.clone())
            .collect::<Vec<_>>();
        let backlog = backlog.clone();
        let last = backlog.last().copied().unwrap_or(0);
        move || {
            let name = td_string!(i18n.get_locale(), report_backlog).to_string();
            lines(
                "chart-backlog",
                td_string!(i18n.get_locale(), report_backlog_heading),
                &td_string!(i18n.get_locale(), report_backlog_desc, n = last).to_string(),
                &days,
                &[Series {
                    name: &name,
                    color: "#8a4b00",
                    values: &backlog,
                }],
            )
        }
    };
    let chat_chart = {
        let days = report
            .days
            .iter()
            .map(|d| d.day.clone())
            .collect::<Vec<_>>();
        let (total, lost) = (report.chats, report.chats_abandoned);
        move || {
            let (a, b) = (
                td_string!(i18n.get_locale(), report_chats).to_string(),
                td_string!(i18n.get_locale(), report_abandoned).to_string(),
            );
            bars(
                "chart-chats",
                td_string!(i18n.get_locale(), report_chats_heading),
                &td_string!(
                    i18n.get_locale(),
                    report_chats_desc,
                    n = total,
                    abandoned = lost
                )
                .to_string(),
                &days,
                &[
                    Series {
                        name: &a,
                        color: "#5b3f99",
                        values: &chats,
                    },
                    Series {
                        name: &b,
                        color: "#b3261e",
                        values: &abandoned,
                    },
                ],
            )
        }
    };
    let durations = move |label: String, d: Durations| {
        view! {
            <tr>
                <th scope="row">{label}</th>
                <td>{d.count}</td>
                <td>{minutes(d.median_min)}</td>
                <td>{minutes(d.p90_min)}</td>
            </tr>
        }
    };
    let table_rows = report
        .days
        .iter()
        .map(|d| {
            view! {
                <tr>
                    <th scope="row">{d.day.clone()}</th>
                    <td>{d.opened}</td>
                    <td>{d.closed}</td>
                    <td>{d.backlog}</td>
                    <td>{d.chats}</td>
                    <td>{d.abandoned}</td>
                    <td>{d.rated_good}</td>
                    <td>{d.rated_bad}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        {view! {
        <form method="get" action="/admin/reports" class="filters" role="search"
            aria-label=tr!(i18n, report_filters)>
            <div class="filter">
                <label for="report-from">{tr!(i18n, audit_from)}</label>
                <input id="report-from" name="from" type="date" value=f.from.clone()/>
            </div>
            <div class="filter">
                <label for="report-to">{tr!(i18n, audit_to)}</label>
                <input id="report-to" name="to" type="date" value=f.to.clone()/>
            </div>
            <div class="filter">
                <label for="report-language">{tr!(i18n, filter_language)}</label>
                <select id="report-language" name="language">
                    <option value="">{tr!(i18n, filter_any)}</option>
                    {language_options}
                </select>
            </div>
            <div class="filter">
                <label for="report-tier">{tr!(i18n, filter_tier)}</label>
                <select id="report-tier" name="tier">
                    <option value="">{tr!(i18n, filter_any)}</option>
                    {tier_options}
                </select>
            </div>
            <div class="filter">
                <label for="report-agent">{tr!(i18n, report_agent)}</label>
                <select id="report-agent" name="agent">
                    <option value="">{tr!(i18n, filter_any)}</option>
                    {staff_options}
                </select>
            </div>
            <button type="submit" class="button secondary">{tr!(i18n, filter_apply)}</button>
        </form>
        }.into_any()}
        <p><a class="button secondary" href=csv_href download>{tr!(i18n, report_csv)}</a></p>
        {view! {
        <section aria-labelledby="report-summary">
            <h2 id="report-summary">{tr!(i18n, report_summary_heading)}</h2>
            <table class="queue report-times">
                <caption>{tr!(i18n, report_times_caption)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{tr!(i18n, report_measure)}</th>
                        <th scope="col">{tr!(i18n, report_count)}</th>
                        <th scope="col">{tr!(i18n, report_median)}</th>
                        <th scope="col">{tr!(i18n, report_p90)}</th>
                    </tr>
                </thead>
                <tbody>
                    {durations(td_string!(i18n.get_locale(), report_first_response).to_string(), report.first_response)}
                    {durations(td_string!(i18n.get_locale(), report_resolution).to_string(), report.resolution)}
                    {durations(td_string!(i18n.get_locale(), report_chat_wait).to_string(), report.chat_wait)}
                </tbody>
            </table>
            <dl class="report-figures">
                <dt>{tr!(i18n, report_first_met)}</dt>
                <dd>{percent(report.first_response_met)}</dd>
                <dt>{tr!(i18n, report_resolution_met)}</dt>
                <dd>{percent(report.resolution_met)}</dd>
                <dt>{tr!(i18n, report_abandonment)}</dt>
                <dd>{percent(Share { part: report.chats_abandoned, total: report.chats })}</dd>
                <dt>{tr!(i18n, report_csat)}</dt>
                <dd>{percent(report.csat)}</dd>
            </dl>
        </section>
        }.into_any()}
        {view! {
        <section aria-labelledby="report-charts">
            <h2 id="report-charts">{tr!(i18n, report_charts_heading)}</h2>
            <figure class="chart-box" inner_html=flow_chart></figure>
            <figure class="chart-box" inner_html=backlog_chart></figure>
            <figure class="chart-box" inner_html=chat_chart></figure>
        </section>
        }.into_any()}
        {view! {
        <section aria-labelledby="report-days">
            <h2 id="report-days">{tr!(i18n, report_days_heading)}</h2>
            <table class="queue report-days">
                <caption class="visually-hidden">{tr!(i18n, report_days_heading)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{tr!(i18n, report_day)}</th>
                        <th scope="col">{tr!(i18n, report_opened)}</th>
                        <th scope="col">{tr!(i18n, report_closed)}</th>
                        <th scope="col">{tr!(i18n, report_backlog)}</th>
                        <th scope="col">{tr!(i18n, report_chats)}</th>
                        <th scope="col">{tr!(i18n, report_abandoned)}</th>
                        <th scope="col">{tr!(i18n, report_good)}</th>
                        <th scope="col">{tr!(i18n, report_bad)}</th>
                    </tr>
                </thead>
                <tbody>{table_rows}</tbody>
            </table>
        </section>
        }.into_any()}
    }
}
