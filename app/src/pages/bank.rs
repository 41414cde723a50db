//! `/teach/courses/{code}/questions`: a course's question bank for its
//! instructors and administrators — the questions with their keys, adding
//! and editing (an edited key regrades), retiring, import and export.

use crate::api::bank::{
    bank_questions, load_bank_course, BankCourse, BankImportOutcome, BankPage, BankQuestion,
    ImportBank, RetireQuestion, SaveQuestion, SavedQuestion,
};
use crate::components::{use_form, FieldError, Form, FormMessage, Pager};
use crate::domain::bank::kind_label;
use crate::domain::exam::{letter, AnswerKey, Question, QuestionDraft, QuestionKind};
use crate::error::Problem;
use crate::html::textarea_text;
use crate::i18n::{use_lang, use_text, Lang, Text};
use crate::islands::{EditorText, QuestionEditor};
use crate::pages::errors::ErrorPage;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

fn field_label(t: &'static Text, field: &str) -> &'static str {
    match field {
        "kind" => t.bank_field_kind,
        "prompt_zh" => t.bank_field_prompt_zh,
        "prompt_en" => t.bank_field_prompt_en,
        "options" => t.bank_field_options,
        "answer" => t.bank_field_answer,
        "points" => t.bank_field_points,
        "tags" => t.bank_field_tags,
        "explanation_zh" => t.bank_field_explanation_zh,
        "explanation_en" => t.bank_field_explanation_en,
        _ => t.bank_row,
    }
}

/// "Label: value" punctuation: a full-width colon in Chinese.
fn colon(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "：",
        Lang::En => ": ",
    }
}

/// The text in the page's language, or the other when it is empty.
fn in_lang(lang: Lang, zh: &str, en: &str) -> String {
    match lang {
        Lang::Zh if !zh.is_empty() => zh.to_owned(),
        Lang::En if !en.is_empty() => en.to_owned(),
        Lang::Zh => en.to_owned(),
        Lang::En => zh.to_owned(),
    }
}

fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[component]
pub fn BankPage() -> impl IntoView {
    let t = use_text();
    let params = use_params_map();
    let code = move || params.with(|p| p.get("code").unwrap_or_default());
    let course = Resource::new(code, load_bank_course);
    view! {
        <Suspense fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || course.get().map(|result| match result {
                Ok(course) => view! { <Bank course/> }.into_any(),
                Err(error) => view! { <ErrorPage error/> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Bank(course: BankCourse) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let title = format!("{} · {}", t.bank_title, course.title.get(lang));
    view! {
        <Title text=title.clone()/>
        <p class="breadcrumb"><a href="/teach">{t.bank_back}</a></p>
        <h1>{title} " " <span class="code">{course.code.clone()}</span></h1>
        <p class="lead">{t.bank_lead}</p>
        <AddQuestion course_code=course.code.clone()/>
        <QuestionList course_code=course.code.clone()/>
        <ImportCard course_code=course.code.clone()/>
        <ExportCard course_code=course.code/>
    }
}

/// The form for a new question, open while it has something to say.
#[component]
fn AddQuestion(course_code: String) -> impl IntoView {
    let t = use_text();
    let form = use_form::<SaveQuestion>("new-question");
    view! {
        <details class="card add-question" id="add-question" open=form.was_refused() || form.done()>
            <summary><h2>{t.bank_add_title}</h2></summary>
            // The editor says what went wrong itself; this says it worked.
            {form.done().then(|| view! { <p class="form-message ok" role="status">{t.bank_added}</p> })}
            <QuestionForm course_code form existing=None/>
        </details>
    }
}

/// The editor island for a new question (`existing` is `None`) or one to
/// edit, filled with what was just typed if the server refused it.
#[component]
fn QuestionForm(
    course_code: String,
    form: crate::components::FormState,
    existing: Option<BankQuestion>,
) -> impl IntoView {
    let fixed_kind = existing.as_ref().map(|q| q.question.kind);
    let question_id = existing.as_ref().map(|q| q.id);
    let anchor = question_id
        .map(|id| format!("question-{id}"))
        .unwrap_or_else(|| "add-question".into());
    // An edit's answer says how many attempts were regraded.
    let post_back = form.post_back(Some(&anchor), "flash");
    let draft = if post_back.error.is_some() {
        let typed = |field: &str| post_back.value(field).unwrap_or_default();
        QuestionDraft {
            kind: typed("kind"),
            prompt_zh: typed("prompt_zh"),
            prompt_en: typed("prompt_en"),
            options: typed("options"),
            answer: typed("answer"),
            points: typed("points"),
            tags: typed("tags"),
            explanation_zh: typed("explanation_zh"),
            explanation_en: typed("explanation_en"),
        }
    } else {
        existing
            .as_ref()
            .map(|q| QuestionDraft::from_question(&q.question))
            .unwrap_or_else(|| QuestionDraft {
                points: "1".into(),
                ..Default::default()
            })
    };
    let text = EditorText::new(use_lang());
    view! { <QuestionEditor course_code question_id fixed_kind draft post_back text/> }
}

#[derive(Clone, PartialEq)]
struct Filter {
    search: String,
    tag: String,
    page: u32,
}

#[component]
fn QuestionList(course_code: String) -> impl IntoView {
    let t = use_text();
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        query.with(|q| Filter {
            search: q.get("q").unwrap_or_default(),
            tag: q.get("tag").unwrap_or_default(),
            page: q.get("page").and_then(|p| p.parse().ok()).unwrap_or(1),
        })
    });
    let code = course_code.clone();
    let questions = Resource::new(
        move || (code.clone(), filter.get()),
        |(code, f)| bank_questions(code, Some(f.search), Some(f.tag), Some(f.page)),
    );
    view! {
        <section class="bank-list" aria-labelledby="bank-list-title">
            <h2 id="bank-list-title">{t.bank_title}</h2>
            <Transition fallback=move || view! { <p class="loading">{t.loading}</p> }>
                {move || {
                    let course_code = course_code.clone();
                    questions.get().map(move |result| match result {
                        Ok(page) => view! { <Questions course_code page filter=filter.get_untracked()/> }.into_any(),
                        Err(error) => view! { <div class="form-message error" role="alert">{use_lang().error(&error)}</div> }.into_any(),
                    })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn Questions(course_code: String, page: BankPage, filter: Filter) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let base = format!("/teach/courses/{course_code}/questions");
    let filtered = !filter.search.is_empty() || !filter.tag.is_empty();
    let href = {
        let base = base.clone();
        let filter = filter.clone();
        move |n: u32| {
            let mut pairs = vec![];
            if !filter.search.is_empty() {
                pairs.push(format!("q={}", encode(&filter.search)));
            }
            if !filter.tag.is_empty() {
                pairs.push(format!("tag={}", encode(&filter.tag)));
            }
            if n > 1 {
                pairs.push(format!("page={n}"));
            }
            if pairs.is_empty() {
                base.clone()
            } else {
                format!("{base}?{}", pairs.join("&"))
            }
        }
    };
    let show_filter = page.total > 0 || filtered;
    view! {
        {show_filter.then(|| view! {
            <form method="get" action=base.clone() class="toolbar filters" role="search">
                <div class="field wide">
                    <label for="bank-q">{t.bank_search}</label>
                    <input id="bank-q" type="search" name="q" value=filter.search.clone()/>
                </div>
                <div class="field">
                    <label for="bank-tag">{t.bank_tag}</label>
                    <select id="bank-tag" name="tag">
                        <option value="">{t.bank_all_tags}</option>
                        {page.tags.iter().map(|tag| view! {
                            <option value=tag.clone() selected=*tag == filter.tag>{tag.clone()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <button type="submit" class="secondary">{t.bank_filter}</button>
            </form>
        })}
        <p class="count">{t.bank_total} {colon(lang)} {page.total}</p>
        {if page.questions.is_empty() {
            view! { <p class="empty">{if filtered { t.bank_no_match } else { t.bank_empty }}</p> }.into_any()
        } else {
            view! {
                <div class="questions">
                    {page.questions.into_iter().map(|question| view! {
                        <QuestionCard course_code=course_code.clone() question/>
                    }).collect_view()}
                </div>
            }
            .into_any()
        }}
        <Pager page=page.page pages=page.pages href=Box::new(href)/>
    }
}

#[component]
fn QuestionCard(course_code: String, question: BankQuestion) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let id = question.id;
    let retire = use_form::<RetireQuestion>(format!("retire-{id}"));
    let edit = use_form::<SaveQuestion>(format!("edit-{id}"));
    let anchor = format!("question-{id}");
    let q: &Question = &question.question;
    let prompt = in_lang(lang, &q.prompt_zh, &q.prompt_en);
    let other_prompt = in_lang(lang.other(), &q.prompt_zh, &q.prompt_en);
    let explanation = in_lang(lang, &q.explanation_zh, &q.explanation_en);
    let saved =
        edit.done().then(
            || match edit.output::<SavedQuestion>().and_then(|s| s.regraded) {
                Some(n) => {
                    let gap = if lang == Lang::Zh { "" } else { " " };
                    format!("{}{gap}{}{}{n}", t.bank_saved, t.bank_regraded, colon(lang))
                }
                None => t.bank_saved.to_owned(),
            },
        );
    let key = match &q.key {
        AnswerKey::Choices(_) => None,
        AnswerKey::Truth(truth) => Some(format!(
            "{}{}{}",
            t.bank_key,
            colon(lang),
            if *truth { t.bank_true } else { t.bank_false }
        )),
        AnswerKey::Accepted(list) => Some(format!(
            "{}{}{}",
            t.bank_accepted,
            colon(lang),
            list.join(" | ")
        )),
        AnswerKey::None => Some(t.bank_graded_by_person.to_owned()),
    };
    let correct = match &q.key {
        AnswerKey::Choices(set) => set.clone(),
        _ => Default::default(),
    };
    let options = q
        .options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let right = correct.contains(&(i as u32));
            let text = in_lang(lang, &o.zh, &o.en);
            let other = in_lang(lang.other(), &o.zh, &o.en);
            view! {
                <li class:correct=right>
                    <span class="letter">{letter(i).to_string()}</span>
                    <span>{text.clone()} {(other != text).then(|| view! { <span class="muted">" / " {other.clone()}</span> })}</span>
                    {right.then(|| view! { <span class="right-mark">"✓ " {t.bank_correct}</span> })}
                </li>
            }
        })
        .collect_view();
    let has_options = !q.options.is_empty();
    let retired = question.retired;
    view! {
        <article class="card question" class:retired=retired id=anchor.clone()>
            <div class="question-head">
                <span class="badge kind">{kind_label(lang, q.kind)}</span>
                <span class="points">{t.bank_field_points} {colon(lang)} {q.points}</span>
                {q.tags.iter().map(|tag| view! { <span class="tag">{tag.clone()}</span> }).collect_view()}
                {retired.then(|| view! { <span class="badge muted">{t.bank_retired}</span> })}
            </div>
            <h3 class="prompt">{prompt.clone()}</h3>
            {(other_prompt != prompt).then(|| view! { <p class="muted prompt-other">{other_prompt.clone()}</p> })}
            {has_options.then(|| view! { <ol class="options">{options}</ol> })}
            {key.map(|k| view! { <p class="key">{k}</p> })}
            {(!explanation.is_empty()).then(|| view! {
                <p class="explanation"><strong>{t.bank_explanation} {colon(lang)}</strong>{explanation.clone()}</p>
            })}
            <p class="muted small">{t.bank_answered} {colon(lang)} {question.answered}</p>
            {retired.then(|| view! { <p class="muted small">{t.bank_retired_note}</p> })}
            {saved.map(|text| view! { <p class="form-message ok" role="status">{text}</p> })}
            <div class="question-actions">
                <Form form=retire anchor=anchor.clone() class="inline-form">
                    <input type="hidden" name="question_id" value=id/>
                    <input type="hidden" name="retired" value=(!retired).to_string()/>
                    <button type="submit" class="secondary small">
                        {if retired { t.bank_restore } else { t.bank_retire }}
                    </button>
                </Form>
                <details class="edit" open=edit.was_refused()>
                    <summary>{t.bank_edit}</summary>
                    <div class="edit-body">
                        <QuestionForm course_code form=edit existing=Some(question.clone())/>
                    </div>
                </details>
            </div>
            <FormMessage form=retire/>
        </article>
    }
}

#[component]
fn ImportCard(course_code: String) -> impl IntoView {
    let t = use_text();
    let form = use_form::<ImportBank>("bank-import");
    let format = form.value("format");
    view! {
        <section class="card" aria-labelledby="bank-import-title">
            <h2 id="bank-import-title">{t.bank_import_title}</h2>
            <p class="hint card-hint">{t.bank_import_lead}</p>
            <Form form show_output=true anchor="bank-import-title".to_owned() class="stack">
                <input type="hidden" name="course_code" value=course_code/>
                <div class="field">
                    <label for="bank-import-format">{t.bank_import_format}</label>
                    <select id="bank-import-format" name="format" aria-describedby="bank-import-format-error">
                        <option value="csv">"CSV"</option>
                        <option value="json" selected=format.as_deref() == Some("json")>"JSON"</option>
                    </select>
                    <FieldError id="bank-import-format".to_owned() problem=form.problem("format")/>
                </div>
                <div class="field">
                    <label for="bank-import-text">{t.bank_import_text}</label>
                    <textarea id="bank-import-text" name="text" rows="10" class="mono" spellcheck="false"
                        placeholder="kind,prompt_zh,prompt_en,options,answer,points,tags,explanation_zh,explanation_en">{textarea_text(&form.value("text").unwrap_or_default())}</textarea>
                </div>
                <FormMessage form/>
                <div class="actions">
                    <button type="submit" name="commit" value="false" class="secondary">{t.bank_import_check}</button>
                    <button type="submit" name="commit" value="true">{t.bank_import_submit}</button>
                </div>
            </Form>
            {form.output::<BankImportOutcome>().map(|outcome| view! { <ImportOutcome outcome/> })}
        </section>
    }
}

#[component]
fn ImportOutcome(outcome: BankImportOutcome) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    if let Some((line, problem)) = outcome.file_problem {
        return view! {
            <div class="form-message error" role="alert">{t.import_line} " " {line} {colon(lang)} {lang.problem(problem)}</div>
        }
        .into_any();
    }
    if outcome.committed {
        return view! {
            <p class="form-message ok" role="status">{t.bank_imported} {colon(lang)} {outcome.imported}</p>
        }
        .into_any();
    }
    let bad = outcome.rows.iter().filter(|r| !r.is_valid()).count();
    view! {
        {if bad == 0 {
            view! { <p class="form-message ok" role="status">{t.bank_import_ready}</p> }.into_any()
        } else {
            view! { <p class="form-message error" role="alert">{lang.problem(Problem::ImportHasErrors)}</p> }.into_any()
        }}
        <div class="table-scroll">
            <table class="data import-rows">
                <thead><tr>
                    <th scope="col">{t.import_line}</th>
                    <th scope="col">{t.bank_field_kind}</th>
                    <th scope="col">{t.bank_question}</th>
                    <th scope="col">{t.import_problems}</th>
                </tr></thead>
                <tbody>
                    {outcome.rows.into_iter().map(|row| {
                        let bad = !row.is_valid();
                        let problems = if bad {
                            row.problems.iter().map(|(f, p)| format!("{}{}{}", field_label(t, f), colon(lang), lang.problem(*p))).collect::<Vec<_>>().join(" ")
                        } else {
                            t.import_ok.to_string()
                        };
                        let kind = QuestionKind::parse(&row.draft.kind)
                            .map(|k| kind_label(lang, k).to_owned())
                            .unwrap_or_else(|| row.draft.kind.clone());
                        let prompt = in_lang(lang, &row.draft.prompt_zh, &row.draft.prompt_en);
                        view! {
                            <tr class:row-error=bad>
                                <td>{row.line}</td>
                                <td>{kind}</td>
                                <td class="prompt-cell">{prompt}</td>
                                <td class="problems">{problems}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn ExportCard(course_code: String) -> impl IntoView {
    let t = use_text();
    let base = format!("/teach/courses/{course_code}/questions");
    view! {
        <section class="card" aria-labelledby="bank-export-title">
            <h2 id="bank-export-title">{t.bank_export_title}</h2>
            <p class="hint card-hint">{t.bank_export_lead}</p>
            <p class="actions">
                <a class="button secondary" href=format!("{base}.csv") download="" rel="external">{t.bank_export_csv}</a>
                <a class="button secondary" href=format!("{base}.json") download="" rel="external">{t.bank_export_json}</a>
            </p>
        </section>
    }
}
