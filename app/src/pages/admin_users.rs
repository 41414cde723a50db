//! `/admin/users`: administrators list, find, create, deactivate and reset
//! the password of accounts.

use crate::api::users::{
    list_users, CreateStaffAccount, SetUserActive, SetUserPassword, UserPage, UserSummary,
};
use crate::components::{
    use_form, Form, FormMessage, Pager, PasswordField, SelectField, TextField,
};
use crate::domain::Role;
use crate::i18n::{use_lang, use_text};
use crate::pages::errors::ErrorPage;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn UsersPage() -> impl IntoView {
    let t = use_text();
    let query = use_query_map();
    let search = move || query.with(|q| q.get("q").unwrap_or_default());
    let role = move || query.with(|q| q.get("role").filter(|r| !r.is_empty()));
    let page = move || {
        query.with(|q| {
            q.get("page")
                .and_then(|p| p.parse::<u32>().ok())
                .unwrap_or(1)
        })
    };
    let user = expect_context::<crate::app::UserResource>();
    let users = Resource::new(
        move || (search(), role(), page()),
        |(search, role, page)| list_users(search, role, page),
    );

    view! {
        <Title text=t.users_title/>
        <Transition fallback=move || view! { <p class="loading">{t.loading}</p> }>
            {move || users.get().map(|result| match result {
                Ok(page) => view! {
                    <h1>{t.users_title}</h1>
                    <SearchForm search=search() role=role()/>
                    <UserTable page search=search() role=role()/>
                }
                .into_any(),
                Err(error) => view! { <ErrorPage error/> }.into_any(),
            })}
        </Transition>
        // Shown to administrators only (the list's refusal covers the rest).
        <Suspense fallback=|| ()>
            {move || user.get().map(|user| {
                let admin = user.ok().flatten().is_some_and(|u| u.role == Role::Administrator);
                admin.then(|| view! { <CreateStaffForm/> })
            })}
        </Suspense>
    }
}

#[component]
fn SearchForm(search: String, role: Option<String>) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    view! {
        <form method="get" action="/admin/users" class="toolbar" role="search">
            <div class="field">
                <label for="users-q">{t.users_search}</label>
                <input id="users-q" type="search" name="q" value=search/>
            </div>
            <div class="field">
                <label for="users-role">{t.users_filter_role}</label>
                <select id="users-role" name="role">
                    <option value="">{t.users_all_roles}</option>
                    {Role::ALL
                        .into_iter()
                        .map(|r| {
                            let chosen = role.as_deref() == Some(r.as_str());
                            view! { <option value=r.as_str() selected=chosen>{lang.role(r)}</option> }
                        })
                        .collect_view()}
                </select>
            </div>
            <button type="submit">{t.users_search_submit}</button>
        </form>
    }
}

#[component]
fn UserTable(page: UserPage, search: String, role: Option<String>) -> impl IntoView {
    let t = use_text();
    let pages = page.pages();
    let href = move |n: u32| {
        let mut url = format!("/admin/users?page={n}");
        if !search.is_empty() {
            url.push_str(&format!(
                "&q={}",
                search.replace('&', "%26").replace(' ', "+")
            ));
        }
        if let Some(role) = &role {
            url.push_str(&format!("&role={role}"));
        }
        url
    };
    view! {
        <p class="count">{page.total} " " {t.users_total}</p>
        {if page.users.is_empty() {
            view! { <p class="empty">{t.users_none}</p> }.into_any()
        } else {
            view! {
                <div class="table-scroll">
                    <table class="data">
                        <thead>
                            <tr>
                                <th scope="col">{t.users_col_name}</th>
                                <th scope="col">{t.users_col_email}</th>
                                <th scope="col">{t.users_col_role}</th>
                                <th scope="col">{t.users_col_status}</th>
                                <th scope="col">{t.users_col_created}</th>
                                <th scope="col">{t.users_col_actions}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {page.users.into_iter().map(|user| view! { <UserRow user/> }).collect_view()}
                        </tbody>
                    </table>
                </div>
            }
            .into_any()
        }}
        <Pager page=page.page pages href=Box::new(href)/>
    }
}

#[component]
fn UserRow(user: UserSummary) -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let set_active = use_form::<SetUserActive>(format!("active-{}", user.id));
    let set_password = use_form::<SetUserPassword>(format!("password-{}", user.id));
    let anchor = format!("user-{}", user.id);
    let row_id = anchor.clone();
    let password_field = format!("password-{}", user.id);
    let row_label = user.name.clone();
    view! {
        <tr class:inactive=!user.active id=row_id>
            <th scope="row">{user.name.clone()}</th>
            <td>{user.email.clone()}</td>
            <td>{lang.role(user.role)}</td>
            <td>
                <span class=if user.active { "badge ok" } else { "badge muted" }>
                    {if user.active { t.users_active } else { t.users_inactive }}
                </span>
            </td>
            <td>{lang.date(user.created_at)}</td>
            <td class="row-actions">
                <Form form=set_active anchor=anchor.clone() class="inline-form">
                    <input type="hidden" name="user_id" value=user.id/>
                    <input type="hidden" name="active" value=(!user.active).to_string()/>
                    <button
                        type="submit"
                        class="secondary small"
                        aria-label=format!(
                            "{}: {}",
                            if user.active { t.users_deactivate } else { t.users_reactivate },
                            row_label,
                        )
                    >
                        {if user.active { t.users_deactivate } else { t.users_reactivate }}
                    </button>
                </Form>
                <FormMessage form=set_active/>
                <details class="set-password" open=set_password.was_refused() || set_password.done()>
                    <summary>{t.users_set_password}</summary>
                    <Form form=set_password anchor class="stack">
                        <input type="hidden" name="user_id" value=user.id/>
                        <PasswordField
                            form=set_password
                            name="password"
                            id=password_field
                            label=t.field_new_password
                            autocomplete="new-password"
                        />
                        <button type="submit" class="small">{t.users_set_password}</button>
                    </Form>
                    <FormMessage form=set_password done=t.users_password_set/>
                </details>
            </td>
        </tr>
    }
}

#[component]
fn CreateStaffForm() -> impl IntoView {
    let t = use_text();
    let lang = use_lang();
    let form = use_form::<CreateStaffAccount>("create-staff");
    let roles = [Role::Instructor, Role::Administrator]
        .into_iter()
        .map(|r| (r.as_str().to_owned(), lang.role(r).to_owned()))
        .collect::<Vec<_>>();
    view! {
        <section class="card" aria-labelledby="create-staff">
            <h2 id="create-staff">{t.users_create_title}</h2>
            <p>{t.users_create_lead}</p>
            <FormMessage form done=t.users_created/>
            <Form form anchor="create-staff".to_owned() class="stack">
                <TextField form name="name" label=t.field_name/>
                <TextField form name="email" label=t.field_email kind="email"/>
                <SelectField form name="role" label=t.field_role options=roles/>
                <PasswordField
                    form
                    name="password"
                    label=t.field_password
                    autocomplete="new-password"
                    hint=t.password_hint
                />
                <button type="submit">{t.users_create_submit}</button>
            </Form>
        </section>
    }
}
