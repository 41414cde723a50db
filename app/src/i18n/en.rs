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

    nav_courses: "Courses",
    courses_title: "Course catalogue",
    courses_lead: "Courses and lectures run by the national, industry and provincial cleaner production centres.",
    courses_search: "Search by code or title",
    courses_category: "Category",
    courses_all_categories: "All categories",
    courses_centre: "Centre",
    courses_all_centres: "All centres",
    courses_city: "City",
    courses_open_now: "Open for enrolment now",
    courses_none: "No courses match your search.",
    courses_found: "courses",
    course_hours: "hours",
    course_next_start: "Next class starts",
    course_open_badge: "Open for enrolment",
    category_auditor_training: "Auditor training",
    category_post_certification: "Certification for a post",
    category_lecture: "Lecture",
    course_classes: "Upcoming classes",
    course_no_classes: "No upcoming classes.",
    course_back: "All courses",
    class_dates: "Dates",
    class_place: "Place",
    class_seats: "Seats",
    class_window: "Enrolment",
    approval_automatic: "Places are confirmed at once.",
    approval_manual: "Applications are reviewed by the centre.",
    enrol_note: "Note for the reviewer",
    enrol_submit: "Enrol",
    enrol_join_waitlist: "Join the waiting list",
    enrol_sign_in: "Sign in to enrol",
    enrol_full: "Full — no waiting list.",
    enrol_staff: "Only trainee accounts enrol.",
    state_pending: "Awaiting approval",
    state_approved: "Enrolled",
    state_waitlisted: "On the waiting list",
    state_rejected: "Not accepted",
    state_withdrawn: "Withdrawn",
    state_completed: "Completed",
    withdraw: "Withdraw",
    your_place: "Your place",
    me_enrolments: "My classes",
    me_no_enrolments: "You have not enrolled in any class yet.",
    me_browse: "Browse the catalogue",
    reason: "Reason",
    nav_teach: "Teaching",
    teach_title: "My classes",
    teach_none: "You are not teaching any class.",
    teach_pending: "applications to review",
    teach_roster: "Roster",
    teach_export: "Download roster (CSV)",
    teach_back: "All my classes",
    roster_position: "Waiting-list position",
    roster_attended: "Attended",
    roster_applied: "Applied",
    approve: "Approve",
    reject: "Reject",
    reject_reason: "Reason for rejecting",
    mark_attended: "Mark attended",
    unmark_attended: "Unmark attended",
    mark_completed: "Mark completed",
    yes: "Yes",
    no: "No",
    roster_empty: "Nobody has applied yet.",
};

pub fn problem(problem: Problem) -> String {
    problem_text(problem)
}

fn problem_text(problem: Problem) -> String {
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
        Problem::AlreadyEnrolled => "You are already enrolled in this class.".into(),
        Problem::EnrolmentNotOpenYet => "Enrolment for this class has not opened yet.".into(),
        Problem::EnrolmentClosed => "Enrolment for this class has closed.".into(),
        Problem::CourseNotPublished => "This course is not open to enrolment.".into(),
        Problem::ClassFull => "This class is full and has no waiting list.".into(),
        Problem::TransitionNotAllowed => "This enrolment can no longer be changed that way.".into(),
        Problem::OnlyTraineesEnrol => "Only trainee accounts can enrol in classes.".into(),
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
        AppError::Conflict(problem) => problem_text(*problem),
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
