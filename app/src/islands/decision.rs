//! The certification decision of one class: choose candidates (or take all
//! eligible), pick the date of issue, issue in one transaction and watch its
//! progress; the list then shows the new numbers. Without JavaScript the
//! same form posts: the ticked boxes, or every eligible one.

use super::form::{form_message, FieldErrorText, PostBack, PostBackFields};
use crate::api::certification::{
    bulk_issue_progress, certification_candidates, issue_certificates, Candidate, DecisionPage,
    IssueProgress, IssuedCertificate,
};
use crate::domain::certificate::Shortfall;
use crate::error::{AppError, Problem};
use crate::i18n::use_lang;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The decision's words in the page's language, filled in by the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionText {
    pub candidates: String,
    pub eligible_of: String,
    pub issuing: String,
    pub issue_date: String,
    pub choose: String,
    pub name: String,
    pub completed: String,
    pub exam: String,
    pub outcome: String,
    pub yes: String,
    pub no: String,
    pub not_required: String,
    pub passed: String,
    pub not_passed: String,
    pub eligible: String,
    pub not_completed: String,
    pub exam_not_passed: String,
    pub already_certified: String,
    pub separator: String,
}

#[cfg(feature = "ssr")]
impl DecisionText {
    pub fn new(lang: crate::i18n::Lang) -> Self {
        let t = lang.text();
        DecisionText {
            candidates: t.cert_candidates.into(),
            eligible_of: t.cert_eligible_of.into(),
            issuing: t.cert_issuing.into(),
            issue_date: t.cert_issue_date.into(),
            choose: t.cert_choose.into(),
            name: t.field_name.into(),
            completed: t.cert_completed.into(),
            exam: t.cert_exam.into(),
            outcome: t.cert_outcome.into(),
            yes: t.yes.into(),
            no: t.no.into(),
            not_required: t.cert_not_required.into(),
            passed: t.cert_passed.into(),
            not_passed: t.cert_not_passed.into(),
            eligible: t.cert_eligible.into(),
            not_completed: t.cert_short_not_completed.into(),
            exam_not_passed: t.cert_short_exam.into(),
            already_certified: t.cert_short_certified.into(),
            separator: lang.list_separator().into(),
        }
    }
}

fn shortfall(text: &DecisionText, shortfall: Shortfall) -> &str {
    match shortfall {
        Shortfall::NotCompleted => &text.not_completed,
        Shortfall::ExamNotPassed => &text.exam_not_passed,
        Shortfall::AlreadyCertified => &text.already_certified,
    }
}

fn eligible_ids(page: &DecisionPage) -> Vec<i64> {
    page.candidates
        .iter()
        .filter(|c| c.shortfalls.is_empty())
        .map(|c| c.trainee_id)
        .collect()
}

#[island(lazy)]
pub fn CertificationDecision(
    page: DecisionPage,
    type_id: i64,
    /// What the last plain post issued.
    issued: Vec<IssuedCertificate>,
    post_back: PostBack,
    text: DecisionText,
) -> impl IntoView {
    let lang = use_lang();
    let text = StoredValue::new(text);
    let word = move |pick: fn(&DecisionText) -> &String| text.with_value(|t| pick(t).clone());
    let class_id = page.class_id;
    let taught = page.taught_by_me;
    let total = page.candidates.len();
    let page = RwSignal::new(page);
    let selected = RwSignal::new(
        post_back
            .values
            .iter()
            .filter(|(name, _)| name == "chosen[]")
            .filter_map(|(_, id)| id.parse::<i64>().ok())
            .collect::<BTreeSet<i64>>(),
    );
    let issued_on = RwSignal::new(
        post_back
            .value("issued_on")
            .unwrap_or_else(|| page.with_untracked(|p| p.today.clone())),
    );
    let last_issued = RwSignal::new(issued);
    let error = RwSignal::new(post_back.error.clone());
    let pending = RwSignal::new(false);
    let progress = RwSignal::new(None::<IssueProgress>);
    // While an issue runs, ask the server how far it has got.
    Effect::new(move |_| {
        if !pending.get() {
            progress.set(None);
            return;
        }
        if let Ok(handle) = set_interval_with_handle(
            move || {
                spawn_local(async move {
                    if let Ok(now) = bulk_issue_progress(class_id).await {
                        if pending.get_untracked() {
                            progress.set(now);
                        }
                    }
                });
            },
            std::time::Duration::from_millis(250),
        ) {
            on_cleanup(move || handle.clear());
        }
    });
    let reload = move || {
        spawn_local(async move {
            if let Ok(fresh) = certification_candidates(class_id, Some(type_id)).await {
                selected.set(BTreeSet::new());
                page.set(fresh);
            }
        });
    };
    let send = move |ids: Vec<i64>| {
        if pending.get_untracked() {
            return;
        }
        pending.set(true);
        error.set(None);
        let trainees = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        spawn_local(async move {
            let outcome =
                issue_certificates(class_id, type_id, trainees, None, issued_on.get_untracked())
                    .await;
            pending.set(false);
            match outcome {
                Ok(issued) => {
                    last_issued.set(issued);
                    reload();
                }
                Err(refused) => {
                    // Someone else may have issued meanwhile: show the list as it is.
                    if matches!(refused, AppError::Conflict(Problem::NotEligible { .. })) {
                        reload();
                    }
                    error.set(Some(refused));
                }
            }
        });
    };
    let eligible = Memo::new(move |_| page.with(eligible_ids));
    let all_ids = move || {
        eligible
            .get()
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",")
    };
    let problem = move |field: &'static str| {
        Signal::derive(move || error.with(|e| e.as_ref().and_then(|e| e.field_problem(field))))
    };
    view! {
        <section class="card" aria-labelledby="candidates-title">
            <h2 id="candidates-title">
                {word(|t| &t.candidates)} " (" {move || eligible.with(Vec::len)} " " {word(|t| &t.eligible_of)} " " {total} ")"
            </h2>
            {move || form_message(error.get(), false, String::new())}
            {move || {
                let issued = last_issued.get();
                (!issued.is_empty()).then(|| view! {
                    <div class="form-message ok" role="status">
                        <p>{lang.issued_count(issued.len())}</p>
                        <p class="code">
                            {issued.first().map(|i| i.number.clone())}
                            {(issued.len() > 1).then(|| format!(" … {}", issued.last().map(|i| i.number.as_str()).unwrap_or_default()))}
                        </p>
                    </div>
                })
            }}
            {move || pending.get().then(|| {
                let (done, total) = progress.get().map(|p| (p.done, p.total)).unwrap_or((0, 1));
                view! {
                    <div class="progress" role="status">
                        <label for="issue-progress">{word(|t| &t.issuing)}</label>
                        <progress id="issue-progress" max=total.to_string() value=done.to_string()>{format!("{done}/{total}")}</progress>
                    </div>
                }
            })}
            <form method="post" action=post_back.action.clone() class="stack" novalidate>
                <PostBackFields post_back=post_back.clone()/>
                <input type="hidden" name="class_id" value=class_id/>
                <input type="hidden" name="type_id" value=type_id/>
                <div class="field-pair">
                    <div class="field narrow" class:has-error=move || problem("issued_on").get().is_some()>
                        <label for="field-issued_on">{word(|t| &t.issue_date)}</label>
                        <input id="field-issued_on" type="date" name="issued_on"
                            aria-describedby="field-issued_on-error"
                            value=issued_on.get_untracked()
                            prop:value=move || issued_on.get()
                            on:input=move |ev| issued_on.set(event_target_value(&ev))/>
                        <FieldErrorText id="field-issued_on-error".to_owned() problem=problem("issued_on")/>
                    </div>
                </div>
                <div class="actions">
                    <button type="submit"
                        disabled=move || taught || pending.get()
                        on:click=move |ev| {
                            ev.prevent_default();
                            send(selected.get_untracked().into_iter().collect());
                        }>
                        {move || lang.issue_selected(selected.with(BTreeSet::len))}
                    </button>
                    <button type="submit" class="secondary" name="trainees" value=all_ids
                        disabled=move || taught || pending.get() || eligible.with(Vec::is_empty)
                        on:click=move |ev| {
                            ev.prevent_default();
                            send(eligible.get_untracked());
                        }>
                        {move || lang.issue_all(eligible.with(Vec::len))}
                    </button>
                </div>
                <FieldErrorText id="field-trainees-error".to_owned() problem=problem("trainees")/>
                <div class="table-scroll">
                    <table class="data candidates">
                        <thead><tr>
                            <th scope="col"><span class="visually-hidden">{word(|t| &t.choose)}</span></th>
                            <th scope="col">{word(|t| &t.name)}</th>
                            <th scope="col">{word(|t| &t.completed)}</th>
                            <th scope="col">{word(|t| &t.exam)}</th>
                            <th scope="col">{word(|t| &t.outcome)}</th>
                        </tr></thead>
                        <tbody>
                            {move || page.with(|p| p.candidates.clone()).into_iter().map(|candidate| view! {
                                <CandidateRow candidate selected taught text/>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </form>
        </section>
    }
}

#[component]
fn CandidateRow(
    candidate: Candidate,
    selected: RwSignal<BTreeSet<i64>>,
    taught: bool,
    text: StoredValue<DecisionText>,
) -> impl IntoView {
    let t = text.get_value();
    let id = candidate.trainee_id;
    let eligible = candidate.shortfalls.is_empty();
    let box_id = format!("candidate-{id}");
    let yes_no = |v: bool| {
        if v {
            ("ok", t.yes.clone())
        } else {
            ("danger", t.no.clone())
        }
    };
    let (completed_class, completed_text) = yes_no(candidate.completed);
    view! {
        <tr class:eligible=eligible>
            <td>
                <input type="checkbox" id=box_id.clone() name="chosen[]" value=id disabled=!eligible || taught
                    checked=selected.with_untracked(|s| s.contains(&id))
                    prop:checked=move || selected.with(|s| s.contains(&id))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        selected.update(|s| { if on { s.insert(id); } else { s.remove(&id); } });
                    }/>
            </td>
            <th scope="row">
                <label for=box_id>{candidate.name.clone()}</label>
                <p class="muted small">{candidate.email.clone()}</p>
            </th>
            <td><span class=format!("badge {completed_class}")>{completed_text}</span></td>
            <td>{match candidate.passed_exam {
                None => view! { <span class="muted">{t.not_required.clone()}</span> }.into_any(),
                Some(passed) => {
                    let (class, word) = if passed { ("ok", t.passed.clone()) } else { ("danger", t.not_passed.clone()) };
                    view! { <span class=format!("badge {class}")>{word}</span> }.into_any()
                }
            }}</td>
            <td>{match (&candidate.certificate, eligible) {
                (Some(number), _) => view! { <a class="code" href=format!("/admin/certificates/record?number={number}")>{number.clone()}</a> }.into_any(),
                (None, true) => view! { <span class="badge ok">{t.eligible.clone()}</span> }.into_any(),
                (None, false) => view! {
                    <span class="muted">{candidate.shortfalls.iter().map(|s| shortfall(&t, *s)).collect::<Vec<_>>().join(&t.separator)}</span>
                }.into_any(),
            }}</td>
        </tr>
    }
}
