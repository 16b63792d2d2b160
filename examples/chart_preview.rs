//! Writes one HTML page with the charts of a site's first project sheets (indicator and budget
//! charts) and a status chart, styled by the theme's stylesheet, to look at in a browser or to
//! screenshot:
//!
//! ```sh
//! cargo run --release --example chart_preview -- [ROOT] [OUT.html] [SHEETS]
//! chromium --headless --screenshot=/tmp/charts.png --window-size=1040,2400 file:///tmp/charts.html
//! ```
//!
//! ROOT is the sample by default, OUT.html `/tmp/charts.html`, SHEETS 3.

use kohyo::chart::{self, history};
use kohyo::model::Indicator;
use std::path::PathBuf;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let root = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    let out = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/charts.html"));
    let sheets: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(3);
    let (site, report) = kohyo::check(&root);
    let Some(site) = site else {
        anyhow::bail!("{}", report.render(false));
    };
    let config = &site.config.achievement;
    let mut svgs = Vec::new();
    let mut n = 0;
    for m in &site.municipalities {
        for h in m.projects.values() {
            for (&y, p) in h {
                if n == sheets {
                    break;
                }
                n += 1;
                for (i, a) in p.activities.iter().enumerate() {
                    for (j, ind) in a.indicators.iter().enumerate() {
                        let joined = history::output_indicator(h, y, &a.name, &ind.id);
                        let id = format!("c{n}-{i}-{j}");
                        if let Some(ind) = joined {
                            svgs.extend(chart::indicator_chart(&ind, Some(y), &id, config)?);
                        }
                    }
                }
                let rows = history::money_rows(h, y);
                svgs.extend(chart::budget_chart(
                    &rows,
                    p.money_unit,
                    &p.name,
                    &format!("b{n}"),
                )?);
            }
        }
        if let Some(y) = m.latest_year() {
            let inds: Vec<&Indicator> = m.projects_in(y).flat_map(|p| p.indicators()).collect();
            let counts = chart::status_counts(inds, y, &m.achievement);
            svgs.push(chart::status_chart(
                &counts,
                &m.name,
                &format!("s-{}", m.slug),
            )?);
        }
    }
    let css = include_str!("../themes/default/static/style.css");
    let mut html = format!(
        "<!doctype html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\"><title>charts</title>\n<style>{css}</style></head>\n<body><main class=\"container\"><h1>charts</h1><div class=\"charts\">\n"
    );
    for c in &svgs {
        html.push_str("<div class=\"chart-box\">");
        html.push_str(&c.svg);
        html.push_str("</div>\n");
    }
    html.push_str("</div></main></body></html>\n");
    std::fs::write(&out, html)?;
    println!("{} charts -> {}", svgs.len(), out.display());
    Ok(())
}
