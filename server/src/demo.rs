//! The demo world: what a new user sees on first run. Loaded by
//! `academy demo`, once; a second run changes nothing.

use anyhow::Context;
use app::domain::{Industry, Province, Role};
use app::ssr::db::{self, meta, users, Db};
use app::ssr::passwords::Hasher;

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
    let mut created = 0;
    for account in accounts() {
        if users::id_by_email(&db.reader, account.email)
            .await?
            .is_some()
        {
            continue;
        }
        users::insert(
            &mut tx,
            &users::NewUser {
                email: account.email,
                name: account.name,
                password_hash: &hash,
                role: account.role,
                organisation: account.organisation,
                province: account.province.map(Province::code),
                industry: account.industry.map(Industry::code),
            },
            now,
        )
        .await
        .with_context(|| format!("creating demo account {}", account.email))?;
        created += 1;
    }
    meta::set(&mut tx, LOADED_KEY, &now.to_string()).await?;
    tx.commit().await?;
    Ok(format!(
        "demo world loaded: {created} accounts (password {DEMO_PASSWORD:?}): admin@academy.test, instructor@academy.test, trainee@academy.test and more"
    ))
}
