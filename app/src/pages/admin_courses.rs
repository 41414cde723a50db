//! `/admin/courses`: administrators create and edit courses (draft or
//! published) and add classes with their instructors.

use crate::api::admin_catalogue::{
    load_admin_catalogue, AdminCatalogue, AdminClass, AdminCourse, CreateCentre, SaveClass,
    SaveCourse,
};
use crate::components::{use_form, Form, FormMessage, SelectField, TextArea, TextField};
use crate::domain::catalogue::{format_china_time, Category};
use crate::i18n::{use_lang, use_text};
use crate::pages::errors::ErrorPage;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn CoursesAdminPage() -> impl IntoView {
    let t = use_text();
    let catalogue = Resource::new(|| (), |_| load_admin_catalogue());
    let query = use_query_map();
    let editing = move || query.with(|q| q.get("edit"));
    let editing_class =
        move || query.with(|q| q.get("class").and_then(|id| id.parse::<i64>().ok()));
    view! {
        <Title text=t.catalogue_title/>
        <Transition fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || catalogue.get().map(|result| match result {
                Ok(catalogue) => {
                    let edit = editing().and_then(|code| catalogue.courses.iter().find(|c| c.code == code).cloned());
                    let edit_class = editing_class().and_then(|id| catalogue.classes.iter().find(|c| c.id == id).cloned());
                    view! {
                        <h1>{t.catalogue_title}</h1>
                        <CourseTable courses=catalogue.courses.clone()/>
                        <ClassTable classes=catalogue.classes.clone()/>
                        <CourseForm catalogue=catalogue.clone() existing=edit/>
                        <ClassForm catalogue existing=edit_class/>
                        <CentreForm/>
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
fn ClassTable(classes: Vec<AdminClass>) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    view! {
        <h2>{t.col_classes}</h2>
        <div class="table-scroll">
            <table class="data">
                <thead><tr>
                    <th scope="col">{t.col_code}</th>
                    <th scope="col">{t.col_title}</th>
                    <th scope="col">{t.class_dates}</th>
                    <th scope="col">{t.class_place}</th>
                    <th scope="col">{t.class_seats}</th>
                    <th scope="col">{t.users_col_actions}</th>
                </tr></thead>
                <tbody>
                    {classes.into_iter().map(|c| view! {
                        <tr>
                            <td class="code">{c.course_code.clone()}</td>
                            <th scope="row">{c.name.get(lang).to_owned()}</th>
                            <td>{lang.iso_date(&c.starts_on)} " – " {lang.iso_date(&c.ends_on)}</td>
                            <td>{c.city.get(lang).to_owned()}</td>
                            <td>{c.seats_taken} " / " {c.capacity}</td>
                            <td>
                                <a href=format!("/admin/courses?class={}#class-form", c.id) aria-label=format!("{}: {} {}", t.edit, c.course_code, c.name.get(lang))>{t.edit}</a>
                                " · "
                                <a href=format!("/teach/classes/{}", c.id)>{t.teach_roster}</a>
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn CentreForm() -> impl IntoView {
    let t = use_text();
    let form = use_form::<CreateCentre>("centre");
    let kinds = vec![
        ("national".to_owned(), t.centre_national.to_owned()),
        ("industry".to_owned(), t.centre_industry.to_owned()),
        ("provincial".to_owned(), t.centre_provincial.to_owned()),
    ];
    view! {
        <section class="card" aria-labelledby="centre-form-title">
            <h2 id="centre-form-title">{t.centre_form_title}</h2>
            <FormMessage form done=t.saved/>
            <Form form anchor="centre-form-title".to_owned() class="stack">
                <div class="field-pair">
                    <TextField form name="centre_code" label=t.field_centre_code/>
                    <SelectField form name="kind" label=t.field_centre_kind options=kinds/>
                </div>
                <TextField form name="centre_name_zh" label=t.field_centre_name_zh/>
                <TextField form name="centre_name_en" label=t.field_centre_name_en/>
                <button type="submit">{t.centre_form_title}</button>
            </Form>
        </section>
    }
}

#[component]
fn CourseForm(catalogue: AdminCatalogue, existing: Option<AdminCourse>) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let form = use_form::<SaveCourse>("course");
    let is_new = existing.is_none();
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
            <FormMessage form done=t.saved/>
            <Form form anchor="course-form".to_owned() class="stack">
                <input type="hidden" name="id" value=get(|c| c.id.to_string())/>
                <div class="field-pair">
                    <TextField form name="code" label=t.field_code value=get(|c| c.code.clone())/>
                    <TextField form name="hours" label=t.field_hours kind="number" value=get(|c| c.hours.to_string())/>
                </div>
                <div class="field-pair">
                    <SelectField form name="centre" label=t.courses_centre options=centres selected=get(|c| c.centre_code.clone())/>
                    <SelectField form name="category" label=t.courses_category options=categories selected=get(|c| c.category.as_str().to_owned())/>
                </div>
                <TextField form name="title_zh" label=t.field_title_zh value=get(|c| c.title.zh.clone())/>
                <TextField form name="title_en" label=t.field_title_en value=get(|c| c.title.en.clone())/>
                <TextArea form name="summary_zh" label=t.field_summary_zh value=get(|c| c.summary.zh.clone())/>
                <TextArea form name="summary_en" label=t.field_summary_en value=get(|c| c.summary.en.clone())/>
                <div class="field checkbox">
                    <input id="field-published" type="checkbox" name="published" value="true" checked=if form.was_refused() { form.value("published").is_some() } else { existing.as_ref().is_some_and(|c| c.published) }/>
                    <label for="field-published">{t.field_published}</label>
                </div>
                <button type="submit">{t.save}</button>
            </Form>
        </section>
    }
}

#[component]
fn ClassForm(catalogue: AdminCatalogue, existing: Option<AdminClass>) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let form = use_form::<SaveClass>("class");
    let is_new = existing.is_none();
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
    let class = existing.clone();
    let get = move |f: fn(&AdminClass) -> String| class.as_ref().map(f).unwrap_or_default();
    let title = match &existing {
        Some(c) => format!("{} {} · {}", t.edit, c.course_code, c.name.get(lang)),
        None => t.class_form_title.to_owned(),
    };
    let instructor = existing
        .as_ref()
        .and_then(|c| c.instructors.first())
        .map(|id| id.to_string());
    let co_instructor = existing
        .as_ref()
        .and_then(|c| c.instructors.get(1))
        .map(|id| id.to_string());
    let waitlist = if form.was_refused() {
        form.value("waitlist").is_some()
    } else {
        existing.as_ref().is_none_or(|c| c.waitlist)
    };
    view! {
        <section class="card" id="class-form" aria-labelledby="class-form-title">
            <h2 id="class-form-title">{title}</h2>
            <FormMessage form done=t.class_created/>
            <Form form anchor="class-form".to_owned() class="stack">
                <input type="hidden" name="id" value=get(|c| c.id.to_string())/>
                <SelectField form name="course" label=t.field_course options=courses selected=get(|c| c.course_code.clone())/>
                <div class="field-pair">
                    <TextField form name="name_zh" label=t.field_class_name_zh value=get(|c| c.name.zh.clone())/>
                    <TextField form name="name_en" label=t.field_class_name_en value=get(|c| c.name.en.clone())/>
                </div>
                <div class="field-pair">
                    <TextField form name="starts_on" label=t.field_starts_on kind="date" value=get(|c| c.starts_on.clone())/>
                    <TextField form name="ends_on" label=t.field_ends_on kind="date" value=get(|c| c.ends_on.clone())/>
                </div>
                <div class="field-pair">
                    <TextField form name="city_zh" label=t.field_city_zh value=get(|c| c.city.zh.clone())/>
                    <TextField form name="city_en" label=t.field_city_en value=get(|c| c.city.en.clone())/>
                </div>
                <TextField form name="venue" label=t.field_venue optional=true value=get(|c| c.venue.clone())/>
                <div class="field-pair">
                    <TextField form name="capacity" label=t.field_capacity kind="number" value=get(|c| c.capacity.to_string())/>
                    <SelectField form name="approval" label=t.field_approval options=approvals selected=get(|c| c.approval.as_str().to_owned())/>
                </div>
                <div class="field checkbox">
                    <input id="field-waitlist" type="checkbox" name="waitlist" value="true" checked=waitlist/>
                    <label for="field-waitlist">{t.field_waitlist}</label>
                </div>
                <div class="field-pair">
                    <TextField form name="opens_at" label=t.field_opens_at kind="datetime-local" value=get(|c| format_china_time(c.enrol_opens_at))/>
                    <TextField form name="closes_at" label=t.field_closes_at kind="datetime-local" value=get(|c| format_china_time(c.enrol_closes_at))/>
                </div>
                <div class="field-pair">
                    <SelectField form name="instructor" label=t.field_instructor options=staff.clone() selected=instructor.unwrap_or_default()/>
                    <SelectField form name="co_instructor" label=t.field_co_instructor options=staff selected=co_instructor.unwrap_or_default()/>
                </div>
                <button type="submit">{if is_new { t.class_form_title } else { t.save_class }}</button>
            </Form>
        </section>
    }
}
