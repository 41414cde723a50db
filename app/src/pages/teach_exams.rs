//! Instructors' exam pages: a class's exams and the form for a new one
//! (`/teach/classes/{id}/exams`), an exam's results and item analysis
//! (`/teach/exams/{id}`), the grading queue (`/teach/exams/{id}/grade`) and
//! the class gradebook (`/teach/classes/{id}/gradebook`).

use crate::api::exams::{AttemptState, ExamInfo};
use crate::api::grading::{
    answers_to_grade, class_gradebook, exam_report, list_class_exams, BankChoice, ClassExams,
    CreateExam, ExamQuestion, ExamSummary, GradeAnswer, GradeCell, Gradebook, GradingQueue,
    OverrideGrade, ReleaseResults,
};
use crate::components::{
    use_form, FieldError, Form, FormMessage, SelectField, TextArea, TextField,
};
use crate::domain::catalogue::format_china_time;
use crate::domain::exam::QuestionKind;
use crate::html::textarea_text;
use crate::i18n::{use_lang, use_text};
use crate::islands::{GradeCard, GradeText};
use crate::pages::errors::ErrorPage;
use crate::pages::exam::{describe_key, describe_response};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn id_param(name: &'static str) -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || {
        params.with(|p| {
            p.get(name)
                .and_then(|id| id.parse::<i64>().ok())
                .unwrap_or(0)
        })
    }
}

/// Links shared by the pages of one class.
#[component]
pub fn ClassTabs(class_id: i64, course_code: String) -> impl IntoView {
    let t = use_text();
    view! {
        <nav class="tabs" aria-label=t.teach_class_pages>
            <a href=format!("/teach/classes/{class_id}")>{t.teach_roster}</a>
            <a href=format!("/teach/classes/{class_id}/exams")>{t.teach_exams}</a>
            <a href=format!("/teach/classes/{class_id}/gradebook")>{t.gradebook}</a>
            <a href=format!("/teach/courses/{course_code}/questions")>{t.bank_title}</a>
        </nav>
    }
}

#[component]
pub fn ClassExamsPage() -> impl IntoView {
    let t = use_text();
    let class_id = id_param("id");
    let data = Resource::new(class_id, list_class_exams);
    view! {
        <Transition fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || data.get().map(|result| match result {
                Ok(data) => view! { <ClassExamsView data/> }.into_any(),
                Err(error) => view! { <ErrorPage error/> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn ClassExamsView(data: ClassExams) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let class = data.class;
    let title = format!(
        "{} · {}",
        class.course_title.get(lang),
        class.name.get(lang)
    );
    let empty = data.exams.is_empty();
    view! {
        <Title text=format!("{} · {}", t.teach_exams, title)/>
        <p class="breadcrumb"><a href="/teach">{t.teach_back}</a></p>
        <h1>{title}</h1>
        <ClassTabs class_id=class.id course_code=class.course_code.clone()/>
        <h2>{t.teach_exams}</h2>
        {if empty {
            view! { <p class="empty">{t.exams_none}</p> }.into_any()
        } else {
            view! {
                <div class="class-list">
                    {data.exams.into_iter().map(|summary| view! { <ExamCard summary/> }).collect_view()}
                </div>
            }
            .into_any()
        }}
        <NewExamForm class_id=class.id bank=data.bank now=data.now open=empty/>
    }
}

#[component]
fn ExamCard(summary: ExamSummary) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let exam = summary.exam;
    view! {
        <article class="card class-card">
            <h3><a href=format!("/teach/exams/{}", exam.id)>{exam.title.get(lang).to_owned()}</a></h3>
            <p class="muted">{lang.date_time(exam.opens_at)} " – " {lang.date_time(exam.closes_at)}</p>
            <p class="muted">
                {lang.minutes(exam.time_limit_minutes)} " · " {lang.question_count(exam.question_count)} " · "
                {t.exam_pass_mark} " " {exam.pass_percent} "%"
            </p>
            <p>
                {lang.attempt_counts(summary.in_progress, summary.awaiting_grading, summary.graded)}
            </p>
            <p>
                {if exam.released_at.is_some() {
                    view! { <span class="badge ok">{t.exam_released}</span> }.into_any()
                } else {
                    view! { <span class="badge muted">{t.exam_not_released}</span> }.into_any()
                }}
                {(summary.awaiting_grading > 0).then(|| view! {
                    " " <a class="button small" href=format!("/teach/exams/{}/grade", exam.id)>{t.grade_answers}</a>
                })}
            </p>
        </article>
    }
}

#[component]
fn NewExamForm(class_id: i64, bank: Vec<BankChoice>, now: i64, open: bool) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let form = use_form::<CreateExam>("new-exam");
    let refused = form.was_refused();
    // After a refusal the form shows what was posted, checkboxes included.
    let checked = move |field: &str, value: &str, default: bool| {
        if refused {
            form.values(field).iter().any(|v| v == value)
        } else {
            default
        }
    };
    let random = checked("selection", "random", false);
    let default_open = format_china_time(now - now % 3600 + 3600);
    let default_close = format_china_time(now - now % 3600 + 3600 + 7 * 86_400);
    let counting = vec![
        ("highest".to_owned(), t.counting_highest.to_owned()),
        ("last".to_owned(), t.counting_last.to_owned()),
    ];
    let tags: Vec<String> = {
        let mut all: Vec<String> = bank.iter().flat_map(|q| q.tags.clone()).collect();
        all.sort();
        all.dedup();
        all
    };
    view! {
        <details class="card" open=open || refused || form.done() id="new-exam">
            <summary><h2 class="inline">{t.exam_new}</h2></summary>
            <FormMessage form done=t.saved/>
            <Form form anchor="new-exam".to_owned() class="stack">
                <input type="hidden" name="class_id" value=class_id/>
                <div class="grid-2">
                    <TextField form name="title_zh" label=t.exam_title_zh/>
                    <TextField form name="title_en" label=t.exam_title_en/>
                    <TextField form name="opens_at" label=t.exam_opens kind="datetime-local" value=default_open/>
                    <TextField form name="closes_at" label=t.exam_closes kind="datetime-local" value=default_close/>
                    <TextField form name="time_limit_minutes" label=t.exam_time_limit kind="number" value="60"/>
                    <TextField form name="pass_percent" label=t.exam_pass_percent kind="number" value="60"/>
                    <TextField form name="attempts_allowed" label=t.exam_attempts_allowed kind="number" value="1"/>
                    <SelectField form name="counting" label=t.exam_counting options=counting selected="highest"/>
                </div>
                <label class="checkbox">
                    <input type="checkbox" name="shuffle" value="true" checked=checked("shuffle", "true", true)/>
                    {t.exam_shuffle}
                </label>
                <fieldset class="choice-row">
                    <legend>{t.exam_selection}</legend>
                    <label class="checkbox">
                        <input type="radio" name="selection" value="fixed" checked=!random/>
                        {t.exam_selection_fixed}
                    </label>
                    <label class="checkbox">
                        <input type="radio" name="selection" value="random" checked=random/>
                        {t.exam_selection_random}
                    </label>
                </fieldset>
                <fieldset class="question-pick" class:has-error=form.problem("questions").is_some()>
                    <legend>{t.exam_pick_questions}</legend>
                    {if bank.is_empty() {
                        view! { <p class="empty">{t.exam_bank_empty}</p> }.into_any()
                    } else {
                        bank.iter().map(|q| {
                            let label = format!("{} · {} · {}", lang.kind(q.kind), lang.points(q.points), q.prompt.get(lang));
                            view! {
                                <label class="checkbox pick">
                                    <input type="checkbox" name="questions[]" value=q.id checked=checked("questions[]", &q.id.to_string(), false)/>
                                    <span>{label}</span>
                                    {(!q.tags.is_empty()).then(|| view! { <span class="tags">{q.tags.join(", ")}</span> })}
                                </label>
                            }
                        }).collect_view().into_any()
                    }}
                    <FieldError id="field-questions".to_owned() problem=form.problem("questions")/>
                </fieldset>
                <div class="field" class:has-error=form.problem("draws").is_some()>
                    <label for="field-draws">{t.exam_draws}</label>
                    <textarea id="field-draws" name="draws" rows="3" class="mono" aria-describedby="field-draws-hint field-draws-error">{textarea_text(&form.value("draws").unwrap_or_default())}</textarea>
                    <p class="hint" id="field-draws-hint">{t.exam_draws_hint} " " {tags.join(", ")}</p>
                    <FieldError id="field-draws".to_owned() problem=form.problem("draws")/>
                </div>
                <div class="actions">
                    <button type="submit">{t.exam_create}</button>
                </div>
            </Form>
        </details>
    }
}

#[component]
pub fn ExamReportPage() -> impl IntoView {
    let t = use_text();
    let exam_id = id_param("id");
    let report = Resource::new(exam_id, exam_report);
    view! {
        <Transition fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || report.get().map(|result| match result {
                Ok(report) => {
                    let lang = use_lang();
                    let exam = report.summary.exam.clone();
                    let title = exam.title.get(lang).to_owned();
                    view! {
                        <Title text=title.clone()/>
                        <p class="breadcrumb"><a href=format!("/teach/classes/{}/exams", exam.class_id)>{t.exams_back}</a></p>
                        <h1>{title}</h1>
                        <ClassTabs class_id=exam.class_id course_code=exam.course_code.clone()/>
                        <ExamFacts exam=exam.clone()/>
                        <p>{lang.attempt_counts(report.summary.in_progress, report.summary.awaiting_grading, report.summary.graded)}</p>
                        <ReleaseForm exam=exam.clone() waiting=report.summary.awaiting_grading open=report.now < exam.closes_at/>
                        <h2>{t.grading_queue}</h2>
                        <QuestionLinks exam_id=exam.id questions=report.questions.clone() current=None anonymous=false/>
                        <h2>{t.item_analysis}</h2>
                        <p class="muted">{t.item_analysis_hint}</p>
                        <div class="table-scroll">
                            <table class="data items">
                                <thead><tr>
                                    <th scope="col">{t.col_question}</th>
                                    <th scope="col">{t.item_answered}</th>
                                    <th scope="col">{t.item_facility}</th>
                                    <th scope="col">{t.item_discrimination}</th>
                                    <th scope="col"></th>
                                </tr></thead>
                                <tbody>
                                    {report.items.into_iter().map(|item| view! {
                                        <tr class:weak=item.weak>
                                            <th scope="row">{item.prompt.get(lang).to_owned()}</th>
                                            <td>{item.answered}</td>
                                            <td>{format!("{:.0}%", item.facility * 100.0)}</td>
                                            <td>{item.discrimination.map(|d| format!("{d:.2}")).unwrap_or_else(|| "—".into())}</td>
                                            <td>{item.weak.then(|| view! { <span class="badge warn">{t.item_weak}</span> })}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }
                    .into_any()
                }
                Err(error) => view! { <ErrorPage error/> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn ExamFacts(exam: ExamInfo) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    view! {
        <p class="facts-inline">
            <span>{lang.date_time(exam.opens_at)} " – " {lang.date_time(exam.closes_at)}</span>
            <span>{lang.minutes(exam.time_limit_minutes)}</span>
            <span>{lang.question_count(exam.question_count)}</span>
            <span>{t.exam_pass_mark} " " {exam.pass_percent} "%"</span>
            <span>{lang.attempts_allowed(exam.attempts_allowed)}</span>
            <span>{if exam.counting == crate::domain::exam::Counting::Highest { t.counting_highest } else { t.counting_last }}</span>
        </p>
    }
}

#[component]
fn ReleaseForm(
    exam: ExamInfo,
    waiting: i64,
    /// Still open: releasing now lets finished trainees see the answers.
    open: bool,
) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let form = use_form::<ReleaseResults>("release");
    match exam.released_at {
        Some(at) => view! {
            <p><span class="badge ok">{t.exam_released}</span> " " <span class="muted">{lang.date_time(at)}</span></p>
        }
        .into_any(),
        None => view! {
            <section class="card">
                <p>{t.release_hint}</p>
                {(waiting > 0).then(|| view! { <p class="muted">{lang.still_waiting(waiting)}</p> })}
                {open.then(|| view! { <p class="form-message warn" role="note">{t.release_while_open}</p> })}
                <Form form class="inline-form">
                    <input type="hidden" name="exam_id" value=exam.id/>
                    <button type="submit">{t.release_results}</button>
                </Form>
                <FormMessage form/>
            </section>
        }
        .into_any(),
    }
}

#[component]
fn QuestionLinks(
    exam_id: i64,
    questions: Vec<ExamQuestion>,
    current: Option<i64>,
    anonymous: bool,
) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    // Numbered as on the paper, so "Q5" is the fifth question of the exam.
    let gradable: Vec<(usize, ExamQuestion)> = questions
        .into_iter()
        .enumerate()
        .filter(|(_, q)| {
            matches!(q.kind, QuestionKind::Essay | QuestionKind::ShortAnswer) || q.waiting > 0
        })
        .collect();
    if gradable.is_empty() {
        return view! { <p class="empty">{t.grading_nothing}</p> }.into_any();
    }
    view! {
        <ul class="question-links">
            {gradable.into_iter().map(|(i, q)| {
                let href = format!(
                    "/teach/exams/{exam_id}/grade?question={}{}",
                    q.question_id,
                    if anonymous { "&anonymous=1" } else { "" }
                );
                let here = current == Some(q.question_id);
                let prompt: String = q.prompt.get(lang).chars().take(60).collect();
                view! {
                    <li class:current=here>
                        <a href=href aria-current=if here { "page" } else { "false" }>
                            {format!("{} · {}", lang.question_label(i + 1), lang.kind(q.kind))}
                        </a>
                        " " <span class="muted">{prompt}</span> " "
                        {if q.waiting > 0 {
                            view! { <span class="badge warn">{lang.waiting_to_grade(q.waiting)}</span> }.into_any()
                        } else {
                            view! { <span class="badge ok">{t.grading_done}</span> }.into_any()
                        }}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
pub fn GradingPage() -> impl IntoView {
    let t = use_text();
    let exam_id = id_param("id");
    let query = use_query_map();
    let question = move || query.with(|q| q.get("question").and_then(|v| v.parse::<i64>().ok()));
    let anonymous = move || query.with(|q| q.get("anonymous").is_some_and(|v| v == "1"));
    let data = Resource::new(
        move || (exam_id(), question(), anonymous()),
        |(id, question, anonymous)| answers_to_grade(id, question, anonymous),
    );
    view! {
        <Transition fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || data.get().map(|result| match result {
                Ok(queue) => view! { <GradingView queue anonymous=anonymous()/> }.into_any(),
                Err(error) => view! { <ErrorPage error/> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn GradingView(queue: GradingQueue, anonymous: bool) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let exam = queue.exam.clone();
    let title = format!("{} · {}", t.grading_queue, exam.title.get(lang));
    let current = queue.question.as_ref().map(|q| q.question_id);
    let toggle = format!(
        "/teach/exams/{}/grade?{}{}",
        exam.id,
        current
            .map(|q| format!("question={q}&"))
            .unwrap_or_default(),
        if anonymous {
            "anonymous=0"
        } else {
            "anonymous=1"
        }
    );
    view! {
        <Title text=title.clone()/>
        <p class="breadcrumb"><a href=format!("/teach/exams/{}", exam.id)>{exam.title.get(lang).to_owned()}</a></p>
        <h1>{title}</h1>
        <p>
            <a class="button secondary small" href=toggle role="switch" aria-checked=if anonymous { "true" } else { "false" }>
                {if anonymous { t.grading_show_names } else { t.grading_hide_names }}
            </a>
        </p>
        <QuestionLinks exam_id=exam.id questions=queue.questions.clone() current anonymous/>
        {queue.question.clone().map(|q| {
            let key = queue.key.clone().map(|k| describe_key(lang, &k, &[], &[]));
            view! {
                <section class="card">
                    <h2>{q.prompt.get(lang).to_owned()}</h2>
                    <p class="muted">{lang.kind(q.kind)} " · " {lang.points(q.points)}</p>
                    {key.filter(|_| q.kind == QuestionKind::ShortAnswer).map(|k| view! { <p class="muted">{t.grading_accepted} {lang.colon()} {k}</p> })}
                </section>
                {if queue.items.is_empty() {
                    view! { <p class="empty">{t.grading_nothing}</p> }.into_any()
                } else {
                    view! {
                        <div class="roster">
                            {queue.items.clone().into_iter().enumerate().map(|(i, item)| {
                                let who = item
                                    .trainee
                                    .clone()
                                    .unwrap_or_else(|| format!("{} {}", t.grading_candidate, i + 1));
                                let response = describe_response(lang, q.kind, &[], &[], &item.response);
                                let key = format!("grade-{}-{}", item.attempt_id, item.question_id);
                                let post_back = use_form::<GradeAnswer>(key.clone()).post_back(Some(&key), "");
                                view! { <GradeCard item who response max=q.points post_back text=GradeText::new(lang)/> }
                            }).collect_view()}
                        </div>
                    }
                    .into_any()
                }}
            }
        })}
    }
}

#[component]
pub fn GradebookPage() -> impl IntoView {
    let t = use_text();
    let class_id = id_param("id");
    let book = Resource::new(class_id, class_gradebook);
    view! {
        <Transition fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || book.get().map(|result| match result {
                Ok(book) => view! { <GradebookView book/> }.into_any(),
                Err(error) => view! { <ErrorPage error/> }.into_any(),
            })}
        </Transition>
    }
}

fn cell_text(cell: &GradeCell, lang: crate::i18n::Lang) -> (String, &'static str) {
    let t = lang.text();
    match (cell.percent, cell.passed, cell.state) {
        (Some(p), Some(true), _) => (format!("{p}% {}", t.exam_passed), "state-approved"),
        (Some(p), Some(false), _) => (format!("{p}% {}", t.exam_failed), "state-rejected"),
        (_, _, Some(AttemptState::AwaitingGrading)) => {
            (t.grading_waiting.to_owned(), "state-waitlisted")
        }
        (_, _, Some(AttemptState::InProgress)) => {
            (t.attempt_in_progress.to_owned(), "state-pending")
        }
        _ => ("—".to_owned(), ""),
    }
}

#[component]
fn GradebookView(book: Gradebook) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let class = book.class.clone();
    let title = format!(
        "{} · {} · {}",
        t.gradebook,
        class.course_title.get(lang),
        class.name.get(lang)
    );
    let csv = format!("/teach/classes/{}/gradebook.csv", class.id);
    let form = use_form::<OverrideGrade>("override");
    let trainees: Vec<(String, String)> = book
        .rows
        .iter()
        .map(|r| {
            (
                r.trainee_id.to_string(),
                format!("{} ({})", r.name, r.email),
            )
        })
        .collect();
    let exams: Vec<(String, String)> = book
        .exams
        .iter()
        .map(|e| (e.id.to_string(), e.title.get(lang).to_owned()))
        .collect();
    view! {
        <Title text=title.clone()/>
        <p class="breadcrumb"><a href="/teach">{t.teach_back}</a></p>
        <h1>{title}</h1>
        <ClassTabs class_id=class.id course_code=class.course_code.clone()/>
        <p><a class="button secondary" href=csv download="" rel="external">{t.gradebook_export}</a></p>
        {if book.exams.is_empty() || book.rows.is_empty() {
            view! { <p class="empty">{t.gradebook_empty}</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll">
                    <table class="data gradebook">
                        <thead><tr>
                            <th scope="col">{t.field_name}</th>
                            {book.exams.iter().map(|e| view! { <th scope="col">{e.title.get(lang).to_owned()} <span class="muted">" ≥" {e.pass_percent} "%"</span></th> }).collect_view()}
                        </tr></thead>
                        <tbody>
                            {book.rows.iter().map(|row| view! {
                                <tr>
                                    <th scope="row">{row.name.clone()} <span class="muted small block">{row.email.clone()}</span></th>
                                    {row.cells.iter().map(|cell| {
                                        let (text, class) = cell_text(cell, lang);
                                        view! {
                                            <td>
                                                <span class=format!("state {class}")>{text}</span>
                                                {cell.overridden.then(|| view! { " " <span class="badge" title=t.gradebook_overridden>"✎"</span> })}
                                            </td>
                                        }
                                    }).collect_view()}
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                <section class="card" id="override">
                    <h2>{t.gradebook_override}</h2>
                    <p class="muted">{t.gradebook_override_hint}</p>
                    <FormMessage form done=t.saved/>
                    <Form form anchor="override".to_owned() class="stack">
                        <div class="grid-2">
                            <SelectField form name="trainee_id" label=t.gradebook_trainee options=trainees.clone()/>
                            <SelectField form name="exam_id" label=t.gradebook_exam options=exams.clone()/>
                            <TextField form name="percent" label=t.gradebook_percent kind="number"/>
                        </div>
                        <TextArea form name="reason" label=t.reason rows=2/>
                        <div class="actions"><button type="submit">{t.gradebook_override_save}</button></div>
                    </Form>
                </section>
            }
            .into_any()
        }}
        {(!book.overrides.is_empty()).then(|| view! {
            <section class="card">
                <h2>{t.gradebook_history}</h2>
                <ul class="history">
                    {book.overrides.iter().map(|o| view! {
                        <li>
                            <strong>{o.trainee.clone()}</strong> " · " {o.exam_title.get(lang).to_owned()} " → " {o.percent} "% · "
                            {o.reason.clone()} " · " <span class="muted">{o.set_by.clone()} " · " {lang.date_time(o.set_at)}</span>
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
    }
}
