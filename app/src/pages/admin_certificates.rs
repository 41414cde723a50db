//! Certification under `/admin/certificates`: classes to decide for and
//! the expiring list, certificate types, the decision page of a class, and
//! one certificate's record with its lifecycle changes.

use crate::api::certificates::HistoryEntry;
use crate::api::certification::{
    bulk_issue_progress, certification_candidates, load_admin_certificate, load_certificate_types,
    load_certification, AdminCertificate, Candidate, ChangeCertificate, DecisionPage,
    ExpiringCertificate, IssueCertificates, IssueProgress, SaveCertificateType, TypesPage,
};
use crate::components::{problem_of, FormMessage, SelectField, TextField};
use crate::domain::certificate::Shortfall;
use crate::error::{AppError, Problem};
use crate::i18n::{use_lang, use_text, Lang};
use crate::pages::errors::ErrorPage;
use crate::pages::verify::{History, NumberLink, Validity, Verdict};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use std::collections::BTreeSet;

/// Links between the certification pages.
#[component]
fn CertificationTabs(current: &'static str) -> impl IntoView {
    let t = use_text();
    let tab = move |href: &'static str, label: &'static str| {
        view! { <a href=href aria-current=(current == href).then_some("page")>{label}</a> }
    };
    view! {
        <nav class="tabs" aria-label=t.cert_admin_title>
            {tab("/admin/certificates", t.cert_admin_title)}
            {tab("/admin/certificates/types", t.cert_types_title)}
        </nav>
    }
}

#[component]
pub fn CertificationPage() -> impl IntoView {
    let t = use_text();
    let overview = Resource::new(|| (), |_| load_certification());
    view! {
        <Title text=t.cert_admin_title/>
        <h1>{t.cert_admin_title}</h1>
        <CertificationTabs current="/admin/certificates"/>
        <form method="get" action="/admin/certificates/record" class="card inline-search">
            <div class="field">
                <label for="find-number">{t.cert_find}</label>
                <input id="find-number" name="number" type="text" autocomplete="off" placeholder="CPA-2000-00070"/>
            </div>
            <button type="submit">{t.cert_open}</button>
        </form>
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || overview.get().map(|result| match result {
                Ok(overview) => view! {
                    <ClassesToDecide classes=overview.classes/>
                    <Expiring list=overview.expiring/>
                }
                .into_any(),
                Err(error) => view! { <ErrorPage error/> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn ClassesToDecide(classes: Vec<crate::api::certification::ClassToDecide>) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    view! {
        <section class="card" aria-labelledby="decide-title">
            <h2 id="decide-title">{t.cert_classes_title}</h2>
            <p class="muted">{t.cert_iso_rule}</p>
            <div class="table-scroll">
                <table class="data">
                    <thead><tr>
                        <th scope="col">{t.col_code}</th>
                        <th scope="col">{t.col_title}</th>
                        <th scope="col">{t.cert_ends}</th>
                        <th scope="col">{t.cert_completed}</th>
                        <th scope="col">{t.cert_certified}</th>
                        <th scope="col">{t.users_col_actions}</th>
                    </tr></thead>
                    <tbody>
                        {classes.into_iter().map(|c| view! {
                            <tr>
                                <td class="code">{c.course_code.clone()}</td>
                                <th scope="row">{c.name.get(lang).to_owned()}</th>
                                <td>{lang.iso_date(&c.ends_on)}</td>
                                <td>{c.completed}</td>
                                <td>{c.certified}</td>
                                <td>
                                    <a href=format!("/admin/certificates/classes/{}", c.class_id)>{t.cert_decide}</a>
                                    {c.taught_by_me.then(|| view! { " " <span class="badge muted">{t.cert_you_taught}</span> })}
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
}

/// Which part of the expiring list is shown.
fn in_window(entry: &ExpiringCertificate, window: &str) -> bool {
    match window {
        "expired" => entry.days_left < 0,
        "30" => (0..=30).contains(&entry.days_left),
        "60" => (0..=60).contains(&entry.days_left),
        _ => (0..=90).contains(&entry.days_left),
    }
}

#[component]
fn Expiring(list: Vec<ExpiringCertificate>) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let query = use_query_map();
    let window = move || {
        query
            .with(|q| q.get("within"))
            .unwrap_or_else(|| "90".into())
    };
    let list = StoredValue::new(list);
    let windows = [
        ("30", t.cert_within_30),
        ("60", t.cert_within_60),
        ("90", t.cert_within_90),
        ("expired", t.cert_expired_list),
    ];
    view! {
        <section class="card" id="expiring" aria-labelledby="expiring-title">
            <h2 id="expiring-title">{t.cert_expiring_title}</h2>
            <nav class="filters" aria-label=t.cert_expiring_title>
                {windows.into_iter().map(|(key, label)| {
                    let count = list.with_value(|l| l.iter().filter(|e| in_window(e, key)).count());
                    view! {
                        <a
                            href=format!("/admin/certificates?within={key}#expiring")
                            class="chip"
                            aria-current=move || (window() == key).then_some("true")
                        >
                            {label} " (" {count} ")"
                        </a>
                    }
                }).collect_view()}
            </nav>
            {move || {
                let window = window();
                let shown: Vec<ExpiringCertificate> = list.with_value(|l| l.iter().filter(|e| in_window(e, &window)).cloned().collect());
                if shown.is_empty() {
                    return view! { <p class="empty">{t.cert_none_expiring}</p> }.into_any();
                }
                view! {
                    <div class="table-scroll">
                        <table class="data">
                            <thead><tr>
                                <th scope="col">{t.verify_number}</th>
                                <th scope="col">{t.verify_holder}</th>
                                <th scope="col">{t.verify_expires}</th>
                                <th scope="col">{t.cert_days_left}</th>
                            </tr></thead>
                            <tbody>
                                {shown.into_iter().map(|e| view! {
                                    <tr>
                                        <td class="code"><a href=format!("/admin/certificates/record?number={}", e.number)>{e.number.clone()}</a></td>
                                        <th scope="row">{e.holder_name.clone()}</th>
                                        <td>{lang.iso_date(&e.expires_on)}</td>
                                        <td class=if e.days_left < 0 { "text-danger" } else { "" }>{lang.days_left(e.days_left)}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }
                .into_any()
            }}
        </section>
    }
}

#[component]
pub fn CertificateTypesPage() -> impl IntoView {
    let t = use_text();
    let revision = RwSignal::new(0u32);
    // Outside the form, which the reload after a save re-creates.
    let saved = RwSignal::new(false);
    let page = Resource::new(move || revision.get(), |_| load_certificate_types());
    let query = use_query_map();
    let editing = move || query.with(|q| q.get("edit").and_then(|id| id.parse::<i64>().ok()));
    // "Saved" belongs to the form that was saved, not to the next one.
    Effect::new(move |previous: Option<Option<i64>>| {
        let now = editing();
        if previous.is_some_and(|p| p != now) {
            saved.set(false);
        }
        now
    });
    view! {
        <Title text=t.cert_types_title/>
        <h1>{t.cert_types_title}</h1>
        <CertificationTabs current="/admin/certificates/types"/>
        <Transition fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || page.get().map(|result| match result {
                Ok(page) => {
                    let existing = editing().and_then(|id| page.types.iter().find(|k| k.id == id).cloned());
                    view! {
                        <TypeTable page=page.clone()/>
                        <TypeForm page existing revision saved/>
                    }
                    .into_any()
                }
                Err(error) => view! { <ErrorPage error/> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn TypeTable(page: TypesPage) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    view! {
        <div class="table-scroll">
            <table class="data">
                <thead><tr>
                    <th scope="col">{t.cert_prefix}</th>
                    <th scope="col">{t.col_title}</th>
                    <th scope="col">{t.cert_course}</th>
                    <th scope="col">{t.cert_validity}</th>
                    <th scope="col">{t.cert_requirements}</th>
                    <th scope="col">{t.cert_issued}</th>
                    <th scope="col">{t.users_col_actions}</th>
                </tr></thead>
                <tbody>
                    {page.types.into_iter().map(|k| view! {
                        <tr>
                            <td class="code">{k.prefix.clone()}</td>
                            <th scope="row">{k.name.get(lang).to_owned()}</th>
                            <td class="code">{k.course_code.clone()}</td>
                            <td>{lang.months(k.validity_months)}</td>
                            <td>{if k.requires_exam { t.cert_requires_completion_exam } else { t.cert_requires_completion }}</td>
                            <td>{k.issued}</td>
                            <td><a href=format!("/admin/certificates/types?edit={}#type-form", k.id) aria-label=format!("{}: {}", t.edit, k.prefix)>{t.edit}</a></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn TypeForm(
    page: TypesPage,
    existing: Option<crate::api::certification::CertificateTypeView>,
    revision: RwSignal<u32>,
    saved: RwSignal<bool>,
) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let save = ServerAction::<SaveCertificateType>::new();
    let value = save.value();
    Effect::new(move |_| match value.get() {
        Some(Ok(_)) => {
            saved.set(true);
            revision.update(|n| *n += 1);
        }
        Some(Err(_)) => saved.set(false),
        None => {}
    });
    let courses = page
        .courses
        .iter()
        .map(|c| (c.code.clone(), format!("{} {}", c.code, c.title.get(lang))))
        .collect::<Vec<_>>();
    let kind = existing.clone();
    let get = move |f: fn(&crate::api::certification::CertificateTypeView) -> String| {
        kind.as_ref().map(f).unwrap_or_default()
    };
    let is_new = existing.is_none();
    view! {
        <section class="card" id="type-form" aria-labelledby="type-form-title">
            <h2 id="type-form-title">{if is_new { t.cert_type_new.to_string() } else { format!("{} {}", t.cert_type_edit, get(|k| k.prefix.clone())) }}</h2>
            <FormMessage value/>
            {move || saved.get().then(|| view! { <p class="form-message ok" role="status">{t.saved}</p> })}
            <ActionForm action=save attr:novalidate=true attr:class="stack">
                <input type="hidden" name="id" value=get(|k| k.id.to_string())/>
                <div class="field-pair">
                    <TextField name="prefix" label=t.cert_prefix hint=t.cert_prefix_hint value=get(|k| k.prefix.clone()) problem=problem_of(value, "prefix")/>
                    <TextField name="validity_months" label=t.cert_validity_months kind="number" value=get(|k| k.validity_months.to_string()) problem=problem_of(value, "validity_months")/>
                </div>
                <TextField name="name_zh" label=t.cert_name_zh value=get(|k| k.name.zh.clone()) problem=problem_of(value, "name_zh")/>
                <TextField name="name_en" label=t.cert_name_en value=get(|k| k.name.en.clone()) problem=problem_of(value, "name_en")/>
                <SelectField name="course" label=t.cert_course options=courses selected=get(|k| k.course_code.clone()) problem=problem_of(value, "course")/>
                <div class="field checkbox">
                    <input id="field-requires_exam" type="checkbox" name="requires_exam" value="true" checked=existing.as_ref().is_none_or(|k| k.requires_exam)/>
                    <label for="field-requires_exam">{t.cert_requires_exam}</label>
                </div>
                <p class="hint">{t.cert_completion_always}</p>
                <button type="submit" disabled=move || save.pending().get()>{t.save}</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn DecisionPageView() -> impl IntoView {
    let t = use_text();
    let params = use_params_map();
    let query = use_query_map();
    let class_id = move || params.with(|p| p.get("id").and_then(|id| id.parse::<i64>().ok()));
    let type_id = move || query.with(|q| q.get("type").and_then(|id| id.parse::<i64>().ok()));
    let revision = RwSignal::new(0u32);
    // Outside the list, which reloads after an issue: the action with its
    // outcome, what was issued and the chosen date survive the reload.
    let issue = ServerAction::<IssueCertificates>::new();
    let last_issued = RwSignal::new(Vec::<crate::api::certification::IssuedCertificate>::new());
    let issued_on = RwSignal::new(None::<String>);
    Effect::new(move |_| match issue.value().get() {
        Some(Ok(issued)) => {
            last_issued.set(issued);
            revision.update(|n| *n += 1);
        }
        // Someone else may have issued meanwhile: show the list as it is.
        Some(Err(AppError::Conflict(Problem::NotEligible { .. }))) => revision.update(|n| *n += 1),
        _ => {}
    });
    // Another certificate type: what was issued for the last one is not news.
    Effect::new(move |previous: Option<Option<i64>>| {
        let now = type_id();
        if previous.is_some_and(|p| p != now) {
            last_issued.set(Vec::new());
        }
        now
    });
    let page = Resource::new(
        move || (class_id(), type_id(), revision.get()),
        |(class_id, type_id, _)| async move {
            match class_id {
                Some(id) => certification_candidates(id, type_id).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    view! {
        <Title text=t.cert_decision_title/>
        <Transition fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || page.get().map(|result| match result {
                Ok(page) => view! { <Decision page issue last_issued issued_on/> }.into_any(),
                Err(error) => view! { <ErrorPage error/> }.into_any(),
            })}
        </Transition>
    }
}

fn shortfall(lang: Lang, shortfall: Shortfall) -> &'static str {
    let t = lang.text();
    match shortfall {
        Shortfall::NotCompleted => t.cert_short_not_completed,
        Shortfall::ExamNotPassed => t.cert_short_exam,
        Shortfall::AlreadyCertified => t.cert_short_certified,
    }
}

#[component]
fn Decision(
    page: DecisionPage,
    issue: ServerAction<IssueCertificates>,
    last_issued: RwSignal<Vec<crate::api::certification::IssuedCertificate>>,
    /// The chosen date of issue; today until the administrator picks one.
    issued_on: RwSignal<Option<String>>,
) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let class_id = page.class_id;
    let eligible: Vec<i64> = page
        .candidates
        .iter()
        .filter(|c| c.shortfalls.is_empty())
        .map(|c| c.trainee_id)
        .collect();
    // Recreated with the list: whoever was chosen may no longer be eligible.
    let selected = RwSignal::new(BTreeSet::<i64>::new());
    let value = issue.value();
    let pending = issue.pending();
    let progress = RwSignal::new(None::<IssueProgress>);
    let today = page.today.clone();
    let date = Signal::derive(move || issued_on.get().unwrap_or_else(|| today.clone()));
    // While an issue runs, ask the server how far it has got.
    Effect::new(move |_| {
        if !pending.get() {
            progress.set(None);
            return;
        }
        if let Ok(handle) = set_interval_with_handle(
            move || {
                leptos::task::spawn_local(async move {
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
    let Some(type_id) = page.type_id else {
        return view! {
            <h1>{page.class_name.get(lang).to_owned()}</h1>
            <p class="empty">{t.cert_no_type}</p>
            <a href="/admin/certificates/types">{t.cert_types_title}</a>
        }
        .into_any();
    };
    let chosen = page.types.iter().find(|k| k.id == type_id).cloned();
    let taught = page.taught_by_me;
    let send = move |ids: Vec<i64>| {
        let trainees = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        issue.dispatch(IssueCertificates {
            class_id,
            type_id,
            trainees,
            issued_on: date.get_untracked(),
        });
    };
    let all_eligible = eligible.clone();
    let eligible_count = eligible.len();
    let type_options = page.types.clone();
    view! {
        <p class="breadcrumb"><a href="/admin/certificates">{t.cert_admin_title}</a></p>
        <h1>{t.cert_decision_title} " · " {page.class_name.get(lang).to_owned()}</h1>
        <p class="muted">
            <span class="code">{page.course_code.clone()}</span> " · "
            {page.centre.get(lang).to_owned()} " · " {t.cert_ends} " " {lang.iso_date(&page.ends_on)}
        </p>
        <p class="notice">{t.cert_iso_rule}</p>
        {taught.then(|| view! {
            <p class="form-message error" role="alert">{lang.problem(crate::error::Problem::DeciderTaughtClass)}</p>
        })}
        {(type_options.len() > 1).then(|| view! {
            <form method="get" class="inline-search">
                <div class="field">
                    <label for="type-choice">{t.verify_type}</label>
                    <select id="type-choice" name="type">
                        {type_options.iter().map(|k| view! {
                            <option value=k.id.to_string() selected=k.id == type_id>{format!("{} {}", k.prefix, k.name.get(lang))}</option>
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="secondary">{t.cert_show}</button>
            </form>
        })}
        {chosen.map(|k| view! {
            <p>
                <strong>{k.name.get(lang).to_owned()}</strong> " (" <span class="code">{k.prefix.clone()}</span> ") · "
                {lang.months(k.validity_months)} " · "
                {if k.requires_exam { t.cert_requires_completion_exam } else { t.cert_requires_completion }}
            </p>
        })}
        <section class="card" aria-labelledby="candidates-title">
            <h2 id="candidates-title">{t.cert_candidates} " (" {eligible_count} " " {t.cert_eligible_of} " " {page.candidates.len()} ")"</h2>
            <FormMessage value/>
            {move || {
                let issued = last_issued.get();
                (!issued.is_empty()).then(|| view! {
                    <div class="form-message ok" role="status">
                        <p>{lang.issued_count(issued.len())}</p>
                        <p class="code">{issued.first().map(|i| i.number.clone())} {(issued.len() > 1).then(|| format!(" … {}", issued.last().map(|i| i.number.as_str()).unwrap_or_default()))}</p>
                    </div>
                })
            }}
            {move || pending.get().then(|| {
                let (done, total) = progress.get().map(|p| (p.done, p.total)).unwrap_or((0, 1));
                view! {
                    <div class="progress" role="status">
                        <label for="issue-progress">{t.cert_issuing}</label>
                        <progress id="issue-progress" max=total.to_string() value=done.to_string()>{format!("{done}/{total}")}</progress>
                    </div>
                }
            })}
            <div class="field-pair">
                <div class="field narrow" class:has-error=move || problem_of(value, "issued_on").get().is_some()>
                    <label for="field-issued_on">{t.cert_issue_date}</label>
                    <input id="field-issued_on" type="date" name="issued_on"
                        prop:value=move || date.get()
                        on:input=move |ev| issued_on.set(Some(event_target_value(&ev)))/>
                    <p class="field-error" aria-live="polite">{move || problem_of(value, "issued_on").get().map(|p| lang.problem(p))}</p>
                </div>
            </div>
            <div class="actions">
                <button type="button"
                    disabled=move || taught || pending.get() || selected.with(|s| s.is_empty())
                    on:click=move |_| send(selected.get_untracked().into_iter().collect())>
                    {move || lang.issue_selected(selected.with(|s| s.len()))}
                </button>
                <button type="button" class="secondary"
                    disabled=move || taught || pending.get() || all_eligible.is_empty()
                    on:click={
                        let ids = eligible.clone();
                        move |_| send(ids.clone())
                    }>
                    {lang.issue_all(eligible_count)}
                </button>
            </div>
            <p class="field-error" aria-live="polite">{move || problem_of(value, "trainees").get().map(|p| lang.problem(p))}</p>
            <div class="table-scroll">
                <table class="data candidates">
                    <thead><tr>
                        <th scope="col"><span class="visually-hidden">{t.cert_choose}</span></th>
                        <th scope="col">{t.field_name}</th>
                        <th scope="col">{t.cert_completed}</th>
                        <th scope="col">{t.cert_exam}</th>
                        <th scope="col">{t.cert_outcome}</th>
                    </tr></thead>
                    <tbody>
                        {page.candidates.into_iter().map(|c| view! { <CandidateRow candidate=c selected taught/> }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}

#[component]
fn CandidateRow(
    candidate: Candidate,
    selected: RwSignal<BTreeSet<i64>>,
    taught: bool,
) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let id = candidate.trainee_id;
    let eligible = candidate.shortfalls.is_empty();
    let box_id = format!("candidate-{id}");
    let yes_no = |v: bool| if v { ("ok", t.yes) } else { ("danger", t.no) };
    let (completed_class, completed_text) = yes_no(candidate.completed);
    view! {
        <tr class:eligible=eligible>
            <td>
                <input type="checkbox" id=box_id.clone() disabled=!eligible || taught
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
                None => view! { <span class="muted">{t.cert_not_required}</span> }.into_any(),
                Some(passed) => {
                    let (class, text) = if passed { ("ok", t.cert_passed) } else { ("danger", t.cert_not_passed) };
                    view! { <span class=format!("badge {class}")>{text}</span> }.into_any()
                }
            }}</td>
            <td>{match (&candidate.certificate, eligible) {
                (Some(number), _) => view! { <a class="code" href=format!("/admin/certificates/record?number={number}")>{number.clone()}</a> }.into_any(),
                (None, true) => view! { <span class="badge ok">{t.cert_eligible}</span> }.into_any(),
                (None, false) => view! {
                    <span class="muted">{candidate.shortfalls.iter().map(|s| shortfall(lang, *s)).collect::<Vec<_>>().join(lang.list_separator())}</span>
                }.into_any(),
            }}</td>
        </tr>
    }
}

#[component]
pub fn CertificateRecordPage() -> impl IntoView {
    let t = use_text();
    let query = use_query_map();
    let number = move || query.with(|q| q.get("number")).unwrap_or_default();
    let revision = RwSignal::new(0u32);
    let record = Resource::new(
        move || (number(), revision.get()),
        |(number, _)| load_admin_certificate(number),
    );
    view! {
        <Title text=t.cert_record_title/>
        <p class="breadcrumb"><a href="/admin/certificates">{t.cert_admin_title}</a></p>
        <Transition fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || record.get().map(|result| match result {
                Ok(record) => view! { <Record record revision/> }.into_any(),
                Err(error) => view! { <ErrorPage error/> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Record(record: AdminCertificate, revision: RwSignal<u32>) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let c = record.public.clone();
    let admin_record: NumberLink = |number| format!("/admin/certificates/record?number={number}");
    let history = record
        .history
        .iter()
        .cloned()
        .map(|e| {
            let entry = HistoryEntry {
                action: e.action,
                reason: e.reason,
                until: e.until,
                at: e.at,
            };
            (entry, e.actor)
        })
        .collect();
    view! {
        <h1>{t.cert_record_title} " " <span class="code">{c.number.clone()}</span></h1>
        <Verdict certificate=c.clone() link=admin_record show_number=false/>
        <section class="card">
            <dl class="facts">
                <dt>{t.verify_holder}</dt>
                <dd class="holder">{c.holder_name.clone()} <span class="holder-email">{record.holder_email.clone()}</span></dd>
                <dt>{t.verify_type}</dt>
                <dd>{c.type_name.get(lang).to_owned()}</dd>
                <dt>{t.verify_centre}</dt>
                <dd>{c.centre_name.get(lang).to_owned()}</dd>
                {record.class_name.clone().map(|name| view! {
                    <dt>{t.cert_class}</dt>
                    <dd>
                        {match record.class_id {
                            Some(id) => view! { <a href=format!("/admin/certificates/classes/{id}")>{name.get(lang).to_owned()}</a> }.into_any(),
                            None => name.get(lang).to_owned().into_any(),
                        }}
                    </dd>
                })}
                <Validity certificate=c.clone() link=admin_record/>
                {record.decided_by.clone().map(|name| view! {
                    <dt>{t.cert_decided_by}</dt>
                    <dd>{name}</dd>
                })}
            </dl>
            <p class="actions">
                <a href=format!("/verify/{}", c.number)>{t.cert_public_page}</a>
                <a href=format!("/certificates/{}", c.number)>{t.cert_print}</a>
                <a href=format!("/certificates/{}/pdf", c.number)>{t.cert_pdf}</a>
                {(!matches!(c.status.as_str(), "revoked" | "superseded")).then(|| view! {
                    <a href=format!("/api/v1/certificates/{}/credential", c.number)>{t.cert_credential}</a>
                })}
            </p>
        </section>
        <ChangeForm record=record.clone() revision/>
        <History entries=history/>
    }
}

#[component]
fn ChangeForm(record: AdminCertificate, revision: RwSignal<u32>) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let change = ServerAction::<ChangeCertificate>::new();
    let value = change.value();
    let navigate = use_navigate();
    let number = record.public.number.clone();
    Effect::new(move |_| match value.get() {
        Some(Ok(Some(new))) => navigate(
            &format!("/admin/certificates/record?number={new}"),
            Default::default(),
        ),
        Some(Ok(None)) => revision.update(|n| *n += 1),
        _ => {}
    });
    if record.allowed.is_empty() {
        return view! { <p class="muted">{t.cert_no_changes}</p> }.into_any();
    }
    let first = record.allowed.first().cloned().unwrap_or_default();
    let chosen = RwSignal::new(first);
    let options = record.allowed.clone();
    view! {
        <section class="card" aria-labelledby="change-title">
            <h2 id="change-title">{t.cert_change_title}</h2>
            <FormMessage value/>
            <ActionForm action=change attr:novalidate=true attr:class="stack">
                <input type="hidden" name="number" value=number/>
                <fieldset class="choice-row">
                    <legend>{t.cert_change}</legend>
                    {options.into_iter().map(|name| {
                        let id = format!("change-{name}");
                        let label_for = id.clone();
                        let value_name = name.clone();
                        let current = name.clone();
                        view! {
                            <label for=label_for class="choice">
                                <input type="radio" id=id name="change" value=value_name
                                    checked=chosen.get_untracked() == current
                                    on:change=move |_| chosen.set(name.clone())/>
                                {lang.certificate_change(&current)}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <p class="hint">{move || lang.certificate_change_hint(&chosen.get())}</p>
                <TextField name="reason" label=t.reason problem=problem_of(value, "reason")/>
                <div class:hidden=move || chosen.get() != "suspend">
                    <TextField name="until" label=t.cert_until kind="date" optional=true hint=t.cert_until_hint problem=problem_of(value, "until")/>
                </div>
                <div class:hidden=move || chosen.get() != "correct">
                    <TextField name="corrected_name" label=t.cert_corrected_name value=record.public.holder_name.clone() problem=problem_of(value, "corrected_name")/>
                </div>
                <div class:hidden=move || chosen.get() != "renew">
                    <TextField name="renewed_on" label=t.cert_renewed_on kind="date" optional=true value=record.today.clone() problem=problem_of(value, "renewed_on")/>
                </div>
                <button type="submit" class:danger=move || chosen.get() == "revoke" disabled=move || change.pending().get()>{t.cert_apply}</button>
            </ActionForm>
        </section>
    }
    .into_any()
}
