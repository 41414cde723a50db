//! `/admin/courses`: administrators create and edit courses (draft or
//! published) and add classes with their instructors.

use crate::api::admin_catalogue::{
    load_admin_catalogue, AdminCatalogue, AdminCourse, CreateClass, SaveCourse,
};
use crate::components::{problem_of, FormMessage, SelectField, TextField};
use crate::domain::catalogue::Category;
use crate::error::Problem;
use crate::i18n::{use_lang, use_text};
use crate::pages::errors::ErrorPage;
use leptos::html;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// Bumped after a save to reload the page's data. The reload re-creates the
/// forms, so what was just saved is remembered here, outside them.
#[derive(Clone, Copy)]
struct Revision(RwSignal<u32>, RwSignal<Option<Saved>>);

#[derive(Clone, Copy, PartialEq)]
enum Saved {
    Course,
    Class,
}

#[component]
pub fn CoursesAdminPage() -> impl IntoView {
    let t = use_text();
    let revision = Revision(RwSignal::new(0), RwSignal::new(None));
    provide_context(revision);
    let catalogue = Resource::new(move || revision.0.get(), |_| load_admin_catalogue());
    let editing = move || use_query_map().with(|q| q.get("edit"));
    view! {
        <Title text=t.catalogue_title/>
        <Transition fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || catalogue.get().map(|result| match result {
                Ok(catalogue) => {
                    let edit = editing().and_then(|code| catalogue.courses.iter().find(|c| c.code == code).cloned());
                    view! {
                        <h1>{t.catalogue_title}</h1>
                        <CourseTable courses=catalogue.courses.clone()/>
                        <CourseForm catalogue=catalogue.clone() existing=edit/>
                        <ClassForm catalogue/>
                    }
                    .into_any()
                }
                Err(error) => view! { <ErrorPage error/> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn CourseTable(courses: Vec<AdminCourse>) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    view! {
        <div class="table-scroll">
            <table class="data">
                <thead><tr>
                    <th scope="col">{t.col_code}</th>
                    <th scope="col">{t.col_title}</th>
                    <th scope="col">{t.courses_centre}</th>
                    <th scope="col">{t.courses_category}</th>
                    <th scope="col">{t.col_classes}</th>
                    <th scope="col">{t.users_col_status}</th>
                    <th scope="col">{t.users_col_actions}</th>
                </tr></thead>
                <tbody>
                    {courses.into_iter().map(|c| view! {
                        <tr>
                            <td class="code">{c.code.clone()}</td>
                            <th scope="row">{c.title.get(lang).to_owned()}</th>
                            <td>{c.centre.get(lang).to_owned()}</td>
                            <td>{lang.category(c.category)}</td>
                            <td>{c.classes}</td>
                            <td>
                                <span class=if c.published { "badge ok" } else { "badge muted" }>
                                    {if c.published { t.published } else { t.draft }}
                                </span>
                            </td>
                            <td><a href=format!("/admin/courses?edit={}#course-form", c.code) aria-label=format!("{}: {}", t.edit, c.code)>{t.edit}</a></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn TextArea(
    name: &'static str,
    label: &'static str,
    value: String,
    problem: Signal<Option<Problem>>,
) -> impl IntoView {
    let lang = use_lang();
    let id = format!("field-{name}");
    view! {
        <div class="field" class:has-error=move || problem.get().is_some()>
            <label for=id.clone()>{label}</label>
            <textarea id=id.clone() name=name rows="3" aria-describedby=format!("{id}-error")>{value}</textarea>
            <p class="field-error" id=format!("{id}-error")>{move || problem.get().map(|p| lang.problem(p))}</p>
        </div>
    }
}

#[component]
fn CourseForm(catalogue: AdminCatalogue, existing: Option<AdminCourse>) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let revision = expect_context::<Revision>();
    let save = ServerAction::<SaveCourse>::new();
    let value = save.value();
    let form = NodeRef::<html::Form>::new();
    let is_new = existing.is_none();
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(_))) {
            if is_new {
                if let Some(form) = form.get() {
                    form.reset();
                }
            }
            revision.1.set(Some(Saved::Course));
            revision.0.update(|n| *n += 1);
        }
    });
    let centres = catalogue
        .centres
        .iter()
        .map(|c| (c.code.clone(), c.name.get(lang).to_owned()))
        .collect::<Vec<_>>();
    let categories = Category::ALL
        .iter()
        .map(|c| (c.as_str().to_owned(), lang.category(*c).to_owned()))
        .collect::<Vec<_>>();
    let course = existing.clone();
    let get = move |f: fn(&AdminCourse) -> String| course.as_ref().map(f).unwrap_or_default();
    view! {
        <section class="card" id="course-form" aria-labelledby="course-form-title">
            <h2 id="course-form-title">{if is_new { t.course_form_new.to_string() } else { format!("{} {}", t.course_form_edit, get(|c| c.code.clone())) }}</h2>
            <FormMessage value/>
            {move || (revision.1.get() == Some(Saved::Course)).then(|| view! { <p class="form-message ok" role="status">{t.saved}</p> })}
            <ActionForm action=save node_ref=form attr:novalidate=true attr:class="stack">
                <input type="hidden" name="id" value=get(|c| c.id.to_string())/>
                <div class="field-pair">
                    <TextField name="code" label=t.field_code value=get(|c| c.code.clone()) problem=problem_of(value, "code")/>
                    <TextField name="hours" label=t.field_hours kind="number" value=get(|c| c.hours.to_string()) problem=problem_of(value, "hours")/>
                </div>
                <div class="field-pair">
                    <SelectField name="centre" label=t.courses_centre options=centres selected=get(|c| c.centre_code.clone()) problem=problem_of(value, "centre")/>
                    <SelectField name="category" label=t.courses_category options=categories selected=get(|c| c.category.as_str().to_owned()) problem=problem_of(value, "category")/>
                </div>
                <TextField name="title_zh" label=t.field_title_zh value=get(|c| c.title.zh.clone()) problem=problem_of(value, "title_zh")/>
                <TextField name="title_en" label=t.field_title_en value=get(|c| c.title.en.clone()) problem=problem_of(value, "title_en")/>
                <TextArea name="summary_zh" label=t.field_summary_zh value=get(|c| c.summary.zh.clone()) problem=problem_of(value, "summary_zh")/>
                <TextArea name="summary_en" label=t.field_summary_en value=get(|c| c.summary.en.clone()) problem=problem_of(value, "summary_en")/>
                <div class="field checkbox">
                    <input id="field-published" type="checkbox" name="published" value="true" checked=existing.as_ref().is_some_and(|c| c.published)/>
                    <label for="field-published">{t.field_published}</label>
                </div>
                <button type="submit" disabled=move || save.pending().get()>{t.save}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn ClassForm(catalogue: AdminCatalogue) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let revision = expect_context::<Revision>();
    let create = ServerAction::<CreateClass>::new();
    let value = create.value();
    let form = NodeRef::<html::Form>::new();
    Effect::new(move |_| {
        if matches!(value.get(), Some(Ok(_))) {
            if let Some(form) = form.get() {
                form.reset();
            }
            revision.1.set(Some(Saved::Class));
            revision.0.update(|n| *n += 1);
        }
    });
    let courses = catalogue
        .courses
        .iter()
        .map(|c| {
            (
                c.code.clone(),
                format!("{} · {}", c.code, c.title.get(lang)),
            )
        })
        .collect::<Vec<_>>();
    let staff = catalogue
        .staff
        .iter()
        .map(|s| (s.id.to_string(), format!("{} ({})", s.name, s.email)))
        .collect::<Vec<_>>();
    let approvals = vec![
        (
            "automatic".to_owned(),
            t.approval_label_automatic.to_owned(),
        ),
        ("manual".to_owned(), t.approval_label_manual.to_owned()),
    ];
    let ok = move || revision.1.get() == Some(Saved::Class);
    view! {
        <section class="card" aria-labelledby="class-form-title">
            <h2 id="class-form-title">{t.class_form_title}</h2>
            <FormMessage value/>
            {move || ok().then(|| view! { <p class="form-message ok" role="status">{t.class_created}</p> })}
            <ActionForm action=create node_ref=form attr:novalidate=true attr:class="stack">
                <SelectField name="course" label=t.field_course options=courses problem=problem_of(value, "course")/>
                <div class="field-pair">
                    <TextField name="name_zh" label=t.field_class_name_zh problem=problem_of(value, "name_zh")/>
                    <TextField name="name_en" label=t.field_class_name_en problem=problem_of(value, "name_en")/>
                </div>
                <div class="field-pair">
                    <TextField name="starts_on" label=t.field_starts_on kind="date" problem=problem_of(value, "starts_on")/>
                    <TextField name="ends_on" label=t.field_ends_on kind="date" problem=problem_of(value, "ends_on")/>
                </div>
                <div class="field-pair">
                    <TextField name="city_zh" label=t.field_city_zh problem=problem_of(value, "city_zh")/>
                    <TextField name="city_en" label=t.field_city_en problem=problem_of(value, "city_en")/>
                </div>
                <TextField name="venue" label=t.field_venue optional=true problem=problem_of(value, "venue")/>
                <div class="field-pair">
                    <TextField name="capacity" label=t.field_capacity kind="number" problem=problem_of(value, "capacity")/>
                    <SelectField name="approval" label=t.field_approval options=approvals problem=problem_of(value, "approval")/>
                </div>
                <div class="field checkbox">
                    <input id="field-waitlist" type="checkbox" name="waitlist" value="true" checked=true/>
                    <label for="field-waitlist">{t.field_waitlist}</label>
                </div>
                <div class="field-pair">
                    <TextField name="opens_at" label=t.field_opens_at kind="datetime-local" problem=problem_of(value, "opens_at")/>
                    <TextField name="closes_at" label=t.field_closes_at kind="datetime-local" problem=problem_of(value, "closes_at")/>
                </div>
                <div class="field-pair">
                    <SelectField name="instructor" label=t.field_instructor options=staff.clone() problem=problem_of(value, "instructor")/>
                    <SelectField name="co_instructor" label=t.field_co_instructor options=staff problem=problem_of(value, "co_instructor")/>
                </div>
                <button type="submit" disabled=move || create.pending().get()>{t.class_form_title}</button>
            </ActionForm>
        </section>
    }
}
