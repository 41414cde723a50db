//! The demo world: what a new user sees on first run. Loaded by
//! `academy demo`, once; a second run changes nothing.

use anyhow::Context;
use app::domain::catalogue::{Category, CentreKind};
use app::domain::enrolment::{Approval, EnrolmentState};
use app::domain::{Industry, Province, Role};
use app::ssr::db::catalogue::{self, NewCentre, NewClass, NewCourse};
use app::ssr::db::{self, enrolments, meta, users, Db};
use app::ssr::passwords::Hasher;
use sqlx::SqliteConnection;
use std::collections::HashMap;

mod certificates;
mod exams;
pub mod scale;

/// Every demo account's password (PRODUCT.md).
pub const DEMO_PASSWORD: &str = "academy-demo";
const LOADED_KEY: &str = "demo_loaded";

struct DemoUser {
    email: &'static str,
    name: &'static str,
    role: Role,
    organisation: &'static str,
    province: Option<Province>,
    industry: Option<Industry>,
}

const fn staff(
    email: &'static str,
    name: &'static str,
    role: Role,
    organisation: &'static str,
) -> DemoUser {
    DemoUser {
        email,
        name,
        role,
        organisation,
        province: None,
        industry: None,
    }
}

const fn trainee(
    email: &'static str,
    name: &'static str,
    organisation: &'static str,
    province: Province,
    industry: Industry,
) -> DemoUser {
    DemoUser {
        email,
        name,
        role: Role::Trainee,
        organisation,
        province: Some(province),
        industry: Some(industry),
    }
}

/// The accounts of the demo world: the three of PRODUCT.md first, then
/// colleagues and trainees from the centres and industries of DOMAIN.md.
fn accounts() -> Vec<DemoUser> {
    use Industry as I;
    use Province as P;
    vec![
        staff(
            "admin@academy.test",
            "周明华",
            Role::Administrator,
            "国家清洁生产中心",
        ),
        staff(
            "instructor@academy.test",
            "王建国",
            Role::Instructor,
            "国家清洁生产中心",
        ),
        trainee(
            "trainee@academy.test",
            "李晓梅",
            "上海石化股份有限公司",
            P::Shanghai,
            I::Petrochemicals,
        ),
        staff(
            "instructor2@academy.test",
            "陈志强",
            Role::Instructor,
            "上海市清洁生产中心",
        ),
        trainee(
            "zhang.wei@academy.test",
            "张伟",
            "天津化工厂",
            P::Tianjin,
            I::Chemicals,
        ),
        trainee(
            "liu.yang@academy.test",
            "刘洋",
            "太原钢铁公司",
            P::Shanxi,
            I::Metallurgy,
        ),
        trainee(
            "zhao.min@academy.test",
            "赵敏",
            "陕西省环境科学研究院",
            P::Shaanxi,
            I::EnvironmentalServices,
        ),
        trainee(
            "sun.li@academy.test",
            "孙丽",
            "山东纺织印染集团",
            P::Shandong,
            I::Textiles,
        ),
        trainee(
            "huang.tao@academy.test",
            "黄涛",
            "哈尔滨电机厂",
            P::Heilongjiang,
            I::Machinery,
        ),
        trainee(
            "wu.jing@academy.test",
            "吴静",
            "江西制药厂",
            P::Jiangxi,
            I::Pharmaceuticals,
        ),
        trainee(
            "zheng.hao@academy.test",
            "郑浩",
            "内蒙古电力公司",
            P::InnerMongolia,
            I::Power,
        ),
        trainee(
            "ma.lin@academy.test",
            "马琳",
            "北京燕山石化",
            P::Beijing,
            I::Petrochemicals,
        ),
    ]
}

/// Loads the demo world unless it is already there; returns what it did.
pub async fn load(db: &Db, hasher: &Hasher) -> anyhow::Result<String> {
    if meta::get(&db.reader, LOADED_KEY).await?.is_some() {
        return Ok("demo world already loaded; nothing changed".into());
    }
    // One hash for every demo account: they share a password, and hashing
    // it once keeps `academy demo` fast.
    let hash = hasher.hash(DEMO_PASSWORD.to_owned()).await?;
    let now = db::now();
    let mut tx = db.begin_write().await?;
    let mut ids = HashMap::new();
    for account in accounts() {
        let id = insert_account(&mut tx, &account, &hash, now).await?;
        ids.insert(account.email.to_owned(), id);
    }
    let trainees = insert_cohort(&mut tx, &hash, now).await?;
    let classes = load_catalogue(&mut tx, &ids, &trainees, now).await?;
    meta::set(&mut tx, LOADED_KEY, &now.to_string()).await?;
    tx.commit().await?;
    Ok(format!(
        "demo world loaded: {} accounts, {classes} classes (password {DEMO_PASSWORD:?}): \
         admin@academy.test, instructor@academy.test, trainee@academy.test and more",
        ids.len() + trainees.len()
    ))
}

async fn insert_account(
    conn: &mut SqliteConnection,
    account: &DemoUser,
    hash: &str,
    now: i64,
) -> anyhow::Result<i64> {
    users::insert(
        conn,
        &users::NewUser {
            email: account.email,
            name: account.name,
            password_hash: hash,
            role: account.role,
            organisation: account.organisation,
            province: account.province.map(Province::code),
            industry: account.industry.map(Industry::code),
        },
        now,
    )
    .await
    .with_context(|| format!("creating demo account {}", account.email))
}

/// Trainees for the classes: `trainee001…trainee100@academy.test`, spread over
/// the provinces and industries of the programme. The first 70 are the two
/// auditor classes of 1999–2000.
async fn insert_cohort(
    conn: &mut SqliteConnection,
    hash: &str,
    now: i64,
) -> anyhow::Result<Vec<i64>> {
    const SURNAMES: [&str; 20] = [
        "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
        "郭", "何", "高", "林", "罗",
    ];
    const GIVEN: [&str; 15] = [
        "建华", "志强", "秀英", "海燕", "国庆", "丽娟", "晓东", "红梅", "文博", "春生", "玉兰",
        "振宇", "淑珍", "立新", "雪峰",
    ];
    const ORGANISATIONS: [&str; 8] = [
        "北京化工研究院",
        "上海石化股份有限公司",
        "天津钢铁集团",
        "西安飞机工业公司",
        "济南第二机床厂",
        "南昌制药厂",
        "包头钢铁公司",
        "哈尔滨电站设备集团",
    ];
    let mut ids = Vec::with_capacity(100);
    for n in 0..100usize {
        let email = format!("trainee{:03}@academy.test", n + 1);
        let name = format!(
            "{}{}",
            SURNAMES[n % SURNAMES.len()],
            GIVEN[(n * 7) % GIVEN.len()]
        );
        let id = users::insert(
            conn,
            &users::NewUser {
                email: &email,
                name: &name,
                password_hash: hash,
                role: Role::Trainee,
                organisation: ORGANISATIONS[n % ORGANISATIONS.len()],
                province: Some(Province::ALL[(n * 5) % Province::ALL.len()].code()),
                industry: Some(Industry::ALL[n % 17].code()),
            },
            now,
        )
        .await
        .with_context(|| format!("creating {email}"))?;
        ids.push(id);
    }
    Ok(ids)
}

const DAY: i64 = 24 * 3600;

/// YYYY-MM-DD of an instant.
fn date(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .map(|t| format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day()))
        .unwrap_or_else(|_| "2000-01-01".into())
}

/// Unix seconds of a date at 09:00 China time.
fn at(date: &str) -> i64 {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(date, format)
        .map(|d| d.midnight().assume_utc().unix_timestamp() + 3600)
        .unwrap_or_default()
}

struct DemoClass {
    course: &'static str,
    name: (&'static str, &'static str),
    starts_on: String,
    ends_on: String,
    city: (&'static str, &'static str),
    venue: &'static str,
    capacity: i64,
    waitlist: bool,
    approval: Approval,
    opens: i64,
    closes: i64,
}

async fn load_catalogue(
    conn: &mut SqliteConnection,
    accounts: &HashMap<String, i64>,
    cohort: &[i64],
    now: i64,
) -> anyhow::Result<usize> {
    use CentreKind::*;
    let centres = [
        (
            "NCPC",
            National,
            "国家清洁生产中心",
            "National Cleaner Production Centre",
        ),
        (
            "SINOPEC-CPC",
            Industry,
            "中国石化总公司清洁生产中心",
            "Sinopec Cleaner Production Centre",
        ),
        (
            "CHEM-CPC",
            Industry,
            "化工清洁生产中心",
            "Chemical Industry Cleaner Production Centre",
        ),
        (
            "AVIC-CPC",
            Industry,
            "中国航空工业总公司清洁生产中心",
            "Aviation Industry Cleaner Production Centre",
        ),
        (
            "BJ-ETC",
            Provincial,
            "北京市环保培训中心",
            "Beijing Environmental Protection Training Centre",
        ),
        (
            "SH-CPC",
            Provincial,
            "上海市清洁生产中心",
            "Shanghai Cleaner Production Centre",
        ),
        (
            "TJ-CPC",
            Provincial,
            "天津市清洁生产中心",
            "Tianjin Cleaner Production Centre",
        ),
        (
            "SN-CPC",
            Provincial,
            "陕西省清洁生产指导中心",
            "Shaanxi Cleaner Production Guidance Centre",
        ),
        (
            "HL-CPC",
            Provincial,
            "黑龙江清洁生产中心",
            "Heilongjiang Cleaner Production Centre",
        ),
        (
            "SD-CPC",
            Provincial,
            "山东省清洁生产中心",
            "Shandong Cleaner Production Centre",
        ),
        (
            "JX-CPC",
            Provincial,
            "江西省清洁生产指导中心",
            "Jiangxi Cleaner Production Guidance Centre",
        ),
        (
            "NM-CPC",
            Provincial,
            "内蒙古自治区清洁生产中心",
            "Inner Mongolia Cleaner Production Centre",
        ),
        (
            "HHHT-CPC",
            Provincial,
            "呼和浩特市清洁生产中心",
            "Hohhot Cleaner Production Centre",
        ),
    ];
    let mut centre_ids = HashMap::new();
    for (code, kind, zh, en) in centres {
        let id = catalogue::insert_centre(
            conn,
            &NewCentre {
                code,
                kind,
                name_zh: zh,
                name_en: en,
            },
            now,
        )
        .await?;
        centre_ids.insert(code, id);
    }

    use Category::*;
    let courses = [
        ("CPA-AUD", "NCPC", AuditorTraining, 80, true,
         ("清洁生产审核员培训", "Cleaner Production Auditor Training"),
         ("系统讲授清洁生产审核的程序与方法：筹划与组织、预审核、审核、方案产生与筛选、可行性分析、方案实施和持续清洁生产。结业考试合格者获清洁生产审核员资格。",
          "The audit method step by step — planning, pre-assessment, assessment, options generation and screening, feasibility analysis, implementation and continuing cleaner production. Passing the final exam qualifies you as a cleaner production auditor.")),
        ("EIA-CERT", "NCPC", PostCertification, 40, true,
         ("环境影响评价人员持证上岗培训", "EIA Staff Certification Training"),
         ("环评人员上岗前必须参加的培训：环境影响评价制度、“三同时”、清洁生产分析在环评中的应用。",
          "Required before EIA staff take up their posts: the EIA system, the \"three simultaneities\" rule and cleaner production analysis in assessments.")),
        ("CP-LECT", "SH-CPC", Lecture, 4, true,
         ("清洁生产与污染预防专题讲座", "Cleaner Production and Pollution Prevention"),
         ("从末端治理转向源头削减：清洁的能源和原材料、清洁的生产过程、清洁的产品。",
          "From end-of-pipe treatment to prevention at the source: clean energy and materials, clean processes, clean products.")),
        ("ISO14K-LECT", "BJ-ETC", Lecture, 6, true,
         ("ISO 14000环境管理体系讲座", "ISO 14000 Environmental Management Systems"),
         ("以清洁生产审核为基础建立企业环境管理体系。", "Building an enterprise environmental management system on a cleaner production audit.")),
        ("SINOPEC-AUD", "SINOPEC-CPC", AuditorTraining, 60, true,
         ("石化行业清洁生产审核", "Cleaner Production Audits in Petrochemicals"),
         ("炼油与石化企业的物料平衡、废水与废气的源头削减。", "Material balances and source reduction of waste water and emissions in refineries.")),
        ("CHEM-AUD", "CHEM-CPC", AuditorTraining, 60, true,
         ("化工行业清洁生产审核", "Cleaner Production Audits in the Chemical Industry"),
         ("化工企业审核实例：化学需氧量削减约40%，废水减少40%至60%。", "Audit cases from chemical plants: COD cut by about 40%, waste water by 40–60%.")),
        ("AVIC-LECT", "AVIC-CPC", Lecture, 8, true,
         ("航空工业表面处理清洁生产讲座", "Cleaner Surface Treatment in the Aviation Industry"),
         ("电镀与涂装工序的清洁生产方案。", "Cleaner production options for plating and painting lines.")),
        ("TOTAL-LOAD", "TJ-CPC", Lecture, 4, true,
         ("污染物排放总量控制与排污许可", "Total Pollutant Load Control and Discharge Permits"),
         ("总量控制、排污收费与排污许可制度。", "Load control, pollution charges and the discharge permit system.")),
        ("CP-ADV", "NCPC", AuditorTraining, 40, false,
         ("高级清洁生产审核员研修（筹备中）", "Advanced Auditor Seminar (in preparation)"),
         ("", "")),
    ];
    let mut course_ids = HashMap::new();
    for (code, centre, category, hours, published, title, summary) in courses {
        let course = NewCourse {
            code,
            centre_id: centre_ids[centre],
            category,
            title,
            summary,
            hours,
            published,
        };
        course_ids.insert(code, catalogue::insert_course(conn, &course, now).await?);
    }

    let open = (now - 14 * DAY, now + 45 * DAY);
    let classes = vec![
        DemoClass {
            course: "CPA-AUD",
            name: ("1999年第1期", "1999, class 1"),
            starts_on: "1999-05-10".into(),
            ends_on: "1999-05-21".into(),
            city: ("北京", "Beijing"),
            venue: "国家清洁生产中心",
            capacity: 35,
            waitlist: false,
            approval: Approval::Manual,
            opens: at("1999-03-01"),
            closes: at("1999-04-30"),
        },
        DemoClass {
            course: "CPA-AUD",
            name: ("2000年第2期", "2000, class 2"),
            starts_on: "2000-04-10".into(),
            ends_on: "2000-04-21".into(),
            city: ("北京", "Beijing"),
            venue: "国家清洁生产中心",
            capacity: 35,
            waitlist: false,
            approval: Approval::Manual,
            opens: at("2000-02-01"),
            closes: at("2000-03-31"),
        },
        DemoClass {
            course: "CPA-AUD",
            name: ("第3期（满员，设候补）", "Class 3 (full, waiting list)"),
            starts_on: date(now + 60 * DAY),
            ends_on: date(now + 71 * DAY),
            city: ("北京", "Beijing"),
            venue: "国家清洁生产中心",
            capacity: 30,
            waitlist: true,
            approval: Approval::Automatic,
            opens: open.0,
            closes: open.1,
        },
        DemoClass {
            course: "EIA-CERT",
            name: ("上海班", "Shanghai class"),
            starts_on: date(now + 30 * DAY),
            ends_on: date(now + 35 * DAY),
            city: ("上海", "Shanghai"),
            venue: "上海市清洁生产中心",
            capacity: 40,
            waitlist: true,
            approval: Approval::Manual,
            opens: open.0,
            closes: open.1,
        },
        DemoClass {
            course: "EIA-CERT",
            name: ("太原班", "Taiyuan class"),
            starts_on: date(now + 40 * DAY),
            ends_on: date(now + 45 * DAY),
            city: ("太原", "Taiyuan"),
            venue: "山西省环境保护局培训中心",
            capacity: 40,
            waitlist: true,
            approval: Approval::Manual,
            opens: open.0,
            closes: open.1,
        },
        DemoClass {
            course: "EIA-CERT",
            name: ("西安班", "Xi'an class"),
            starts_on: date(now + 120 * DAY),
            ends_on: date(now + 125 * DAY),
            city: ("西安", "Xi'an"),
            venue: "陕西省清洁生产指导中心",
            capacity: 40,
            waitlist: true,
            approval: Approval::Manual,
            opens: now + 30 * DAY,
            closes: now + 90 * DAY,
        },
        DemoClass {
            course: "CP-LECT",
            name: ("上海专场", "Shanghai session"),
            starts_on: date(now + 20 * DAY),
            ends_on: date(now + 20 * DAY),
            city: ("上海", "Shanghai"),
            venue: "上海科学会堂",
            capacity: 200,
            waitlist: false,
            approval: Approval::Automatic,
            opens: open.0,
            closes: now + 19 * DAY,
        },
        DemoClass {
            course: "ISO14K-LECT",
            name: ("2025年北京专场", "Beijing session, 2025"),
            starts_on: date(now - 200 * DAY),
            ends_on: date(now - 200 * DAY),
            city: ("北京", "Beijing"),
            venue: "北京市环保培训中心",
            capacity: 100,
            waitlist: false,
            approval: Approval::Automatic,
            opens: now - 260 * DAY,
            closes: now - 201 * DAY,
        },
        DemoClass {
            course: "ISO14K-LECT",
            name: ("北京专场", "Beijing session"),
            starts_on: date(now + 50 * DAY),
            ends_on: date(now + 50 * DAY),
            city: ("北京", "Beijing"),
            venue: "北京市环保培训中心",
            capacity: 100,
            waitlist: false,
            approval: Approval::Automatic,
            opens: open.0,
            closes: open.1,
        },
        DemoClass {
            course: "SINOPEC-AUD",
            name: ("燕山班", "Yanshan class"),
            starts_on: date(now + 75 * DAY),
            ends_on: date(now + 82 * DAY),
            city: ("北京", "Beijing"),
            venue: "燕山石化培训中心",
            capacity: 30,
            waitlist: true,
            approval: Approval::Manual,
            opens: now + 10 * DAY,
            closes: now + 60 * DAY,
        },
        DemoClass {
            course: "CHEM-AUD",
            name: ("天津班", "Tianjin class"),
            starts_on: date(now + 90 * DAY),
            ends_on: date(now + 97 * DAY),
            city: ("天津", "Tianjin"),
            venue: "天津市清洁生产中心",
            capacity: 30,
            waitlist: true,
            approval: Approval::Automatic,
            opens: open.0,
            closes: open.1,
        },
        DemoClass {
            course: "AVIC-LECT",
            name: ("西安专场", "Xi'an session"),
            starts_on: date(now + 15 * DAY),
            ends_on: date(now + 15 * DAY),
            city: ("西安", "Xi'an"),
            venue: "西安飞机工业公司",
            capacity: 80,
            waitlist: false,
            approval: Approval::Automatic,
            opens: open.0,
            closes: now + 14 * DAY,
        },
        DemoClass {
            course: "TOTAL-LOAD",
            name: ("天津专场", "Tianjin session"),
            starts_on: date(now + 25 * DAY),
            ends_on: date(now + 25 * DAY),
            city: ("天津", "Tianjin"),
            venue: "天津市清洁生产中心",
            capacity: 120,
            waitlist: false,
            approval: Approval::Automatic,
            opens: open.0,
            closes: now + 24 * DAY,
        },
        // Last year's EIA class, whose trainees hold post certificates.
        DemoClass {
            course: "EIA-CERT",
            name: ("2025年上海班", "Shanghai class, 2025"),
            starts_on: date(now - 300 * DAY),
            ends_on: date(now - 295 * DAY),
            city: ("上海", "Shanghai"),
            venue: "上海市清洁生产中心",
            capacity: 30,
            waitlist: false,
            approval: Approval::Manual,
            opens: now - 360 * DAY,
            closes: now - 310 * DAY,
        },
    ];
    let mut class_ids = Vec::new();
    for class in &classes {
        let id = catalogue::insert_class(
            conn,
            &NewClass {
                course_id: course_ids[class.course],
                name: class.name,
                starts_on: &class.starts_on,
                ends_on: &class.ends_on,
                city: class.city,
                venue: class.venue,
                capacity: class.capacity,
                waitlist: class.waitlist,
                approval: class.approval,
                enrol_opens_at: class.opens,
                enrol_closes_at: class.closes,
            },
            now,
        )
        .await?;
        class_ids.push(id);
    }
    let [cpa1999, cpa2000, cpa_full, eia_sh, eia_ty, _eia_xa, lecture_sh, iso_past, iso_next, .., eia_past] =
        class_ids[..]
    else {
        anyhow::bail!("demo classes missing");
    };

    let instructor = accounts["instructor@academy.test"];
    let instructor2 = accounts["instructor2@academy.test"];
    let trainee = accounts["trainee@academy.test"];
    for (class, teacher) in [
        (cpa1999, instructor),
        (cpa2000, instructor),
        (cpa_full, instructor),
        (cpa_full, instructor2),
        (eia_sh, instructor),
        (eia_ty, instructor2),
        (lecture_sh, instructor2),
        (iso_past, instructor2),
        (iso_next, instructor2),
        (eia_past, instructor2),
    ] {
        catalogue::add_instructor(conn, class, teacher).await?;
    }

    // The two auditor classes of 1999 and 2000: 35 each, all completed (70 auditors).
    for (n, &id) in cohort[..70].iter().enumerate() {
        let (class, year) = if n < 35 {
            (cpa1999, "1999-05-21")
        } else {
            (cpa2000, "2000-04-21")
        };
        enrolments::insert_as_is(conn, class, id, EnrolmentState::Completed, "", at(year)).await?;
    }
    // Class 3: full (30 approved), then a waiting list with the demo trainee second.
    let mut t = now - 10 * DAY;
    for &id in &cohort[70..100] {
        t += 60;
        enrolments::insert_as_is(conn, cpa_full, id, EnrolmentState::Approved, "", t).await?;
    }
    for &id in [
        accounts["zhang.wei@academy.test"],
        trainee,
        accounts["liu.yang@academy.test"],
    ]
    .iter()
    {
        t += 3600;
        enrolments::insert_as_is(conn, cpa_full, id, EnrolmentState::Waitlisted, "", t).await?;
    }
    // EIA Shanghai: reviewed by the demo instructor; some approved, several pending.
    for &id in &cohort[0..8] {
        enrolments::insert_as_is(
            conn,
            eia_sh,
            id,
            EnrolmentState::Approved,
            "",
            now - 9 * DAY,
        )
        .await?;
    }
    for email in [
        "zhao.min@academy.test",
        "sun.li@academy.test",
        "huang.tao@academy.test",
    ] {
        enrolments::insert_as_is(
            conn,
            eia_sh,
            accounts[email],
            EnrolmentState::Pending,
            "",
            now - 3 * DAY,
        )
        .await?;
    }
    enrolments::insert_as_is(
        conn,
        eia_sh,
        trainee,
        EnrolmentState::Pending,
        "",
        now - 2 * DAY,
    )
    .await?;
    // EIA Taiyuan: the demo trainee was not accepted there.
    enrolments::insert_as_is(
        conn,
        eia_ty,
        trainee,
        EnrolmentState::Rejected,
        "本期仅接收山西省环保系统人员。",
        now - 6 * DAY,
    )
    .await?;
    for email in ["wu.jing@academy.test", "zheng.hao@academy.test"] {
        enrolments::insert_as_is(
            conn,
            eia_ty,
            accounts[email],
            EnrolmentState::Pending,
            "",
            now - 4 * DAY,
        )
        .await?;
    }
    // Lectures: enrolled in one, completed a past one, withdrew from another.
    enrolments::insert_as_is(
        conn,
        lecture_sh,
        trainee,
        EnrolmentState::Approved,
        "",
        now - 5 * DAY,
    )
    .await?;
    enrolments::insert_as_is(
        conn,
        iso_past,
        trainee,
        EnrolmentState::Completed,
        "",
        now - 230 * DAY,
    )
    .await?;
    enrolments::insert_as_is(
        conn,
        iso_next,
        trainee,
        EnrolmentState::Withdrawn,
        "",
        now - DAY,
    )
    .await?;
    for &id in &cohort[10..40] {
        enrolments::insert_as_is(
            conn,
            lecture_sh,
            id,
            EnrolmentState::Approved,
            "",
            now - 4 * DAY,
        )
        .await?;
    }
    for &id in std::iter::once(&trainee).chain(&cohort[40..47]) {
        enrolments::insert_as_is(
            conn,
            eia_past,
            id,
            EnrolmentState::Completed,
            "",
            now - 330 * DAY,
        )
        .await?;
    }
    exams::load(
        conn,
        &exams::Classes {
            cpa_course: course_ids["CPA-AUD"],
            lecture_course: course_ids["CP-LECT"],
            iso_course: course_ids["ISO14K-LECT"],
            cpa1999,
            cpa2000,
            cpa_full,
            lecture_sh,
            iso_past,
        },
        instructor,
        instructor2,
        trainee,
        cohort,
        now,
    )
    .await?;
    let emails: HashMap<String, i64> = sqlx::query_as("SELECT email, id FROM users")
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .collect();
    certificates::load(
        conn,
        &certificates::Ids {
            admin: accounts["admin@academy.test"],
            cpa_course: course_ids["CPA-AUD"],
            eia_course: course_ids["EIA-CERT"],
            cpa1999,
            cpa2000,
            eia_past,
        },
        &emails,
        now,
    )
    .await?;
    Ok(classes.len())
}
