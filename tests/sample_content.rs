//! The sample site in `content/` is a faithful transcription of the seed documents in
//! `../shared/seeds/`. These tests pin values read off the seeds by hand, so a transcription or
//! loader change that loses or alters one fails here.

use kohyo::fiscal_year::FiscalYear;
use kohyo::model::{Direction, Indicator, IndicatorKind, Municipality, Site};
use kohyo::value::{Amount, MoneyUnit, Value, Yen};
use std::path::Path;
use std::sync::OnceLock;

fn site() -> &'static Site {
    static SITE: OnceLock<Site> = OnceLock::new();
    SITE.get_or_init(|| {
        let (site, report) = kohyo::check(Path::new(env!("CARGO_MANIFEST_DIR")));
        site.unwrap_or_else(|| panic!("sample site does not check:\n{}", report.render(false)))
    })
}

fn muni(slug: &str) -> &'static Municipality {
    site()
        .municipalities
        .iter()
        .find(|m| m.slug == slug)
        .unwrap()
}

fn fy(y: i64) -> FiscalYear {
    FiscalYear::new(y).unwrap()
}

fn num(s: &str) -> Value {
    Value::Measured(s.parse().unwrap())
}

#[test]
fn municipalities_carry_their_real_codes() {
    let codes: Vec<(String, String, String)> = site()
        .municipalities
        .iter()
        .map(|m| (m.slug.clone(), m.name.clone(), m.code.to_string()))
        .collect();
    assert_eq!(
        codes,
        [
            ("joso".into(), "常総市".into(), "082112".into()),
            ("shimotsuma".into(), "下妻市".into(), "082104".into()),
            (
                "tsukubamirai".into(),
                "つくばみらい市".into(),
                "082350".into()
            ),
        ]
    );
}

#[test]
fn joso_koiki_gyosei_budget_in_thousand_yen() {
    // seeds/000: 常総広域事務組合への負担金の支払い, Ｒ７予算額 255,615 千円, 決算額 blank.
    let p = &muni("joso").projects["koiki-gyosei"][&fy(2025)];
    assert_eq!(p.money_unit, MoneyUnit::ThousandYen);
    assert_eq!(p.activities.len(), 9);
    let pay = |name: &str| p.activities.iter().find(|a| a.name == name).unwrap();
    let a = pay("常総広域事務組合への負担金の支払い");
    assert_eq!(a.budget, Amount::Yen(Yen(255_615_000)));
    assert_eq!(a.settlement, Amount::NotReported);
    assert!(
        a.indicators.is_empty(),
        "the 指標 cell is 「－」: no output indicator"
    );
    assert_eq!(
        pay("下妻広域事務組合への負担金の支払い").budget,
        Amount::Yen(Yen(83_437_000))
    );
    assert_eq!(
        pay("西南広域事務組合への負担金の支払い").budget,
        Amount::Yen(Yen(12_317_000))
    );
    // Attendance rows: 0 千円 budgeted (a measured zero), targets 「－」, R7 actual blank.
    let meeting = pay("常総広域事務組合管理者会・定例会への出席");
    assert_eq!(meeting.budget, Amount::Yen(Yen(0)));
    assert_eq!(meeting.indicators.len(), 2);
    for i in &meeting.indicators {
        assert_eq!(i.target(fy(2025)), &Value::NotApplicable);
        assert_eq!(i.target(fy(2027)), &Value::NotApplicable);
        assert_eq!(i.actual(fy(2025)), &Value::NotReported);
    }
    // ④ 職員研修（各職層）への参加者数 target 141 (１４１ in the seed), actual blank.
    let o = &p.outcomes[0];
    assert_eq!(o.unit.as_deref(), Some("人"));
    assert_eq!(o.target(fy(2025)), &num("141"));
    assert_eq!(o.actual(fy(2025)), &Value::NotReported);
    let review = p.review.as_ref().unwrap();
    assert!(review.room_for_improvement.is_empty() && review.reflection.is_none());
}

fn outcome<'a>(p: &'a kohyo::model::Project, name: &str) -> &'a Indicator {
    p.outcomes.iter().find(|i| i.name == name).unwrap()
}

#[test]
fn joso_sheet_124_outcomes() {
    // seeds/002: 転出者数 target 「R9年度 2,700人」, R6 actual 3,083人; fewer is better.
    let p = &muni("joso").projects["124"][&fy(2024)];
    assert_eq!(p.sheet_no.as_deref(), Some("124"));
    assert_eq!(p.created.as_deref(), Some("2025-05-16"));
    assert_eq!(p.owners[0].section.as_deref(), Some("常創戦略課"));
    let t = outcome(p, "転出者数");
    assert_eq!(t.direction, Direction::Down);
    assert_eq!(t.unit.as_deref(), Some("人"));
    let ft = t.final_target.as_ref().unwrap();
    assert_eq!((ft.value.clone(), ft.year), (num("2700"), Some(fy(2027))));
    assert_eq!(t.actual(fy(2024)), &num("3083"));
    let a = kohyo::compute::assess(t, fy(2024), &site().config.achievement);
    assert_eq!(a.rate_display().as_deref(), Some("87.6"));
    assert!(!a.achieved());
    let e = outcome(p, "民間企業×教育機関の事業実施数");
    assert_eq!(
        (e.target(fy(2024)), e.actual(fy(2024))),
        (&num("2"), &num("2"))
    );
    // 改善の余地: 活動 and 成果 checked, コスト and その他 not.
    use kohyo::model::Improvement;
    assert_eq!(
        p.review.as_ref().unwrap().room_for_improvement,
        [Improvement::Activity, Improvement::Result]
    );
    // 鬼怒中学校 (R6 only): R7 targets are 「－」.
    let kinu = p
        .activities
        .iter()
        .find(|a| a.name == "鬼怒中学校総合学習プログラム")
        .unwrap();
    assert!(
        kinu.indicators
            .iter()
            .all(|i| i.target(fy(2025)) == &Value::NotApplicable)
    );
    assert_eq!(kinu.related_sections.len(), 0);
    let tsukuba = p
        .activities
        .iter()
        .find(|a| a.name.starts_with("筑波大学"))
        .unwrap();
    assert_eq!(tsukuba.related_sections, ["指導課"]);
}

fn node_indicator<'a>(m: &'a Municipality, name: &str) -> &'a Indicator {
    m.plans
        .iter()
        .flat_map(|p| p.nodes())
        .flat_map(|(_, n)| n.indicators.iter())
        .find(|i| i.name == name)
        .unwrap_or_else(|| panic!("no indicator {name}"))
}

#[test]
fn shimotsuma_plan_indicators() {
    // seeds/004: 目標指標, 現状値（令和4年）, 目標値（令和9年）.
    let m = muni("shimotsuma");
    let plan = &m.plans[0];
    assert_eq!(plan.period, Some((fy(2023), fy(2027))));
    let check =
        |name: &str, base: &str, target: &str, unit: &str, dir: Direction, kind: IndicatorKind| {
            let i = node_indicator(m, name);
            let b = i.baseline.as_ref().unwrap();
            let t = i.final_target.as_ref().unwrap();
            assert_eq!(b.value, num(base), "{name} baseline");
            assert_eq!(t.value, num(target), "{name} target");
            assert_eq!(t.year, Some(fy(2027)), "{name} target year");
            assert_eq!(i.unit.as_deref(), Some(unit), "{name} unit");
            assert_eq!(i.direction, dir, "{name} direction");
            assert_eq!(i.kind, Some(kind), "{name} kind");
        };
    use Direction::*;
    use IndicatorKind::*;
    check("市税徴収率", "97.91", "98.36", "%", Up, Administrative);
    check("市税収入未済額", "109829", "83194", "千円", Down, Citizen);
    check(
        "活動指標・成果指標の目標を「達成できた」事業の割合",
        "49.4",
        "60",
        "%",
        Up,
        Administrative,
    );
    check(
        "住民一人当たりの行政コスト",
        "38",
        "37",
        "万円",
        Down,
        Administrative,
    );
    check(
        "企業広告に係る収入額",
        "1592000",
        "1592000",
        "円",
        Keep,
        Administrative,
    );
    check("有形固定資産減価償却率", "61", "61", "%", Keep, Citizen);
    // The one baseline with its own year: 0%(H29年).
    let floor = node_indicator(m, "公共施設の延床面積の削減(削減率)");
    assert_eq!(floor.baseline.as_ref().unwrap().year, Some(fy(2017)));
    // 85.0% keeps its printed scale.
    let i = node_indicator(
        m,
        "「男性は仕事、女性は家庭」という考え方に同感しない市民の割合",
    );
    assert_eq!(
        i.final_target
            .as_ref()
            .unwrap()
            .value
            .number()
            .unwrap()
            .plain(),
        "85.0"
    );
}

#[test]
fn shimotsuma_plan_tree() {
    let plan = &muni("shimotsuma").plans[0];
    let count = |depth: usize| plan.nodes().iter().filter(|(d, _)| *d == depth).count();
    // まちづくりの目標6 → 基本施策 2 → 分野施策 3 + 7 → 取り組み 9 + 26.
    assert_eq!((count(0), count(1), count(2), count(3)), (1, 2, 10, 35));
    let path = plan.find("6-2-6-4").unwrap();
    let codes: Vec<&str> = path.iter().map(|n| n.code.as_str()).collect();
    assert_eq!(codes, ["6", "6-2", "6-2-6", "6-2-6-4"]);
    assert_eq!(path[3].title, "広域連携の推進");
    let indicators: usize = plan.nodes().iter().map(|(_, n)| n.indicators.len()).sum();
    assert_eq!(indicators, 9 + 14);
    let roadmap: Vec<_> = plan
        .nodes()
        .iter()
        .flat_map(|(_, n)| n.roadmap.iter())
        .collect();
    assert_eq!(roadmap.len(), 8 + 16);
    assert_eq!(roadmap.iter().filter(|r| r.leading).count(), 2 + 5);
    assert_eq!(plan.find("6-1-3-1").unwrap()[3].sdgs, [5, 10]);
}

fn kpi(number: &str) -> &'static Indicator {
    let key = kohyo::model::ActionKey::parse(number).unwrap();
    let a = &muni("tsukubamirai").actions[&key][&fy(2024)];
    a.goal.as_ref().unwrap().kpi.as_ref().unwrap()
}

#[test]
fn tsukubamirai_action_items() {
    // seeds/003: 23 action items, 1-(1) … 5-⑤, reported for 2024年度.
    let m = muni("tsukubamirai");
    let numbers: Vec<&str> = m.actions_in(fy(2024)).map(|a| a.number.as_str()).collect();
    assert_eq!(
        numbers,
        [
            "1-(1)", "1-2", "1-3", "1-4", "2-1", "2-(2)", "2-3", "2-④", "3-1", "3-2", "3-3", "3-④",
            "3-⑤", "3-6", "4-1", "4-2", "4-3", "4-④", "5-①", "5-②", "5-3", "5-④", "5-⑤"
        ]
    );
    let c = &site().config.achievement;
    // 【受験倍率 10 倍以上】 → 11倍 (2024年度): achieved.
    assert!(kohyo::compute::assess(kpi("1-2"), fy(2024), c).achieved());
    // 【時間外勤務時間数 360 時間…超過者数 0 人】 → 5人: fewer is better, not achieved.
    let over = kpi("2-④");
    assert_eq!(
        (over.direction, over.actual(fy(2024))),
        (Direction::Down, &num("5"))
    );
    assert!(!kohyo::compute::assess(over, fy(2024), c).achieved());
    // 【実質公債費比率 7.2%(2027 年度)】 → 7.1% (2024年度): the final target has its own year.
    let ratio = kpi("3-1");
    assert_eq!(ratio.final_target.as_ref().unwrap().year, Some(fy(2027)));
    assert_eq!(ratio.actual(fy(2024)), &num("7.1"));
    // 【寄附金年間受入額 40 億円(2027 年度)】 → 23億1千万円.
    assert_eq!(kpi("3-⑤").actual(fy(2024)), &num("23.1"));
    assert_eq!(kpi("3-⑤").unit.as_deref(), Some("億円"));
    // サービス利用満足度 was not measured in 2024: blank, with the printed reason as a note.
    let sat = kpi("4-2");
    assert_eq!(sat.actual(fy(2024)), &Value::NotReported);
    assert!(
        sat.actuals[&fy(2024)]
            .note
            .as_deref()
            .unwrap()
            .contains("評価するには至らなかった")
    );
    // 進捗状況 of 1-(1): 順調, 未着手, 順調.
    use kohyo::model::Progress;
    let first = &m.actions[&kohyo::model::ActionKey::parse("1-1").unwrap()][&fy(2024)];
    let progress: Vec<_> = first.measures.iter().map(|x| x.progress).collect();
    assert_eq!(
        progress,
        [
            Some(Progress::OnTrack),
            Some(Progress::NotStarted),
            Some(Progress::OnTrack)
        ]
    );
}
