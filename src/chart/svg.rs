//! What every chart shares: the palette (checked for contrast), text measurement and wrapping for
//! Japanese, number formatting for axes, escaping, and the post-processing that turns plotters'
//! output into an accessible inline SVG.

use plotters::style::{FontFamily, FontStyle, IntoFont, RGBColor, TextStyle};

/// Body text, #1a1a1c (the theme's text colour).
pub(crate) const TEXT: RGBColor = RGBColor(0x1a, 0x1a, 0x1c);
/// Secondary text and the axes, #4d4d50 (8.5:1 on white).
pub(crate) const SUB: RGBColor = RGBColor(0x4d, 0x4d, 0x50);
/// Grid lines: decorative, so lighter than the 3:1 the data needs.
pub(crate) const GRID: RGBColor = RGBColor(0xd8, 0xd8, 0xdb);
/// 実績値 and 予算額: the theme's link blue #0031d8.
pub(crate) const BLUE: RGBColor = RGBColor(0x00, 0x31, 0xd8);
/// 目標値, 最終目標 and 決算額: a dark orange #b34a00.
pub(crate) const ORANGE: RGBColor = RGBColor(0xb3, 0x4a, 0x00);
/// 現状値 and unassessed states: grey #4d4d50.
pub(crate) const GREY: RGBColor = SUB;
/// 目標達成: the theme's green #115a36.
pub(crate) const GREEN: RGBColor = RGBColor(0x11, 0x5a, 0x36);
/// 未達成 (below 50%): the theme's red #a51d1d.
pub(crate) const RED: RGBColor = RGBColor(0xa5, 0x1d, 0x1d);
/// The white the charts sit on.
pub(crate) const WHITE: RGBColor = RGBColor(0xff, 0xff, 0xff);

/// Every colour that draws data, with its name, for the contrast check.
pub const DATA_COLOURS: [(&str, (u8, u8, u8)); 5] = [
    ("実績値・予算額", (0x00, 0x31, 0xd8)),
    ("目標値・決算額", (0xb3, 0x4a, 0x00)),
    ("現状値・評価できない指標", (0x4d, 0x4d, 0x50)),
    ("目標達成", (0x11, 0x5a, 0x36)),
    ("未達成", (0xa5, 0x1d, 0x1d)),
];

/// The WCAG 2 contrast ratio of two sRGB colours (1 to 21).
pub fn contrast_ratio(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    fn channel(c: u8) -> f64 {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    }
    let lum =
        |(r, g, b): (u8, u8, u8)| 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    let (la, lb) = (lum(a), lum(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// A text style of `px` pixels. The SVG backend writes `size ÷ 1.24` as the font size; the
/// post-processing rounds it back to `px`.
pub(crate) fn font(px: f64, colour: RGBColor) -> TextStyle<'static> {
    (FontFamily::SansSerif, px * 1.24)
        .into_font()
        .color(&colour)
}

/// The bold style of the heading each chart shows above itself.
pub(crate) fn heading_font() -> TextStyle<'static> {
    (FontFamily::SansSerif, HEADING_PX * 1.24, FontStyle::Bold)
        .into_font()
        .color(&TEXT)
}

/// The heading's size and line height.
pub(crate) const HEADING_PX: f64 = 14.0;
/// The line height of the heading.
pub(crate) const HEADING_LINE: i32 = 20;

/// The heading's lines: the chart's subject, wrapped to the chart's width less `pad` each side.
pub(crate) fn heading_lines(text: &str, width: u32, pad: i32) -> Vec<String> {
    wrap(text, (f64::from(width) - 2.0 * f64::from(pad)) / HEADING_PX)
}

/// The estimated width of a text in ems: full-width characters 1, the rest 0.6. Used only to lay
/// out legends and wrap notes, never to measure for the reader.
pub(crate) fn text_width_em(s: &str) -> f64 {
    s.chars()
        .map(|c| if (c as u32) < 0x2000 { 0.6 } else { 1.0 })
        .sum()
}

/// Breaks a text into lines of at most `max_em` ems. Japanese breaks between any two characters;
/// no character is lost.
pub(crate) fn wrap(s: &str, max_em: f64) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut width = 0.0;
    for c in s.chars() {
        let w = text_width_em(c.encode_utf8(&mut [0; 4]));
        if width + w > max_em && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            width = 0.0;
        }
        line.push(c);
        width += w;
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// An axis value as shown: thousands grouped, at most four decimals, no float noise
/// (`2500` → 「2,500」, `0.30000000000000004` → 「0.3」).
pub(crate) fn tick(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    let s = if s == "-0" { "0" } else { s };
    s.parse::<crate::value::Number>()
        .map(|n| n.grouped())
        .unwrap_or_else(|_| s.to_string())
}

/// Escapes text for SVG (and HTML) content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Turns plotters' SVG into the inline SVG pages embed: the root gets `role="img"`, the classes
/// `chart chart-{kind}`, a viewBox
/// instead of a fixed size, `aria-labelledby` pointing at a `<title>` and a `<desc>` whose ids
/// start with `id`; font sizes are rounded to what was asked for and the default attributes
/// (`opacity="1"`) dropped.
pub(crate) fn finish(raw: &str, kind: &str, id: &str, title: &str, desc: &str) -> String {
    let body = match raw.find('>') {
        Some(i) if raw.starts_with("<svg") => &raw[i + 1..],
        _ => raw,
    };
    let viewbox = attr(raw, "viewBox").unwrap_or_default();
    let id = escape(id);
    let mut out = String::with_capacity(raw.len() + title.len() + desc.len() + 256);
    out.push_str(&format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"{}\" class=\"chart chart-{}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\">\n<title id=\"{id}-title\">{}</title>\n<desc id=\"{id}-desc\">{}</desc>",
        escape(&viewbox),
        escape(kind),
        escape(title),
        escape(desc)
    ));
    for line in body.lines() {
        if line.is_empty() {
            continue;
        }
        out.push_str(&tidy_line(line));
        out.push('\n');
    }
    while out.ends_with('\n') {
        out.pop();
    }
    out
}

/// The value of the first `name="…"` attribute in `s`.
fn attr(s: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = s.find(&key)? + key.len();
    let end = start + s[start..].find('"')?;
    Some(s[start..end].to_string())
}

/// One line of plotters' output without its redundant attributes, with font sizes rounded.
/// Most lines (paths, lines, text content) have neither, and are copied as they are.
fn tidy_line(line: &str) -> String {
    let mut l = if line.contains(" opacity=\"1\"") {
        line.replace(" opacity=\"1\"", "")
    } else {
        line.to_string()
    };
    if !l.contains(" font-size=\"") {
        return l;
    }
    if let Some(size) = attr(&l, "font-size") {
        if let Ok(v) = size.parse::<f64>() {
            let rounded = tick((v * 10.0).round() / 10.0).replace(',', "");
            l = l.replace(
                &format!(" font-size=\"{size}\""),
                &format!(" font-size=\"{rounded}\""),
            );
        }
    }
    l
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_have_no_float_noise() {
        assert_eq!(tick(2500.0), "2,500");
        assert_eq!(tick(0.1 + 0.2), "0.3");
        assert_eq!(tick(-0.0), "0");
        assert_eq!(tick(97.5), "97.5");
        assert_eq!(tick(1_592_000.0), "1,592,000");
        assert_eq!(tick(-1200.0), "-1,200");
    }

    #[test]
    fn wraps_without_losing_characters() {
        let s = "常総広域事務組合企画財政課担当課長会議への出席（R7）";
        let lines = wrap(s, 10.0);
        assert_eq!(lines.concat(), s);
        assert!(lines.iter().all(|l| text_width_em(l) <= 10.0));
        assert_eq!(wrap("", 5.0), Vec::<String>::new());
    }

    #[test]
    fn escapes_all_five() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn data_colours_meet_three_to_one_on_white() {
        for (name, rgb) in DATA_COLOURS {
            let r = contrast_ratio(rgb, (255, 255, 255));
            assert!(r >= 3.0, "{name} {rgb:?} is {r:.2}:1");
        }
        // The check itself: black on white is 21:1, white on white 1:1.
        assert!((contrast_ratio((0, 0, 0), (255, 255, 255)) - 21.0).abs() < 1e-9);
        assert!((contrast_ratio((255, 255, 255), (255, 255, 255)) - 1.0).abs() < 1e-9);
        // The constants used for drawing are the ones checked.
        for (c, listed) in [BLUE, ORANGE, GREY, GREEN, RED]
            .into_iter()
            .zip(DATA_COLOURS)
        {
            assert_eq!((c.0, c.1, c.2), listed.1);
        }
    }
}
