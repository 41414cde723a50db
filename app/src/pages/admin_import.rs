//! `/admin/import`: check a CSV of trainees row by row, then import all of
//! them in one go, and hand out their set-password links.

use crate::api::import::{import_classes, ImportOutcome, ImportTrainees};
use crate::components::{use_form, Form, FormMessage};
use crate::html::textarea_text;
use crate::i18n::{use_lang, use_text, Text};
use crate::pages::errors::ErrorPage;
use leptos::prelude::*;
use leptos_meta::Title;

fn field_label(t: &'static Text, field: &str) -> &'static str {
    match field {
        "name" => t.field_name,
        "email" => t.field_email,
        "organisation" => t.field_organisation,
        "province" => t.field_province,
        "industry" => t.field_industry,
        "class" => t.import_class,
        _ => t.import_csv,
    }
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    // Also the page's authorisation check: only administrators get the list.
    let classes = Resource::new(|| (), |_| import_classes());
    let form = use_form::<ImportTrainees>("import");
    view! {
        <Title text=t.import_title/>
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || classes.get().map(|result| match result {
                Err(error) => view! { <ErrorPage error/> }.into_any(),
                Ok(classes) => view! {
                    <h1>{t.import_title}</h1>
                    <p class="lead">{t.import_lead}</p>
                    <section class="card">
                        <Form form show_output=true class="stack">
                            <div class="field">
                                <label for="import-csv">{t.import_csv}</label>
                                <textarea id="import-csv" name="csv" rows="10" class="mono" spellcheck="false"
                                    placeholder="name,email,organisation,province,industry">{textarea_text(&form.value("csv").unwrap_or_default())}</textarea>
                            </div>
                            <div class="field">
                                <label for="import-class">{t.import_class}</label>
                                <select id="import-class" name="class_id">
                                    <option value="">{t.import_no_class}</option>
                                    {classes.into_iter().map(|c| {
                                        let label = format!("{} · {} ({})", c.course_title.get(lang), c.name.get(lang), c.starts_on);
                                        let chosen = form.value("class_id") == Some(c.id.to_string());
                                        view! { <option value=c.id selected=chosen>{label}</option> }
                                    }).collect_view()}
                                </select>
                            </div>
                            <FormMessage form/>
                            <div class="actions">
                                <button type="submit" name="commit" value="false" class="secondary">{t.import_check}</button>
                                <button type="submit" name="commit" value="true">{t.import_submit}</button>
                            </div>
                        </Form>
                    </section>
                    {form.output::<ImportOutcome>().map(|outcome| view! { <Outcome outcome/> })}
                }
                .into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Outcome(outcome: ImportOutcome) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    if let Some((line, problem)) = outcome.file_problem {
        return view! {
            <div class="form-message error" role="alert">{t.import_line} " " {line} ": " {lang.problem(problem)}</div>
        }
        .into_any();
    }
    if outcome.committed {
        return view! {
            <section class="card" aria-labelledby="import-done">
                <h2 id="import-done" class="form-message ok" role="status">{t.import_done}</h2>
                <div class="table-scroll">
                    <table class="data">
                        <thead><tr>
                            <th scope="col">{t.field_name}</th>
                            <th scope="col">{t.field_email}</th>
                            <th scope="col">{t.users_col_status}</th>
                            <th scope="col">{t.import_link}</th>
                        </tr></thead>
                        <tbody>
                            {outcome.created.into_iter().map(|c| view! {
                                <tr>
                                    <th scope="row">{c.name}</th>
                                    <td>{c.email.clone()}</td>
                                    <td>{c.enrolment.map(|s| lang.enrolment_state(s))}</td>
                                    <td><input class="link-copy" readonly value=c.link aria-label=format!("{}: {}", t.import_link, c.email)/></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
            </section>
        }
        .into_any();
    }
    let problem_rows = outcome.rows.iter().filter(|r| !r.is_valid()).count();
    view! {
        <section class="card" aria-labelledby="import-check">
            <h2 id="import-check">{t.import_check}</h2>
            {if problem_rows == 0 {
                view! { <p class="form-message ok" role="status">{t.import_ready}</p> }.into_any()
            } else {
                view! { <p class="form-message error" role="alert">{lang.problem(crate::error::Problem::ImportHasErrors)}</p> }.into_any()
            }}
            <div class="table-scroll">
                <table class="data import-rows">
                    <thead><tr>
                        <th scope="col">{t.import_line}</th>
                        <th scope="col">{t.field_name}</th>
                        <th scope="col">{t.field_email}</th>
                        <th scope="col">{t.field_province}</th>
                        <th scope="col">{t.field_industry}</th>
                        <th scope="col">{t.import_problems}</th>
                    </tr></thead>
                    <tbody>
                        {outcome.rows.into_iter().map(|row| {
                            let bad = !row.is_valid();
                            let problems = if bad {
                                row.problems.iter().map(|(f, p)| format!("{}: {}", field_label(t, f), lang.problem(*p))).collect::<Vec<_>>().join(" ")
                            } else {
                                t.import_ok.to_string()
                            };
                            view! {
                                <tr class:row-error=bad>
                                    <td>{row.line}</td>
                                    <td>{row.name}</td>
                                    <td>{row.email}</td>
                                    <td>{row.province}</td>
                                    <td>{row.industry}</td>
                                    <td class="problems">{problems}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}
