//! Certification under `/admin/certificates`: classes to decide for and
//! the expiring list, certificate types, the decision page of a class, and
//! one certificate's record with its lifecycle changes.

use crate::api::certificates::HistoryEntry;
use crate::api::certification::{
    certification_candidates, load_admin_certificate, load_certificate_types, load_certification,
    AdminCertificate, ChangeCertificate, DecisionPage, ExpiringCertificate, IssueCertificates,
    IssuedCertificate, SaveCertificateType, TypesPage,
};
use crate::components::{use_form, Form, FormMessage, SelectField, TextField};
use crate::i18n::{use_lang, use_text};
use crate::islands::{CertificationDecision, DecisionText};
use crate::pages::errors::ErrorPage;
use crate::pages::verify::{History, NumberLink, Validity, Verdict};
use crate::ssr::forms::NEXT_FIELD;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

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
    let page = Resource::new(|| (), |_| load_certificate_types());
    let query = use_query_map();
    let editing = move || query.with(|q| q.get("edit").and_then(|id| id.parse::<i64>().ok()));
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
                        <TypeForm page existing/>
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
) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    // One key per type edited: "saved" belongs to the form that was saved.
    let key = existing
        .as_ref()
        .map(|k| format!("type-{}", k.id))
        .unwrap_or_else(|| "type-new".into());
    let form = use_form::<SaveCertificateType>(key);
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
            <FormMessage form done=t.saved/>
            <Form form anchor="type-form".to_owned() class="stack">
                <input type="hidden" name="id" value=get(|k| k.id.to_string())/>
                <div class="field-pair">
                    <TextField form name="prefix" label=t.cert_prefix hint=t.cert_prefix_hint value=get(|k| k.prefix.clone())/>
                    <TextField form name="validity_months" label=t.cert_validity_months kind="number" value=get(|k| k.validity_months.to_string())/>
                </div>
                <TextField form name="name_zh" label=t.cert_name_zh value=get(|k| k.name.zh.clone())/>
                <TextField form name="name_en" label=t.cert_name_en value=get(|k| k.name.en.clone())/>
                <SelectField form name="course" label=t.cert_course options=courses selected=get(|k| k.course_code.clone())/>
                <div class="field checkbox">
                    <input id="field-requires_exam" type="checkbox" name="requires_exam" value="true" checked=if form.was_refused() { form.value("requires_exam").is_some() } else { existing.as_ref().is_none_or(|k| k.requires_exam) }/>
                    <label for="field-requires_exam">{t.cert_requires_exam}</label>
                </div>
                <p class="hint">{t.cert_completion_always}</p>
                <button type="submit">{t.save}</button>
            </Form>
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
    let page = Resource::new(
        move || (class_id(), type_id()),
        |(class_id, type_id)| async move {
            match class_id {
                Some(id) => certification_candidates(id, type_id).await,
                None => Err(crate::error::AppError::NotFound),
            }
        },
    );
    view! {
        <Title text=t.cert_decision_title/>
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || page.get().map(|result| match result {
                Ok(page) => view! { <Decision page/> }.into_any(),
                Err(error) => view! { <ErrorPage error/> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Decision(page: DecisionPage) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let Some(type_id) = page.type_id else {
        return view! {
            <h1>{page.class_name.get(lang).to_owned()}</h1>
            <p class="empty">{t.cert_no_type}</p>
            <a href="/admin/certificates/types">{t.cert_types_title}</a>
        }
        .into_any();
    };
    // The outcome of a plain post (JavaScript off) comes back rendered.
    let form = use_form::<IssueCertificates>("issue");
    let issued = form.output::<Vec<IssuedCertificate>>().unwrap_or_default();
    // Without JavaScript the page answers the post itself, with what was
    // issued (however many: too much for the redirect's cookie).
    let post_back = form.post_back(Some("candidates-title"), "output");
    let chosen = page.types.iter().find(|k| k.id == type_id).cloned();
    let type_options = page.types.clone();
    view! {
        <p class="breadcrumb"><a href="/admin/certificates">{t.cert_admin_title}</a></p>
        <h1>{t.cert_decision_title} " · " {page.class_name.get(lang).to_owned()}</h1>
        <p class="muted">
            <span class="code">{page.course_code.clone()}</span> " · "
            {page.centre.get(lang).to_owned()} " · " {t.cert_ends} " " {lang.iso_date(&page.ends_on)}
        </p>
        <p class="notice">{t.cert_iso_rule}</p>
        {page.taught_by_me.then(|| view! {
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
        <CertificationDecision page type_id issued post_back text=DecisionText::new(lang)/>
    }
    .into_any()
}

#[component]
pub fn CertificateRecordPage() -> impl IntoView {
    let t = use_text();
    let query = use_query_map();
    let number = move || query.with(|q| q.get("number")).unwrap_or_default();
    let record = Resource::new(number, load_admin_certificate);
    view! {
        <Title text=t.cert_record_title/>
        <p class="breadcrumb"><a href="/admin/certificates">{t.cert_admin_title}</a></p>
        <Transition fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || record.get().map(|result| match result {
                Ok(record) => view! { <Record record/> }.into_any(),
                Err(error) => view! { <ErrorPage error/> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Record(record: AdminCertificate) -> impl IntoView {
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
        <ChangeForm record=record.clone()/>
        <History entries=history/>
    }
}

/// The lifecycle changes this record allows, each with a reason. The fields
/// a change needs are shown for the chosen one by CSS alone (`:has`), so
/// the form needs no JavaScript; a renewal or correction opens the new
/// record afterwards.
#[component]
fn ChangeForm(record: AdminCertificate) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let form = use_form::<ChangeCertificate>("change");
    let number = record.public.number.clone();
    if record.allowed.is_empty() {
        return view! { <p class="muted">{t.cert_no_changes}</p> }.into_any();
    }
    let first = record.allowed.first().cloned().unwrap_or_default();
    let chosen = form
        .value("change")
        .filter(|c| record.allowed.contains(c))
        .unwrap_or(first);
    let options = record.allowed.clone();
    let hints = record.allowed.clone();
    view! {
        <section class="card" id="change" aria-labelledby="change-title">
            <h2 id="change-title">{t.cert_change_title}</h2>
            <FormMessage form done=t.saved/>
            <Form form anchor="change".to_owned() class="stack change-form">
                <input type="hidden" name="number" value=number/>
                <input type="hidden" name=NEXT_FIELD value="/admin/certificates/record?number={}"/>
                <fieldset class="choice-row">
                    <legend>{t.cert_change}</legend>
                    {options.into_iter().map(|name| {
                        let id = format!("change-{name}");
                        let label_for = id.clone();
                        let checked = chosen == name;
                        view! {
                            <label for=label_for class="choice">
                                <input type="radio" id=id name="change" value=name.clone() checked=checked/>
                                {lang.certificate_change(&name)}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                {hints.into_iter().map(|name| view! {
                    <p class=format!("hint only-{name}")>{lang.certificate_change_hint(&name)}</p>
                }).collect_view()}
                <TextField form name="reason" label=t.reason/>
                <div class="only-suspend">
                    <TextField form name="until" label=t.cert_until kind="date" optional=true hint=t.cert_until_hint/>
                </div>
                <div class="only-correct">
                    <TextField form name="corrected_name" label=t.cert_corrected_name value=record.public.holder_name.clone()/>
                </div>
                <div class="only-renew">
                    <TextField form name="renewed_on" label=t.cert_renewed_on kind="date" optional=true value=record.today.clone()/>
                </div>
                <button type="submit" class="apply-change">{t.cert_apply}</button>
            </Form>
        </section>
    }
    .into_any()
}
