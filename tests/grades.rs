//! 達成状況 grades are configurable per municipality: a municipality that sets S/A/B/C gets them on
//! its pages, charts and CSVs, while the others keep the site's ◎○△×, and the legend shows both.

mod common;

use common::copy_tree;
use std::path::Path;

#[test]
fn a_municipality_with_its_own_grades_shows_them_everywhere() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    copy_tree(&repo.join("content"), &site.join("content"));
    std::fs::copy(repo.join("kohyo.toml"), site.join("kohyo.toml")).unwrap();
    let muni = site.join("content/joso/municipality.toml");
    let text = std::fs::read_to_string(&muni).unwrap().replace(
        "code = \"082112\"\n",
        "code = \"082112\"\ngrades = [\n  { mark = \"S\", label = \"達成\" },\n  { mark = \"A\", label = \"ほぼ達成\", min_rate = 90 },\n  { mark = \"B\", label = \"やや遅れ\", min_rate = 70 },\n  { mark = \"C\", label = \"遅れ\" },\n]\n",
    );
    std::fs::write(&muni, text).unwrap();

    let out = dir.path().join("public");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_kohyo"))
        .args(["build", "--quiet", "--root"])
        .arg(&site)
        .arg("--output")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());

    // 転出者数 87.6% is B (70% or more) under 常総市's grades, not ○.
    let kpi = std::fs::read_to_string(out.join("joso/2024/kpi/index.html")).unwrap();
    let row = kpi.split("<tr>").find(|r| r.contains("転出者数")).unwrap();
    assert!(row.contains("87.6%"), "{row}");
    assert!(row.contains(">B<") && row.contains("やや遅れ"), "{row}");
    assert!(!row.contains("概ね達成"), "{row}");
    let csv = std::fs::read_to_string(out.join("joso/2024/kpi.csv")).unwrap();
    let line = csv.lines().find(|l| l.contains("転出者数")).unwrap();
    assert!(line.contains("B やや遅れ"), "{line}");

    // つくばみらい市 keeps the site's marks.
    let other = std::fs::read_to_string(out.join("tsukubamirai/2024/kpi/index.html")).unwrap();
    assert!(other.contains("◎") && !other.contains("やや遅れ"));

    // The legend shows the site's grades and 常総市's own.
    let legend = std::fs::read_to_string(out.join("legend/index.html")).unwrap();
    assert!(
        legend.contains("◎") && legend.contains("常総市の達成状況の記号と条件"),
        "legend"
    );
    assert!(legend.contains("目標未達成で、達成率が70%以上"));
}
