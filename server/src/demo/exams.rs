//! The demo world's question banks, exams and attempts.
//!
//! Everything goes through the same code the pages use (question checks,
//! starting, answering, handing in, grading, releasing), at the instants the
//! story needs, so the demo can never hold a state the product cannot reach.

use app::domain::exam::QuestionDraft;
use app::ssr::db::exams::{self, ExamForm};
use app::ssr::db::questions;
use sqlx::SqliteConnection;

const DAY: i64 = 24 * 3600;

/// (kind, prompt zh, prompt en, options "zh | en" per line, answer, points,
/// tags, explanation zh, explanation en)
type Q = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    u8,
    &'static str,
    &'static str,
    &'static str,
);

/// The cleaner production question bank (DOMAIN.md): concepts, the audit
/// procedure, ISO 14000, EIA and the "three simultaneities", policy.
const BANK: [Q; 32] = [
    ("single", "清洁生产与末端治理最根本的区别是什么？", "What fundamentally distinguishes cleaner production from end-of-pipe treatment?",
     "清洁生产在源头预防污染，末端治理在污染产生后处理 | Cleaner production prevents pollution at the source; end-of-pipe treats it after it is produced\n清洁生产只适用于化工行业 | Cleaner production applies only to the chemical industry\n末端治理的成本总是更低 | End-of-pipe treatment always costs less\n两者没有区别 | There is no difference",
     "A", 2, "基本概念", "清洁生产强调从源头削减污染，而不是在排放口处理。", "Cleaner production cuts pollution at its source instead of treating it at the outlet."),
    ("multiple", "清洁生产的内容包括哪些方面？", "What does cleaner production cover?",
     "清洁的能源和原材料 | Clean energy and raw materials\n清洁的生产过程和技术 | Clean processes and technology\n清洁的产品 | Clean products\n更高的烟囱 | Taller chimneys",
     "A,B,C", 3, "基本概念", "清洁生产包括清洁的能源和原料、清洁的生产过程和清洁的产品；加高烟囱只是稀释排放。", "Clean energy and materials, clean processes and clean products; a taller chimney only dilutes emissions."),
    ("true_false", "清洁生产是一种一次性的活动，审核结束后即告完成。", "Cleaner production is a one-off activity that ends with the audit.",
     "", "false", 1, "基本概念", "清洁生产是持续改进的过程，审核的最后阶段就是持续清洁生产。", "It is continuous improvement: the last phase of an audit is continuing cleaner production."),
    ("single", "下列哪项属于源头削减措施？", "Which of these is a source-reduction measure?",
     "建设污水处理厂 | Building a waste-water treatment plant\n用低毒原料替代高毒原料 | Replacing a highly toxic raw material with a less toxic one\n将废渣运往填埋场 | Trucking slag to a landfill\n焚烧废气 | Incinerating waste gas",
     "B", 2, "基本概念", "替代原料在污染产生之前减少污染，其余均为末端处置。", "Substituting the raw material prevents the pollution; the others dispose of it afterwards."),
    ("short_answer", "用四个字概括清洁生产“在污染产生之前减少它”的做法。", "In two words, what is the practice of reducing pollution before it is produced called?",
     "", "源头削减\nsource reduction\n源头控制", 2, "基本概念", "源头削减（source reduction）是清洁生产的核心。", "Source reduction is the core of cleaner production."),
    ("true_false", "末端治理不能减少原材料和能源的消耗。", "End-of-pipe treatment does not reduce the use of raw materials and energy.",
     "", "true", 1, "基本概念", "末端治理只处理已产生的污染物，本身还消耗能源和药剂。", "It only treats pollutants already produced, and itself uses energy and chemicals."),
    ("single", "国家清洁生产中心成立于哪一年年底？", "At the end of which year was the National Cleaner Production Centre founded?",
     "1990年 | 1990\n1994年 | 1994\n1998年 | 1998\n2000年 | 2000",
     "B", 1, "政策", "国家清洁生产中心于1994年底成立。", "It was founded at the end of 1994."),
    ("multiple", "开展清洁生产审核的企业报告了哪些成效？", "Which results did enterprises report after cleaner production audits?",
     "化学需氧量（COD）削减约40% | COD cut by about 40%\n废水量减少40%–60% | Waste water reduced by 40–60%\n全部停产 | Production stopped altogether\n污染物排放不降反升 | Emissions rose",
     "A,B", 2, "政策", "试点企业报告COD削减约40%，废水减少40%–60%。", "Pilot enterprises reported COD down about 40% and waste water down 40–60%."),
    ("single", "清洁生产审核的第一个阶段是什么？", "What is the first phase of a cleaner production audit?",
     "筹划和组织 | Planning and organisation\n方案实施 | Implementing options\n可行性分析 | Feasibility analysis\n持续清洁生产 | Continuing cleaner production",
     "A", 2, "审核程序", "审核从筹划和组织开始：取得领导支持、组建审核小组、制定计划。", "An audit starts with planning and organisation: management commitment, an audit team, a plan."),
    ("single", "确定审核重点是在哪个阶段完成的？", "In which phase is the audit focus chosen?",
     "预评估 | Pre-assessment\n评估 | Assessment\n方案实施 | Implementation\n持续清洁生产 | Continuing cleaner production",
     "A", 2, "审核程序", "预评估阶段通过现状调研确定审核重点并设置清洁生产目标。", "Pre-assessment surveys the plant, picks the audit focus and sets targets."),
    ("single", "物料平衡主要在哪个阶段建立？", "In which phase is the material balance mainly drawn up?",
     "筹划和组织 | Planning and organisation\n评估 | Assessment\n方案产生和筛选 | Generating and screening options\n方案实施 | Implementation",
     "B", 2, "审核程序", "评估阶段对审核重点建立物料平衡，分析废物产生原因。", "The assessment phase builds the material balance of the focus area and finds why waste arises."),
    ("multiple", "可行性分析通常包括哪几方面？", "What does a feasibility analysis usually cover?",
     "技术评估 | Technical evaluation\n环境评估 | Environmental evaluation\n经济评估 | Economic evaluation\n宣传口号设计 | Designing slogans",
     "A,B,C", 3, "审核程序", "中高费方案须经技术、环境和经济三方面评估。", "Medium- and high-cost options are evaluated technically, environmentally and economically."),
    ("true_false", "无费和低费方案应当在审核过程中边审核边实施。", "No-cost and low-cost options should be implemented during the audit, as they are found.",
     "", "true", 1, "审核程序", "无低费方案简单易行，应随时实施，以鼓舞信心。", "They are simple and should be put in place at once, which builds confidence."),
    ("single", "清洁生产审核共有几个阶段？", "How many phases does a cleaner production audit have?",
     "四个 | Four\n五个 | Five\n七个 | Seven\n十个 | Ten",
     "C", 1, "审核程序", "筹划和组织、预评估、评估、方案产生和筛选、可行性分析、方案实施、持续清洁生产。", "Planning, pre-assessment, assessment, options, feasibility, implementation, continuation."),
    ("multiple", "废物产生的原因通常从哪些方面分析？", "From which angles are the causes of waste usually analysed?",
     "原辅材料和能源 | Raw materials and energy\n技术工艺 | Process technology\n设备 | Equipment\n员工 | Employees",
     "A,B,C,D", 3, "审核程序", "常用八个方面：原辅材料和能源、技术工艺、设备、过程控制、产品、废物、管理、员工。", "Eight angles are used: materials and energy, process, equipment, control, product, waste, management, staff."),
    ("essay", "请以你熟悉的一家企业为例，说明如何确定清洁生产审核重点。", "Taking an enterprise you know, explain how you would choose the focus of a cleaner production audit.",
     "", "", 10, "审核程序", "要点：现状调研、污染和能耗数据、权重打分法、领导和员工意见。", "Key points: site survey, pollution and energy data, weighted scoring, the views of managers and staff."),
    ("short_answer", "清洁生产审核的最后一个阶段叫什么？", "What is the last phase of a cleaner production audit called?",
     "", "持续清洁生产\ncontinuing cleaner production\ncontinuous cleaner production", 2, "审核程序", "持续清洁生产：建立长效机制，制定下一轮计划。", "Continuing cleaner production: make it permanent and plan the next round."),
    ("single", "ISO 14000系列标准中，规定环境管理体系要求的是哪一项？", "Which standard of the ISO 14000 series sets the requirements for an environmental management system?",
     "ISO 9001 | ISO 9001\nISO 14001 | ISO 14001\nISO 14040 | ISO 14040\nISO 19011 | ISO 19011",
     "B", 2, "ISO14000", "ISO 14001规定环境管理体系要求，ISO 14040是生命周期评价。", "ISO 14001 sets EMS requirements; ISO 14040 is life-cycle assessment."),
    ("short_answer", "写出规定环境管理体系要求的国际标准编号。", "Write the number of the international standard for environmental management systems.",
     "", "ISO 14001\nISO14001\nGB/T 24001", 2, "ISO14000", "ISO 14001（等同于国家标准GB/T 24001）。", "ISO 14001 (adopted in China as GB/T 24001)."),
    ("true_false", "企业可以在清洁生产审核的基础上建立ISO 14000环境管理体系。", "An enterprise can build an ISO 14000 environmental management system on a cleaner production audit.",
     "", "true", 1, "ISO14000", "清洁生产审核识别的环境因素和方案是建立体系的良好基础。", "The aspects and options an audit identifies are a good base for the system."),
    ("single", "ISO 14001所采用的管理模式是什么？", "Which management model does ISO 14001 follow?",
     "PDCA循环（策划—实施—检查—改进） | The PDCA cycle (plan–do–check–act)\n一次性验收 | One-off acceptance\n末端监测 | End-of-pipe monitoring\n行政审批 | Administrative approval",
     "A", 2, "ISO14000", "体系以PDCA循环实现持续改进。", "The system improves continually through the PDCA cycle."),
    ("multiple", "下列哪些属于ISO 14000系列涵盖的内容？", "Which of these does the ISO 14000 series cover?",
     "环境管理体系 | Environmental management systems\n环境审核 | Environmental auditing\n生命周期评价 | Life-cycle assessment\n产品价格管制 | Product price control",
     "A,B,C", 3, "ISO14000", "系列标准包括体系、审核、标志、绩效评价、生命周期评价等。", "It covers systems, auditing, labelling, performance evaluation and life-cycle assessment."),
    ("single", "“三同时”制度要求污染防治设施与主体工程怎样？", "What does the \"three simultaneities\" rule require of pollution control facilities?",
     "同时设计、同时施工、同时投产使用 | Designed, built and put into operation at the same time as the main project\n同时报价、同时招标、同时结算 | Priced, tendered and settled together\n在主体工程投产三年后建设 | Built three years after the main project starts\n只需同时设计 | Only designed at the same time",
     "A", 2, "环评", "“三同时”：同时设计、同时施工、同时投产使用。", "Designed, constructed and commissioned together with the main project."),
    ("true_false", "建设项目应当在开工建设之前进行环境影响评价。", "A construction project must undergo environmental impact assessment before construction starts.",
     "", "true", 1, "环评", "环评是事前预防，必须在项目开工前完成审批。", "EIA is prevention beforehand: it must be approved before work begins."),
    ("multiple", "清洁生产与哪些环境管理制度相衔接？", "Which environmental management instruments does cleaner production link to?",
     "污染物排放总量控制 | Total pollutant load control\n环境影响评价 | Environmental impact assessment\n排污收费 | Pollution charges\n排污许可证 | Discharge permits",
     "A,B,C,D", 3, "政策", "清洁生产与总量控制、环评、“三同时”、排污收费和排污许可制度相结合。", "It links to load control, EIA, the three simultaneities, pollution charges and discharge permits."),
    ("single", "环评人员上岗前必须做到什么？", "What must EIA staff do before taking up their post?",
     "持证上岗 | Hold a certificate\n参加一次讲座即可 | Attend one lecture\n无需任何培训 | Nothing at all\n由企业自行决定 | Whatever the enterprise decides",
     "A", 1, "环评", "环评人员实行持证上岗制度。", "EIA staff must hold a certificate before taking up their post."),
    ("essay", "比较在环境影响评价中引入清洁生产分析的意义。", "Discuss what a cleaner production analysis adds to an environmental impact assessment.",
     "", "", 10, "环评", "要点：从末端转向全过程、原料和工艺选择、资源能源指标、减少污染负荷。", "Key points: from end-of-pipe to the whole process, choice of materials and process, resource indicators, lower load."),
    ("short_answer", "“三同时”中的三个“同时”是：同时设计、同时施工和同时____。", "The three simultaneities are: designed, built and ____ at the same time.",
     "", "投产使用\n投产\n投入使用\nput into operation\ncommissioned", 2, "环评", "同时投产使用。", "Put into operation (commissioned)."),
    ("single", "污染物排放总量控制的对象是什么？", "What does total pollutant load control limit?",
     "一个区域内某种污染物的排放总量 | The total amount of a pollutant discharged in an area\n单个排放口的浓度 | The concentration at one outlet\n企业职工人数 | The number of employees\n产品价格 | Product prices",
     "A", 2, "政策", "总量控制限定区域内污染物排放总量，而不仅是浓度。", "It caps the total discharged in an area, not just the concentration."),
    ("true_false", "浓度达标排放就意味着污染物排放总量一定在控制范围之内。", "Meeting concentration limits means the total load is necessarily under control.",
     "", "false", 1, "政策", "稀释或增加排放量可以浓度达标而总量超标。", "Dilution or more discharge can meet concentrations while exceeding the load."),
    ("multiple", "下列哪些属于清洁生产审核中常见的无低费方案？", "Which of these are typical no-cost or low-cost audit options?",
     "加强设备维护，杜绝跑冒滴漏 | Better maintenance to stop leaks and spills\n改进操作规程 | Improved operating procedures\n物料分类存放、计量 | Sorting and metering materials\n新建整条生产线 | Building a whole new production line",
     "A,B,C", 3, "审核程序", "无低费方案多来自管理和操作改进，新建生产线属于高费方案。", "They come from better management and operation; a new line is a high-cost option."),
    ("single", "1993年以来，清洁生产培训和讲座共培训了大约多少人？", "Since 1993, roughly how many people have attended cleaner production courses and lectures?",
     "约1000人 | About 1,000\n近10000人 | Nearly 10,000\n约50000人 | About 50,000\n约100人 | About 100",
     "B", 1, "政策", "约140期培训和讲座，培训近万人。", "About 140 courses and lectures trained nearly 10,000 people."),
];

/// The indexes into [`BANK`] of questions to copy into each lecture's bank.
const LECTURE: [usize; 8] = [0, 1, 2, 3, 4, 8, 13, 15];
const ISO_LECTURE: [usize; 6] = [17, 18, 19, 20, 21, 4];

fn draft(q: &Q) -> QuestionDraft {
    QuestionDraft {
        kind: q.0.into(),
        prompt_zh: q.1.into(),
        prompt_en: q.2.into(),
        options: q.3.into(),
        answer: q.4.into(),
        points: q.5.to_string(),
        tags: q.6.into(),
        explanation_zh: q.7.into(),
        explanation_en: q.8.into(),
    }
}

/// Inserts the chosen questions (all of [`BANK`] when `only` is empty) into
/// a course's bank; returns their ids in order.
async fn insert_bank(
    conn: &mut SqliteConnection,
    course_id: i64,
    only: &[usize],
    now: i64,
) -> anyhow::Result<Vec<i64>> {
    let chosen: Vec<&Q> = if only.is_empty() {
        BANK.iter().collect()
    } else {
        only.iter().map(|&i| &BANK[i]).collect()
    };
    let mut ids = Vec::new();
    for q in chosen {
        let question = draft(q)
            .check()
            .map_err(|e| anyhow::anyhow!("demo question {:?} is invalid: {e:?}", q.2))?;
        ids.push(questions::insert(conn, course_id, &question, now).await?);
    }
    Ok(ids)
}

fn china_time(unix: i64) -> String {
    app::domain::catalogue::format_china_time(unix)
}

#[allow(clippy::too_many_arguments)]
async fn create_exam(
    conn: &mut SqliteConnection,
    by: i64,
    class_id: i64,
    title: (&str, &str),
    questions: &[i64],
    opens: i64,
    closes: i64,
    minutes: i64,
    attempts: i64,
    created: i64,
) -> anyhow::Result<i64> {
    let form = ExamForm {
        title_zh: title.0.into(),
        title_en: title.1.into(),
        selection: "fixed".into(),
        questions: questions.to_vec(),
        draws: String::new(),
        time_limit_minutes: minutes.to_string(),
        opens_at: china_time(opens),
        closes_at: china_time(closes),
        attempts_allowed: attempts.to_string(),
        counting: "highest".into(),
        pass_percent: "60".into(),
        shuffle: true,
    };
    exams::create_in(conn, by, class_id, form, None, created)
        .await
        .map_err(|e| anyhow::anyhow!("demo exam {}: {e:?}", title.1))
}

/// A trainee's answer to bank question `q`, right when `right` is true;
/// wrong answers are plausible mistakes.
fn answer(q: &Q, right: bool, essay: &str) -> String {
    let letters = |s: &str| -> Vec<u32> {
        s.split(',')
            .map(|l| l.trim().as_bytes()[0] as u32 - b'A' as u32)
            .collect()
    };
    match q.0 {
        "single" | "multiple" => {
            let key = letters(q.4);
            let chosen: Vec<u32> = if right {
                key
            } else if q.0 == "single" {
                vec![(key[0] + 1) % 4]
            } else {
                // Half right: one keyed option left out.
                key[..key.len().saturating_sub(1).max(1)].to_vec()
            };
            let chosen = if !right && chosen == letters(q.4) {
                vec![3]
            } else {
                chosen
            };
            chosen
                .iter()
                .map(u32::to_string)
                .collect::<Vec<_>>()
                .join(",")
        }
        "true_false" => {
            let key = q.4 == "true";
            (if right { key } else { !key }).to_string()
        }
        "short_answer" => {
            if right {
                // Full-width, as many trainees type it.
                q.4.lines()
                    .next()
                    .unwrap_or_default()
                    .chars()
                    .map(|c| match c {
                        '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
                        _ => c,
                    })
                    .collect()
            } else {
                "末端治理".into()
            }
        }
        _ => essay.into(),
    }
}

const ESSAYS: [&str; 3] = [
    "以某化肥厂为例：先做现状调研，收集各车间的物耗、能耗和排污数据；再用权重打分法，按废物量、环境危害、清洁生产潜力和领导重视程度打分，合成氨车间得分最高，定为审核重点。",
    "我会先组织审核小组到现场查看，把排污量大、能耗高、问题明显的工段列为备选，再和车间主任讨论，选一个最容易出成效的作为重点。",
    "审核重点应该选全厂。",
];

/// Whether trainee number `n` answers bank question `i` correctly: abilities
/// and difficulties vary (every fifth question is hard), `skill` lowers a
/// whole class, so results spread and item analysis has something to show.
fn knows(n: usize, i: usize, skill: i64) -> bool {
    let ability = 100 - (n * 53 % 60) as i64 - skill;
    let difficulty = if i % 5 == 4 { 45 } else { 15 } + (i * 17 % 20) as i64;
    ((n * 31 + i * 7) % 100) as i64 + difficulty < ability + 40
}

/// Has trainee number `n` sit exam `exam_id` at `started`: answers every
/// question in `paper` (question id, index in [`BANK`]) a minute and a half
/// apart, and hands in unless `hand_in` is false.
#[allow(clippy::too_many_arguments)]
async fn sit(
    conn: &mut SqliteConnection,
    exam_id: i64,
    trainee_id: i64,
    n: usize,
    paper: &[(i64, usize)],
    started: i64,
    hand_in: bool,
    skill: i64,
) -> anyhow::Result<i64> {
    let attempt = exams::start_in(conn, trainee_id, exam_id, None, started)
        .await
        .map_err(|e| anyhow::anyhow!("starting a demo attempt: {e:?}"))?;
    let mut at = started + 60;
    for &(qid, index) in paper {
        let q = &BANK[index];
        let right = knows(n, index, skill);
        let response = answer(q, right, ESSAYS[n % ESSAYS.len()]);
        at += 90;
        exams::save_in(conn, trainee_id, attempt, qid, &response, at)
            .await
            .map_err(|e| anyhow::anyhow!("saving a demo answer: {e:?}"))?;
    }
    if hand_in {
        // Two minutes after the last answer: well inside every demo time limit.
        exams::submit_in(conn, trainee_id, attempt, at + 120)
            .await
            .map_err(|e| anyhow::anyhow!("handing in a demo attempt: {e:?}"))?;
    }
    Ok(attempt)
}

/// Grades what waits for a person in `exam_id` (at most `limit` answers):
/// essays by how much they say, unmatched short answers as wrong, with
/// feedback in Chinese as the instructors of the time would write it.
async fn grade_waiting(
    conn: &mut SqliteConnection,
    by: i64,
    exam_id: i64,
    limit: usize,
    at: i64,
) -> anyhow::Result<()> {
    let waiting = exams::waiting_answers(conn, exam_id).await?;
    for (attempt, question, response) in waiting.into_iter().take(limit) {
        let (points, feedback) = if response == ESSAYS[0] {
            ("9", "思路清晰，权重打分法运用得当。")
        } else if response == ESSAYS[1] {
            ("6", "方法可行，但缺少定量依据，建议使用权重打分法。")
        } else if response == ESSAYS[2] {
            ("1", "审核重点应是全厂中问题最突出的部位，而不是全厂。")
        } else {
            ("0", "应为“源头削减”：在污染产生之前减少它。")
        };
        exams::grade_in(conn, by, attempt, question, points, feedback, at)
            .await
            .map_err(|e| anyhow::anyhow!("grading a demo answer: {e:?}"))?;
    }
    Ok(())
}

pub struct Classes {
    pub cpa_course: i64,
    pub lecture_course: i64,
    pub iso_course: i64,
    pub cpa1999: i64,
    pub cpa2000: i64,
    pub cpa_full: i64,
    pub lecture_sh: i64,
    pub iso_past: i64,
}

/// Banks, exams and attempts: the two auditor classes' final examinations
/// (released, with resits), the next class's entrance assessment with answers
/// waiting for the demo instructor, an open quiz with attempts in progress, an open lecture quiz for the demo
/// trainee, and a released lecture quiz with the demo trainee's result.
pub async fn load(
    conn: &mut SqliteConnection,
    classes: &Classes,
    instructor: i64,
    instructor2: i64,
    trainee: i64,
    cohort: &[i64],
    now: i64,
) -> anyhow::Result<()> {
    let cpa_bank = insert_bank(conn, classes.cpa_course, &[], now - 1000 * DAY).await?;
    let final_paper: Vec<(i64, usize)> = [0, 1, 2, 3, 4, 8, 9, 10, 11, 13, 15, 17, 22, 28, 30]
        .into_iter()
        .map(|i| (cpa_bank[i], i))
        .collect();
    let final_ids: Vec<i64> = final_paper.iter().map(|p| p.0).collect();

    // The two auditor classes' final examinations, with a resit a week
    // later for whoever failed: all 70 passed in the end (DOMAIN.md), which
    // the certificates in the demo rest on.
    for (class, title, year, skill) in [
        (
            classes.cpa1999,
            (
                "第1期审核员培训班结业考试",
                "Auditor class 1 final examination",
            ),
            "1999-05-21",
            0,
        ),
        (
            classes.cpa2000,
            (
                "第2期审核员培训班结业考试",
                "Auditor class 2 final examination",
            ),
            "2000-04-21",
            5,
        ),
    ] {
        let opens = super::at(year);
        let exam = create_exam(
            conn,
            instructor,
            class,
            title,
            &final_ids,
            opens,
            opens + 10 * DAY,
            120,
            2,
            opens - 7 * DAY,
        )
        .await?;
        let members = if class == classes.cpa1999 {
            &cohort[..35]
        } else {
            &cohort[35..70]
        };
        for (n, &id) in members.iter().enumerate() {
            sit(
                conn,
                exam,
                id,
                n,
                &final_paper,
                opens + n as i64 * 60,
                true,
                skill,
            )
            .await?;
        }
        grade_waiting(conn, instructor, exam, usize::MAX, opens + 3 * DAY).await?;
        let failed: Vec<i64> = sqlx::query_scalar(
            "SELECT trainee_id FROM attempts WHERE exam_id = ? AND score * 100 < max_points * 60",
        )
        .bind(exam)
        .fetch_all(&mut *conn)
        .await?;
        for &id in &failed {
            let n = members.iter().position(|m| *m == id).unwrap_or(0);
            // Everyone who resat had studied: they know every answer.
            sit(
                conn,
                exam,
                id,
                n,
                &final_paper,
                opens + 7 * DAY + n as i64 * 60,
                true,
                -100,
            )
            .await?;
        }
        grade_waiting(conn, instructor, exam, usize::MAX, opens + 8 * DAY).await?;
        exams::release_in(conn, instructor, exam, None, opens + 11 * DAY)
            .await
            .map_err(|e| anyhow::anyhow!("releasing a demo exam: {e:?}"))?;
    }

    // The next auditor class's entrance assessment closed yesterday: 21
    // papers handed in, the essays waiting for the demo instructor.
    let entrance = create_exam(
        conn,
        instructor,
        classes.cpa_full,
        ("入学摸底测试", "Entrance assessment"),
        &final_ids,
        now - 5 * DAY,
        now - DAY,
        120,
        1,
        now - 6 * DAY,
    )
    .await?;
    for (n, &id) in cohort[70..91].iter().enumerate() {
        let started = now - 4 * DAY + n as i64 * 600;
        sit(conn, entrance, id, n, &final_paper, started, true, 5).await?;
    }
    grade_waiting(conn, instructor, entrance, 1, now - 2 * DAY).await?;

    // The current, full auditor class: a quiz open now, some attempts in progress.
    let quiz_paper: Vec<(i64, usize)> = [5, 6, 12, 14, 18, 23, 25, 29]
        .into_iter()
        .map(|i| (cpa_bank[i], i))
        .collect();
    let quiz_ids: Vec<i64> = quiz_paper.iter().map(|p| p.0).collect();
    let quiz = create_exam(
        conn,
        instructor,
        classes.cpa_full,
        ("阶段测验：审核程序", "Mid-course quiz: the audit procedure"),
        &quiz_ids,
        now - DAY,
        now + 6 * DAY,
        180,
        2,
        now - 2 * DAY,
    )
    .await?;
    for (n, &id) in cohort[70..76].iter().enumerate() {
        let in_progress = n >= 3;
        // In progress for two and a half hours after `academy demo`.
        let started = if in_progress {
            now - 15 * 60
        } else {
            now - DAY + 3600 * (n as i64 + 1)
        };
        sit(conn, quiz, id, n * 7, &quiz_paper, started, !in_progress, 0).await?;
    }

    // The lecture the demo trainee attends: an open quiz, not yet taken.
    let lecture_bank = insert_bank(conn, classes.lecture_course, &LECTURE, now - 30 * DAY).await?;
    let lecture_paper: Vec<(i64, usize)> = lecture_bank.iter().copied().zip(LECTURE).collect();
    let lecture_quiz = create_exam(
        conn,
        instructor2,
        classes.lecture_sh,
        ("讲座随堂测验", "Lecture quiz"),
        &lecture_bank,
        now - DAY,
        now + 14 * DAY,
        20,
        1,
        now - 3 * DAY,
    )
    .await?;
    for (n, &id) in cohort[10..15].iter().enumerate() {
        sit(
            conn,
            lecture_quiz,
            id,
            n * 11,
            &lecture_paper,
            now - 20 * 3600 + n as i64 * 600,
            true,
            0,
        )
        .await?;
    }
    grade_waiting(conn, instructor2, lecture_quiz, usize::MAX, now - 3600).await?;

    // A past ISO 14000 lecture: the demo trainee's released result, with feedback.
    let iso_bank = insert_bank(conn, classes.iso_course, &ISO_LECTURE, now - 400 * DAY).await?;
    let iso_paper: Vec<(i64, usize)> = iso_bank.iter().copied().zip(ISO_LECTURE).collect();
    let opens = now - 228 * DAY;
    let iso_quiz = create_exam(
        conn,
        instructor2,
        classes.iso_past,
        ("ISO 14000讲座测验", "ISO 14000 lecture quiz"),
        &iso_bank,
        opens,
        opens + 2 * DAY,
        30,
        1,
        opens - DAY,
    )
    .await?;
    // Trainee number 40 knows all but the hardest questions.
    sit(
        conn,
        iso_quiz,
        trainee,
        40,
        &iso_paper,
        opens + 3600,
        true,
        0,
    )
    .await?;
    grade_waiting(conn, instructor2, iso_quiz, usize::MAX, opens + DAY).await?;
    exams::release_in(conn, instructor2, iso_quiz, None, opens + DAY + 3600)
        .await
        .map_err(|e| anyhow::anyhow!("releasing a demo exam: {e:?}"))?;
    Ok(())
}
