//! English.

use super::Text;
use crate::error::{AppError, Problem};

pub static TEXT: Text = Text {
    app_name: "Academy",
    tagline: "Training and certification for cleaner production auditors",
    skip_to_content: "Skip to content",
    nav_label: "Main",
    nav_home: "Home",
    nav_me: "My account",
    nav_users: "Users",
    nav_login: "Sign in",
    nav_register: "Register",
    nav_logout: "Sign out",
    switch_language: "Language",
    language_name: "English",
    signed_in_as: "Signed in as",
    footer: "Academy — training, examination and certification of auditors.",

    home_title: "Train, examine and certify auditors",
    home_lead: "Academy runs the courses, classes and exams of training centres, and issues auditor certificates that anyone can verify from their number.",
    home_trainees_title: "For trainees",
    home_trainees_body: "Enrol in a class, sit your exams online and keep your certificates in one place.",
    home_instructors_title: "For instructors",
    home_instructors_body: "Run your classes: rosters, attendance, question banks, exams and grading.",
    home_verify_title: "For employers and the public",
    home_verify_body: "Check that an auditor's certificate is genuine and still valid, with no account needed.",
    home_cta_register: "Register as a trainee",
    home_cta_login: "Sign in",
    home_history: "Since 1993 China's cleaner production centres have run about 140 courses and lectures for nearly 10,000 people; Academy carries that work on.",

    field_name: "Full name",
    field_email: "Email",
    field_password: "Password",
    field_new_password: "New password",
    field_organisation: "Organisation",
    field_province: "Province",
    field_industry: "Industry",
    field_role: "Role",
    choose: "Choose…",
    optional: "optional",
    password_hint: "8 to 128 characters; not a common password.",
    show_password: "Show password",
    hide_password: "Hide password",
    working: "Working…",

    login_title: "Sign in",
    login_submit: "Sign in",
    login_no_account: "No account yet? Register as a trainee.",
    register_title: "Register as a trainee",
    register_lead: "Create your account to enrol in classes and sit exams.",
    register_submit: "Create account",
    register_have_account: "Already registered? Sign in.",

    me_title: "My account",
    me_role: "Role",
    me_member_since: "Member since",
    me_welcome: "Welcome",
    not_given: "—",

    role_trainee: "Trainee",
    role_instructor: "Instructor",
    role_administrator: "Administrator",

    users_title: "Users",
    users_search: "Search by name or email",
    users_search_submit: "Search",
    users_all_roles: "All roles",
    users_filter_role: "Filter by role",
    users_col_name: "Name",
    users_col_email: "Email",
    users_col_role: "Role",
    users_col_status: "Status",
    users_col_created: "Created",
    users_col_actions: "Actions",
    users_active: "Active",
    users_inactive: "Deactivated",
    users_deactivate: "Deactivate",
    users_reactivate: "Reactivate",
    users_set_password: "Set password",
    users_password_set: "Password changed; the user's sessions have ended.",
    users_none: "No users match.",
    users_total: "users",
    users_create_title: "Create a staff account",
    users_create_lead: "Instructors and administrators are created here; trainees register themselves.",
    users_create_submit: "Create account",
    users_created: "Account created.",
    pager_previous: "Previous",
    pager_next: "Next",
    pager_page: "Page",
    cancel: "Cancel",

    not_found_title: "Page not found",
    not_found_body: "There is no page at this address. It may have moved, or the link may be mistyped.",
    forbidden_title: "Not allowed",
    forbidden_body: "Your account does not have access to this page.",
    error_title: "Something went wrong",
    error_body: "The server could not finish this request. Please try again; if it keeps happening, give the request id below to your administrator.",
    request_id: "Request id",
    back_home: "Back to the home page",
    loading: "Loading…",
};

pub fn problem(problem: Problem) -> String {
    match problem {
        Problem::Required => "This field is required.".into(),
        Problem::TooLong { max } => format!("At most {max} characters."),
        Problem::EmailInvalid => "Enter an email address like name@example.com.".into(),
        Problem::EmailTaken => "An account with this email already exists.".into(),
        Problem::PasswordTooShort { min } => format!("Use at least {min} characters."),
        Problem::PasswordTooLong { max } => format!("Use at most {max} characters."),
        Problem::PasswordTooCommon => "This password is too common; choose another.".into(),
        Problem::PasswordContainsEmail => {
            "The password must not contain your email address.".into()
        }
        Problem::NotInList => "Choose one of the options.".into(),
        Problem::CannotChangeOwnAccount => "You cannot do this to your own account.".into(),
    }
}

pub fn error(error: &AppError) -> String {
    match error {
        AppError::Unauthorized => "Please sign in first.".into(),
        AppError::BadCredentials => "Wrong email or password.".into(),
        AppError::AccountDisabled => {
            "This account has been deactivated. Please contact an administrator.".into()
        }
        AppError::Forbidden => "Your account is not allowed to do this.".into(),
        AppError::NotFound => "Not found.".into(),
        AppError::Validation(_) => "Please correct the fields marked below.".into(),
        AppError::Throttled { retry_after_secs } => format!(
            "Too many failed attempts. Please wait {retry_after_secs} seconds and try again."
        ),
        AppError::Internal { request_id } => {
            format!("Something went wrong on the server (request id {request_id}).")
        }
        AppError::Transport(_) => {
            "The server could not be reached or did not understand the request. Please try again."
                .into()
        }
    }
}
