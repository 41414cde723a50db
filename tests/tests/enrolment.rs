//! Catalogue and enrolment over HTTP: capacity under load, the waiting list,
//! refusals, and who may see and change what.

use academy_tests::{json, spawn_app, ClassSpec};
use app::api::catalogue::{CourseDetail, CoursePage};
use app::api::enrolment::MyEnrolment;
use app::domain::enrolment::{Approval, EnrolmentState};
use app::domain::Role;
use app::error::{AppError, Problem};
use reqwest::StatusCode;

async fn enrol(
    app: &academy_tests::TestApp,
    client: &reqwest::Client,
    class_id: i64,
) -> reqwest::Response {
    app.call(
        client,
        "enrolment/enrol",
        &[("class_id", &class_id.to_string()), ("note", "")],
    )
    .await
}

async fn states(app: &academy_tests::TestApp, class_id: i64) -> Vec<(i64, i64, String)> {
    sqlx::query_as("SELECT id, trainee_id, state FROM enrolments WHERE class_id = ? ORDER BY id")
        .bind(class_id)
        .fetch_all(&app.state.db.reader)
        .await
        .unwrap()
}

#[tokio::test]
async fn two_hundred_concurrent_enrolments_fill_thirty_seats_and_queue_the_rest() {
    let app = spawn_app().await;
    let class = app
        .seed_class(
            "CPA-LOAD",
            ClassSpec {
                capacity: 30,
                ..Default::default()
            },
        )
        .await;
    let mut clients = Vec::new();
    for n in 0..200 {
        clients.push(
            app.quick_session(Role::Trainee, &format!("t{n:03}@example.cn"))
                .await,
        );
    }
    let requests = clients.iter().map(|(client, _)| enrol(&app, client, class));
    let responses = futures::future::join_all(requests).await;
    let mut results = Vec::new();
    for response in responses {
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "no request fails under load"
        );
        results.push(json::<MyEnrolment>(response).await);
    }
    let approved = results
        .iter()
        .filter(|e| e.state == EnrolmentState::Approved)
        .count();
    let waiting: Vec<_> = results
        .iter()
        .filter(|e| e.state == EnrolmentState::Waitlisted)
        .collect();
    assert_eq!((approved, waiting.len()), (30, 170));

    // The queue is exactly the order in which the requests reached the writer.
    let rows = states(&app, class).await;
    let seated: Vec<_> = rows
        .iter()
        .filter(|r| r.2 == "approved")
        .map(|r| r.0)
        .collect();
    let queued: Vec<_> = rows
        .iter()
        .filter(|r| r.2 == "waitlisted")
        .map(|r| r.0)
        .collect();
    assert!(
        seated.iter().max() < queued.iter().min(),
        "every seat went to an earlier request than any queued one"
    );
    let mine: Vec<MyEnrolment> = json(app.call(&clients[0].0, "enrolment/mine", &[]).await).await;
    assert_eq!(mine.len(), 1);
    let mut positions: Vec<i64> = waiting.iter().map(|e| e.position.unwrap()).collect();
    positions.sort();
    assert_eq!(
        positions,
        (1..=170).collect::<Vec<_>>(),
        "positions are 1..170 with no gap or repeat"
    );
}

#[tokio::test]
async fn the_waiting_list_keeps_request_order_and_a_withdrawal_promotes_number_one() {
    let app = spawn_app().await;
    let class = app
        .seed_class(
            "CPA-Q",
            ClassSpec {
                capacity: 2,
                ..Default::default()
            },
        )
        .await;
    let mut trainees = Vec::new();
    for n in 0..5 {
        let (client, id) = app
            .quick_session(Role::Trainee, &format!("q{n}@example.cn"))
            .await;
        let enrolment: MyEnrolment = json(enrol(&app, &client, class).await).await;
        trainees.push((client, id, enrolment));
    }
    let states_now: Vec<_> = trainees.iter().map(|t| (t.2.state, t.2.position)).collect();
    assert_eq!(
        states_now,
        [
            (EnrolmentState::Approved, None),
            (EnrolmentState::Approved, None),
            (EnrolmentState::Waitlisted, Some(1)),
            (EnrolmentState::Waitlisted, Some(2)),
            (EnrolmentState::Waitlisted, Some(3)),
        ]
    );
    let first_seat = trainees[0].2.id.to_string();
    let response = app
        .call(
            &trainees[0].0,
            "enrolment/withdraw",
            &[("enrolment_id", &first_seat)],
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    let mine = |i: usize| {
        let client = trainees[i].0.clone();
        let app = &app;
        async move {
            json::<Vec<MyEnrolment>>(app.call(&client, "enrolment/mine", &[]).await)
                .await
                .remove(0)
        }
    };
    assert_eq!(mine(0).await.state, EnrolmentState::Withdrawn);
    assert_eq!(
        mine(2).await.state,
        EnrolmentState::Approved,
        "number 1 took the freed seat"
    );
    let next = mine(3).await;
    assert_eq!(
        (next.state, next.position),
        (EnrolmentState::Waitlisted, Some(1)),
        "the queue moved up"
    );
    let seated = states(&app, class)
        .await
        .iter()
        .filter(|r| r.2 == "approved")
        .count();
    assert_eq!(seated, 2, "still exactly the capacity");
}

#[tokio::test]
async fn in_a_reviewed_class_a_freed_seat_goes_to_the_first_waiting_as_pending() {
    let app = spawn_app().await;
    let class = app
        .seed_class(
            "EIA-M",
            ClassSpec {
                capacity: 1,
                approval: Approval::Manual,
                ..Default::default()
            },
        )
        .await;
    let (a, _) = app.quick_session(Role::Trainee, "a@example.cn").await;
    let (b, _) = app.quick_session(Role::Trainee, "b@example.cn").await;
    let first: MyEnrolment = json(enrol(&app, &a, class).await).await;
    let second: MyEnrolment = json(enrol(&app, &b, class).await).await;
    assert_eq!(
        (first.state, second.state),
        (EnrolmentState::Pending, EnrolmentState::Waitlisted)
    );
    app.call(
        &a,
        "enrolment/withdraw",
        &[("enrolment_id", &first.id.to_string())],
    )
    .await;
    let b_now: Vec<MyEnrolment> = json(app.call(&b, "enrolment/mine", &[]).await).await;
    assert_eq!(b_now[0].state, EnrolmentState::Pending);
}

#[tokio::test]
async fn refused_enrolments_say_why_and_change_nothing() {
    let app = spawn_app().await;
    let open = app.seed_class("OPEN", ClassSpec::default()).await;
    let future = app
        .seed_class(
            "LATER",
            ClassSpec {
                opens_in: 3600,
                closes_in: 7200,
                ..Default::default()
            },
        )
        .await;
    let past = app
        .seed_class(
            "PAST",
            ClassSpec {
                opens_in: -7200,
                closes_in: -3600,
                ..Default::default()
            },
        )
        .await;
    let draft = app
        .seed_class(
            "DRAFT",
            ClassSpec {
                published: false,
                ..Default::default()
            },
        )
        .await;
    let no_queue = app
        .seed_class(
            "NOQ",
            ClassSpec {
                capacity: 1,
                waitlist: false,
                ..Default::default()
            },
        )
        .await;
    let (client, _) = app.quick_session(Role::Trainee, "t@example.cn").await;
    let (other, _) = app.quick_session(Role::Trainee, "o@example.cn").await;
    assert_eq!(enrol(&app, &other, no_queue).await.status(), StatusCode::OK);
    assert_eq!(enrol(&app, &client, open).await.status(), StatusCode::OK);

    for (class, problem, why) in [
        (open, Problem::AlreadyEnrolled, "twice"),
        (future, Problem::EnrolmentNotOpenYet, "before the window"),
        (past, Problem::EnrolmentClosed, "after the window"),
        (draft, Problem::CourseNotPublished, "a draft course"),
        (no_queue, Problem::ClassFull, "full, no waiting list"),
    ] {
        let response = enrol(&app, &client, class).await;
        assert_eq!(response.status(), StatusCode::CONFLICT, "{why}");
        assert_eq!(
            json::<AppError>(response).await,
            AppError::Conflict(problem),
            "{why}"
        );
    }
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM enrolments")
        .fetch_one(&app.state.db.reader)
        .await
        .unwrap();
    assert_eq!(count, 2, "only the two accepted enrolments exist");
    assert_eq!(
        enrol(&app, &client, 999_999).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_trainee_cannot_withdraw_or_see_another_trainees_enrolment() {
    let app = spawn_app().await;
    let class = app.seed_class("PRIV", ClassSpec::default()).await;
    let (alice, _) = app.quick_session(Role::Trainee, "alice@example.cn").await;
    let (mallory, _) = app.quick_session(Role::Trainee, "mallory@example.cn").await;
    let alices: MyEnrolment = json(enrol(&app, &alice, class).await).await;

    let response = app
        .call(
            &mallory,
            "enrolment/withdraw",
            &[("enrolment_id", &alices.id.to_string())],
        )
        .await;
    assert_eq!(
        response.status(),
        StatusCode::NOT_FOUND,
        "looks like it does not exist"
    );
    let malloryss: Vec<MyEnrolment> = json(app.call(&mallory, "enrolment/mine", &[]).await).await;
    assert!(malloryss.is_empty(), "nobody else's enrolments are listed");
    let still: Vec<MyEnrolment> = json(app.call(&alice, "enrolment/mine", &[]).await).await;
    assert_eq!(still[0].state, EnrolmentState::Approved);

    let visitor = app.client();
    assert_eq!(
        app.call(&visitor, "enrolment/mine", &[]).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        enrol(&app, &visitor, class).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn staff_accounts_cannot_enrol() {
    let app = spawn_app().await;
    let class = app.seed_class("STAFF", ClassSpec::default()).await;
    let (teacher, _) = app
        .quick_session(Role::Instructor, "teacher@example.cn")
        .await;
    let response = enrol(&app, &teacher, class).await;
    assert_eq!(
        json::<AppError>(response).await,
        AppError::Conflict(Problem::OnlyTraineesEnrol)
    );
}

#[tokio::test]
async fn the_catalogue_finds_courses_by_either_title_and_filters_them() {
    let app = spawn_app().await;
    server::demo::load(&app.state.db, &app.state.hasher)
        .await
        .unwrap();
    let client = app.client();
    let search = |form: Vec<(&'static str, &'static str)>| {
        let client = client.clone();
        let app = &app;
        async move {
            let mut form = form;
            form.push(("page", "1"));
            if !form.iter().any(|(k, _)| *k == "open_now") {
                form.push(("open_now", "false"));
            }
            json::<CoursePage>(app.call(&client, "catalogue/search", &form).await).await
        }
    };
    let by_chinese = search(vec![("q", "审核员")]).await;
    assert!(
        by_chinese.courses.iter().any(|c| c.code == "CPA-AUD"),
        "Chinese title"
    );
    let by_english = search(vec![("q", "eia staff")]).await;
    assert_eq!(
        by_english
            .courses
            .iter()
            .map(|c| c.code.as_str())
            .collect::<Vec<_>>(),
        ["EIA-CERT"],
        "English, any case"
    );
    let lectures = search(vec![("q", ""), ("category", "lecture")]).await;
    assert!(lectures
        .courses
        .iter()
        .all(|c| c.category == app::domain::catalogue::Category::Lecture));
    assert_eq!(lectures.total, 4);
    let taiyuan = search(vec![("q", ""), ("city", "太原")]).await;
    assert_eq!(
        taiyuan
            .courses
            .iter()
            .map(|c| c.code.as_str())
            .collect::<Vec<_>>(),
        ["EIA-CERT"]
    );
    let centre = search(vec![("q", ""), ("centre", "SH-CPC")]).await;
    assert_eq!(
        centre
            .courses
            .iter()
            .map(|c| c.code.as_str())
            .collect::<Vec<_>>(),
        ["CP-LECT"]
    );
    let all = search(vec![("q", "")]).await;
    assert_eq!(all.total, 8, "the draft course is not in the catalogue");
    assert!(!all.courses.iter().any(|c| c.code == "CP-ADV"));
    let open = search(vec![("q", ""), ("open_now", "true")]).await;
    assert!(open.courses.iter().all(|c| c.open_classes > 0));
    let with_open_classes = all.courses.iter().filter(|c| c.open_classes > 0).count() as i64;
    assert_eq!(open.total, with_open_classes);
    assert!(
        open.total < all.total,
        "the Sinopec course opens for enrolment later"
    );

    let draft = app
        .call(&client, "catalogue/course", &[("code", "CP-ADV")])
        .await;
    assert_eq!(draft.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_demo_world_has_a_full_class_with_a_waiting_list_and_pending_applications() {
    let app = spawn_app().await;
    server::demo::load(&app.state.db, &app.state.hasher)
        .await
        .unwrap();
    let client = app.client();
    let course: CourseDetail = json(
        app.call(&client, "catalogue/course", &[("code", "CPA-AUD")])
            .await,
    )
    .await;
    let full = course
        .classes
        .iter()
        .find(|c| c.seats_left() == 0 && c.waiting > 0)
        .expect("a full class with a queue");
    assert_eq!((full.capacity, full.waiting), (30, 3));
    let pending: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM enrolments e JOIN class_instructors ci ON ci.class_id = e.class_id
         JOIN users u ON u.id = ci.instructor_id WHERE u.email = 'instructor@academy.test' AND e.state = 'pending'",
    )
    .fetch_one(&app.state.db.reader)
    .await
    .unwrap();
    assert!(
        pending >= 3,
        "the demo instructor has applications to review"
    );

    app.login(&client, "trainee@academy.test", "academy-demo")
        .await;
    let mine: Vec<MyEnrolment> = json(app.call(&client, "enrolment/mine", &[]).await).await;
    let states: std::collections::HashSet<_> = mine.iter().map(|e| e.state).collect();
    for state in EnrolmentState::ALL {
        assert!(
            states.contains(&state),
            "the demo trainee has an enrolment that is {state:?}"
        );
    }
    let waiting = mine
        .iter()
        .find(|e| e.state == EnrolmentState::Waitlisted)
        .unwrap();
    assert_eq!(waiting.position, Some(2));
    let completed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM enrolments e JOIN classes k ON k.id = e.class_id WHERE k.starts_on < '2001-01-01' AND e.state = 'completed'")
        .fetch_one(&app.state.db.reader)
        .await
        .unwrap();
    assert_eq!(
        completed, 70,
        "the two auditor classes of 1999–2000 trained 70 people"
    );
}

#[tokio::test]
async fn the_catalogue_pages_through_many_courses() {
    let app = spawn_app().await;
    for n in 0..23 {
        app.seed_class(&format!("PAGE-{n:02}"), ClassSpec::default())
            .await;
    }
    let page = |n: &'static str| {
        let app = &app;
        async move {
            json::<CoursePage>(
                app.call(
                    &app.client(),
                    "catalogue/search",
                    &[("q", "page-"), ("open_now", "false"), ("page", n)],
                )
                .await,
            )
            .await
        }
    };
    let (first, third) = (page("1").await, page("3").await);
    assert_eq!(
        (
            first.total,
            first.pages(),
            first.courses.len(),
            third.courses.len()
        ),
        (23, 3, 10, 3)
    );
    let codes: Vec<_> = first
        .courses
        .iter()
        .chain(page("2").await.courses.iter())
        .chain(third.courses.iter())
        .map(|c| c.code.clone())
        .collect();
    let unique: std::collections::HashSet<_> = codes.iter().collect();
    assert_eq!(unique.len(), 23, "every course appears on exactly one page");
    let html = app
        .client()
        .get(app.url("/courses?q=page-&page=2"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("2 / 3") && html.contains(r#"rel="prev""#) && html.contains(r#"rel="next""#),
        "the pager is server-rendered"
    );
}
