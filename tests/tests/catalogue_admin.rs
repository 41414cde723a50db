//! Administrators manage courses and classes; everyone else is refused.

use academy_tests::{json, spawn_app, TestApp};
use app::api::admin_catalogue::AdminCatalogue;
use app::api::catalogue::{CourseDetail, CoursePage};
use app::api::teaching::TaughtClass;
use app::domain::Role;
use app::error::{AppError, Problem};
use reqwest::{Client, StatusCode};

fn course_form<'a>(code: &'a str, published: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("id", ""),
        ("code", code),
        ("centre", "C-SEED"),
        ("category", "lecture"),
        ("title_zh", "三同时制度讲座"),
        ("title_en", "The Three Simultaneities Rule"),
        (
            "summary_zh",
            "建设项目的污染防治设施必须与主体工程同时设计、同时施工、同时投产。",
        ),
        (
            "summary_en",
            "Pollution controls are designed, built and commissioned together with the project.",
        ),
        ("hours", "4"),
        ("published", published),
    ]
}

async fn setup(app: &TestApp) -> (Client, i64) {
    // A centre comes with a seeded course.
    app.seed_class("SEED", Default::default()).await;
    app.quick_session(Role::Administrator, "admin@example.cn")
        .await
}

async fn search(app: &TestApp, q: &str) -> CoursePage {
    json(
        app.call(
            &app.client(),
            "catalogue/search",
            &[("q", q), ("open_now", "false"), ("page", "1")],
        )
        .await,
    )
    .await
}

#[tokio::test]
async fn an_administrator_creates_a_draft_then_publishes_it() {
    let app = spawn_app().await;
    let (admin, _) = setup(&app).await;
    let response = app
        .call(
            &admin,
            "admin/save_course",
            &course_form("san-tong-shi", ""),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        json::<String>(response).await,
        "SAN-TONG-SHI",
        "codes are upper-cased"
    );
    assert_eq!(
        search(&app, "三同时").await.total,
        0,
        "a draft is not in the catalogue"
    );

    let catalogue: AdminCatalogue = json(app.call(&admin, "admin/catalogue", &[]).await).await;
    let draft = catalogue
        .courses
        .iter()
        .find(|c| c.code == "SAN-TONG-SHI")
        .unwrap();
    assert!(!draft.published);
    let id = draft.id.to_string();
    let mut form = course_form("SAN-TONG-SHI", "true");
    form[0] = ("id", &id);
    assert_eq!(
        app.call(&admin, "admin/save_course", &form).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        search(&app, "三同时").await.total,
        1,
        "published, it is found"
    );
}

#[tokio::test]
async fn bad_course_input_is_refused_field_by_field_and_saves_nothing() {
    let app = spawn_app().await;
    let (admin, _) = setup(&app).await;
    let mut form = course_form("X", "");
    form[2] = ("centre", "NOWHERE");
    form[4] = ("title_zh", " ");
    form[8] = ("hours", "0");
    let error: AppError = json(app.call(&admin, "admin/save_course", &form).await).await;
    assert_eq!(error.field_problem("code"), Some(Problem::CodeInvalid));
    assert_eq!(error.field_problem("centre"), Some(Problem::NotInList));
    assert_eq!(error.field_problem("title_zh"), Some(Problem::Required));
    assert_eq!(
        error.field_problem("hours"),
        Some(Problem::NumberOutOfRange { min: 1, max: 2000 })
    );
    let taken: AppError = json(
        app.call(&admin, "admin/save_course", &course_form("SEED", ""))
            .await,
    )
    .await;
    assert_eq!(taken.field_problem("code"), Some(Problem::CodeTaken));
    let courses: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM courses")
        .fetch_one(&app.state.db.reader)
        .await
        .unwrap();
    assert_eq!(courses, 1);
}

#[tokio::test]
async fn a_new_class_appears_in_the_catalogue_and_with_its_instructor() {
    let app = spawn_app().await;
    let (admin, _) = setup(&app).await;
    let (teacher, teacher_id) = app
        .quick_session(Role::Instructor, "teacher@example.cn")
        .await;
    let teacher_id = teacher_id.to_string();
    let mut form = vec![
        ("id", ""),
        ("course", "SEED"),
        ("name_zh", "2031年太原班"),
        ("name_en", "Taiyuan, 2031"),
        ("starts_on", "2031-05-10"),
        ("ends_on", "2031-05-09"),
        ("city_zh", "太原"),
        ("city_en", "Taiyuan"),
        ("venue", ""),
        ("capacity", "40"),
        ("waitlist", "true"),
        ("approval", "manual"),
        ("opens_at", "2020-01-01T09:00"),
        ("closes_at", "2031-05-01T17:00"),
        ("instructor", &teacher_id),
        ("co_instructor", ""),
    ];
    let error: AppError = json(app.call(&admin, "admin/save_class", &form).await).await;
    assert_eq!(
        error.field_problem("ends_on"),
        Some(Problem::EndsBeforeStart)
    );
    form[5] = ("ends_on", "2031-05-15");
    let response = app.call(&admin, "admin/save_class", &form).await;
    assert_eq!(response.status(), StatusCode::OK);

    let course: CourseDetail = json(
        app.call(&app.client(), "catalogue/course", &[("code", "SEED")])
            .await,
    )
    .await;
    let class = course
        .classes
        .iter()
        .find(|c| c.city.en == "Taiyuan")
        .expect("the new class is listed");
    assert_eq!((class.capacity, class.window), (40, None));
    let taught: Vec<TaughtClass> = json(app.call(&teacher, "teach/classes", &[]).await).await;
    assert_eq!(
        taught.len(),
        1,
        "the instructor sees the class they were given"
    );
}

#[tokio::test]
async fn only_administrators_manage_the_catalogue() {
    let app = spawn_app().await;
    setup(&app).await;
    let (teacher, _) = app
        .quick_session(Role::Instructor, "teacher@example.cn")
        .await;
    let (trainee, _) = app.quick_session(Role::Trainee, "trainee@example.cn").await;
    for client in [&teacher, &trainee] {
        assert_eq!(
            app.call(client, "admin/catalogue", &[]).await.status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            app.call(client, "admin/save_course", &course_form("HACK", "true"))
                .await
                .status(),
            StatusCode::FORBIDDEN
        );
        let class = [
            ("id", ""),
            ("course", "SEED"),
            ("name_zh", "班"),
            ("name_en", "Class"),
            ("starts_on", "2031-01-01"),
            ("ends_on", "2031-01-02"),
            ("city_zh", "北京"),
            ("city_en", "Beijing"),
            ("venue", ""),
            ("capacity", "5"),
            ("approval", "automatic"),
            ("opens_at", "2030-01-01T09:00"),
            ("closes_at", "2030-12-01T09:00"),
            ("instructor", "1"),
        ];
        assert_eq!(
            app.call(client, "admin/save_class", &class).await.status(),
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(search(&app, "HACK").await.total, 0);
    let classes: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM classes")
        .fetch_one(&app.state.db.reader)
        .await
        .unwrap();
    assert_eq!(classes, 1, "only the seeded class exists");
}

#[tokio::test]
async fn a_call_with_missing_arguments_is_a_bad_request_not_a_server_error() {
    let app = spawn_app().await;
    let (admin, _) = setup(&app).await;
    let response = app
        .call(&admin, "admin/save_class", &[("course", "SEED")])
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert!(matches!(
        json::<AppError>(response).await,
        AppError::Transport(_)
    ));
}

fn class_form<'a>(id: &'a str, capacity: &'a str, teacher: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("id", id),
        ("course", "SEED"),
        ("name_zh", "第1期"),
        ("name_en", "Class 1"),
        ("starts_on", "2031-03-01"),
        ("ends_on", "2031-03-10"),
        ("city_zh", "北京"),
        ("city_en", "Beijing"),
        ("venue", ""),
        ("capacity", capacity),
        ("waitlist", "true"),
        ("approval", "automatic"),
        ("opens_at", "2020-01-01T09:00"),
        ("closes_at", "2031-02-01T09:00"),
        ("instructor", teacher),
    ]
}

#[tokio::test]
async fn raising_a_class_capacity_seats_the_waiting_list_and_it_never_drops_below_the_seats_taken()
{
    let app = spawn_app().await;
    let class = app
        .seed_class(
            "GROW",
            academy_tests::ClassSpec {
                capacity: 1,
                ..Default::default()
            },
        )
        .await;
    let (admin, admin_id) = app
        .quick_session(Role::Administrator, "admin@example.cn")
        .await;
    let mut waiting = Vec::new();
    for n in 0..3 {
        let (client, _) = app
            .quick_session(Role::Trainee, &format!("g{n}@example.cn"))
            .await;
        app.call(
            &client,
            "enrolment/enrol",
            &[("class_id", &class.to_string())],
        )
        .await;
        waiting.push(client);
    }
    let id = class.to_string();
    let teacher = admin_id.to_string();
    let mut form = class_form(&id, "0", &teacher);
    form[1] = ("course", "GROW");
    let error: AppError = json(app.call(&admin, "admin/save_class", &form).await).await;
    assert_eq!(
        error.field_problem("capacity"),
        Some(Problem::NumberOutOfRange {
            min: 1,
            max: 10_000
        })
    );
    let mut form = class_form(&id, "2", &teacher);
    form[1] = ("course", "GROW");
    assert_eq!(
        app.call(&admin, "admin/save_class", &form).await.status(),
        StatusCode::OK
    );
    let seated: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM enrolments WHERE class_id = ? AND state = 'approved'",
    )
    .bind(class)
    .fetch_one(&app.state.db.reader)
    .await
    .unwrap();
    assert_eq!(
        seated, 2,
        "the first on the waiting list took the new seat at once"
    );

    let mut form = class_form(&id, "1", &teacher);
    form[1] = ("course", "GROW");
    let error: AppError = json(app.call(&admin, "admin/save_class", &form).await).await;
    assert_eq!(
        error.field_problem("capacity"),
        Some(Problem::CapacityBelowSeats { seats: 2 })
    );
}

#[tokio::test]
async fn an_administrator_adds_a_centre_and_its_code_is_unique() {
    let app = spawn_app().await;
    let (admin, _) = setup(&app).await;
    let form = [
        ("centre_code", "fj-cpc"),
        ("kind", "provincial"),
        ("centre_name_zh", "福建省清洁生产中心"),
        ("centre_name_en", "Fujian Cleaner Production Centre"),
    ];
    assert_eq!(
        app.call(&admin, "admin/create_centre", &form)
            .await
            .status(),
        StatusCode::OK
    );
    let catalogue: AdminCatalogue = json(app.call(&admin, "admin/catalogue", &[]).await).await;
    assert!(catalogue.centres.iter().any(|c| c.code == "FJ-CPC"));
    let again: AppError = json(app.call(&admin, "admin/create_centre", &form).await).await;
    assert_eq!(again.field_problem("centre_code"), Some(Problem::CodeTaken));
    let (trainee, _) = app.quick_session(Role::Trainee, "t@example.cn").await;
    assert_eq!(
        app.call(&trainee, "admin/create_centre", &form)
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
}
