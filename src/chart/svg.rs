//! What every chart shares: the palette (checked for contrast), text measurement and wrapping for
//! Japanese, number formatting for axes, escaping, and [`Svg`], the writer of the compact,
//! accessible inline SVG every chart is drawn into.

use crate::escape::escape_into;
use crate::value::Number;
use plotters::style::text_anchor::{HPos, VPos};
use plotters::style::{FontFamily, IntoFont, RGBColor, TextStyle};
use std::cell::RefCell;
use std::rc::Rc;

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

/// A plotters text style of `px` units, for the axis labels plotters draws (the backend turns it
/// into a [`TextClass`]).
pub(crate) fn font(px: f64, colour: RGBColor) -> TextStyle<'static> {
    (FontFamily::SansSerif, px).into_font().color(&colour)
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
    s.chars().map(char_width_em).sum()
}

/// The estimated width of one character in ems (see [`text_width_em`]).
fn char_width_em(c: char) -> f64 {
    if (c as u32) < 0x2000 { 0.6 } else { 1.0 }
}

/// Breaks a text into lines of at most `max_em` ems. Japanese breaks between any two characters;
/// no character is lost.
pub(crate) fn wrap(s: &str, max_em: f64) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut width = 0.0;
    for c in s.chars() {
        let w = char_width_em(c);
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
    // In ten-thousandths, as an integer: exact for every value an axis of these charts reaches.
    let scaled = (v * 10_000.0).round();
    if !scaled.is_finite() || scaled.abs() >= 1e17 {
        return slow_tick(v);
    }
    let n = scaled as i64;
    let (int, frac) = (n.unsigned_abs() / 10_000, n.unsigned_abs() % 10_000);
    let mut out = String::with_capacity(24);
    if n < 0 {
        out.push('-');
    }
    // Below 1e13, so an i64.
    Number::from_i64(int as i64).push_grouped(&mut out);
    if frac != 0 {
        // Four decimals with the trailing zeros left off: 500 → 「05」.
        let (mut f, mut places) = (frac, 4);
        while f % 10 == 0 {
            f /= 10;
            places -= 1;
        }
        out.push('.');
        let mut unit = 10u64.pow(places - 1);
        while unit > 0 {
            out.push(char::from(b'0' + (f / unit % 10) as u8));
            unit /= 10;
        }
    }
    out
}

/// [`tick`] for values too large for its integer arithmetic.
fn slow_tick(v: f64) -> String {
    let s = format!("{v:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    let s = if s == "-0" { "0" } else { s };
    s.parse::<crate::value::Number>()
        .map(|n| n.grouped())
        .unwrap_or_else(|_| s.to_string())
}

/// Escapes text for SVG (and HTML) content and attribute values.
pub fn escape(s: &str) -> String {
    crate::escape::escape(s)
}

/// The kinds of text a chart writes, each a class styled by the theme (`.chart .th` …): size,
/// weight and colour live in the stylesheet, not on every `<text>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TextClass {
    /// The chart's heading: 14 px, bold, [`TEXT`].
    Heading,
    /// Axis labels, legend entries, row names: 13 px, [`TEXT`].
    Label,
    /// Values beside bars, notes: 12 px, [`TEXT`].
    Small,
    /// The 西暦 under a 和暦 year: 12 px, [`SUB`].
    Muted,
}

impl TextClass {
    /// Every class, for the check that the theme styles each one.
    #[cfg(test)]
    pub(crate) const ALL: [TextClass; 4] = [
        TextClass::Heading,
        TextClass::Label,
        TextClass::Small,
        TextClass::Muted,
    ];

    /// The class name.
    pub(crate) fn name(self) -> &'static str {
        match self {
            TextClass::Heading => "th",
            TextClass::Label => "tl",
            TextClass::Small => "ts",
            TextClass::Muted => "tm",
        }
    }

    /// The font size in SVG units.
    pub(crate) fn px(self) -> f64 {
        match self {
            TextClass::Heading => HEADING_PX,
            TextClass::Label => 13.0,
            TextClass::Small | TextClass::Muted => 12.0,
        }
    }

    /// The class of a plotters text style: bold is the heading, 12 px and less is small (muted in
    /// [`SUB`]), anything else a label.
    pub(crate) fn of(px: f64, bold: bool, rgb: (u8, u8, u8)) -> TextClass {
        if bold {
            TextClass::Heading
        } else if px <= 12.5 && rgb == (SUB.0, SUB.1, SUB.2) {
            TextClass::Muted
        } else if px <= 12.5 {
            TextClass::Small
        } else {
            TextClass::Label
        }
    }
}

/// How a line is stroked: its colour, width and dash (`on`, `off` units), or solid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stroke {
    /// The colour.
    pub(crate) colour: (u8, u8, u8),
    /// The width in SVG units.
    pub(crate) width: u32,
    /// Dash and gap lengths, or `None` for a solid line.
    pub(crate) dash: Option<(u32, u32)>,
}

impl Stroke {
    /// A solid line.
    pub(crate) fn solid(colour: RGBColor, width: u32) -> Stroke {
        Stroke {
            colour: (colour.0, colour.1, colour.2),
            width,
            dash: None,
        }
    }

    /// A dashed line: `on` units drawn, `off` units left out, from the first point.
    pub(crate) fn dashed(colour: RGBColor, width: u32, on: u32, off: u32) -> Stroke {
        Stroke {
            dash: Some((on, off)),
            ..Stroke::solid(colour, width)
        }
    }
}

/// A colour to fill a shape with, or to outline it with at a width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Paint {
    /// The fill, or `None` for a hollow shape.
    pub(crate) fill: Option<(u8, u8, u8)>,
    /// The outline colour and width, or `None`.
    pub(crate) stroke: Option<((u8, u8, u8), u32)>,
}

impl Paint {
    /// A solid shape.
    pub(crate) fn filled(c: RGBColor) -> Paint {
        Paint {
            fill: Some((c.0, c.1, c.2)),
            stroke: None,
        }
    }

    /// A white shape with a coloured outline `width` wide (the hollow markers and bars).
    pub(crate) fn outlined(c: RGBColor, width: u32) -> Paint {
        Paint {
            fill: Some((WHITE.0, WHITE.1, WHITE.2)),
            stroke: Some(((c.0, c.1, c.2), width)),
        }
    }
}

/// The SVG of one chart being written: one `String`, every element on its own line, no
/// allocation per element.
///
/// Lines are not written as they come: the lines of one [`Stroke`] drawn between two shapes
/// become one `<path>` (grid lines, axis and ticks, the runs of a series), written when the next
/// shape or the end comes, so that shapes drawn later stay on top of lines. Text takes a class ([`TextClass`]) instead of
/// font attributes; coordinates are whole units or one decimal.
///
/// The buffers are the thread's own, kept from one chart to the next ([`Buffers`]): a fresh
/// buffer of a few kilobytes per chart costs glibc a consolidation of its free lists each time.
pub(crate) struct Svg {
    out: String,
    /// Path data waiting to be written, one entry per stroke, in the order first drawn.
    pending: Vec<(Stroke, String)>,
    /// Emptied path buffers, for the next strokes.
    spare: Vec<String>,
}

/// The buffers an [`Svg`] writes into, between two charts.
#[derive(Default)]
struct Buffers {
    out: String,
    pending: Vec<(Stroke, String)>,
    spare: Vec<String>,
}

thread_local! {
    /// The buffers of the last chart this thread drew, empty but with their capacity.
    static BUFFERS: RefCell<Buffers> = RefCell::new(Buffers::default());
}

impl Drop for Svg {
    /// Gives the buffers back to the thread for its next chart.
    fn drop(&mut self) {
        let mut spare = std::mem::take(&mut self.spare);
        spare.extend(self.pending.drain(..).map(|(_, d)| d));
        let buffers = Buffers {
            out: std::mem::take(&mut self.out),
            pending: std::mem::take(&mut self.pending),
            spare,
        };
        // During the thread's exit the buffers are simply freed.
        let _ = BUFFERS.try_with(|b| *b.borrow_mut() = buffers);
    }
}

impl Svg {
    /// Starts a chart `size` units large: the root `<svg>` with `role="img"`, the classes `chart
    /// chart-{kind}`, a viewBox (no fixed size), and `aria-labelledby` naming the `<title>` and
    /// `<desc>` that follow it, whose ids start with `id`. Everything is escaped here.
    pub(crate) fn new(kind: &str, id: &str, title: &str, desc: &str, size: (u32, u32)) -> Svg {
        let Buffers {
            mut out,
            pending,
            spare,
        } = BUFFERS
            .try_with(|b| std::mem::take(&mut *b.borrow_mut()))
            .unwrap_or_default();
        out.clear();
        out.reserve(4096 + title.len() + desc.len());
        out.push_str("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ");
        int(&mut out, size.0);
        out.push(' ');
        int(&mut out, size.1);
        out.push_str("\" class=\"chart chart-");
        escape_into(&mut out, kind);
        out.push_str("\" role=\"img\" aria-labelledby=\"");
        escape_into(&mut out, id);
        out.push_str("-title ");
        escape_into(&mut out, id);
        out.push_str("-desc\">\n<title id=\"");
        escape_into(&mut out, id);
        out.push_str("-title\">");
        escape_into(&mut out, title);
        out.push_str("</title>\n<desc id=\"");
        escape_into(&mut out, id);
        out.push_str("-desc\">");
        escape_into(&mut out, desc);
        out.push_str("</desc>\n");
        Svg {
            out,
            pending,
            spare,
        }
    }

    /// A line through `points` (nothing for fewer than two), merged into the pending path of its
    /// stroke.
    pub(crate) fn line(&mut self, points: impl IntoIterator<Item = (i32, i32)>, stroke: Stroke) {
        let mut points = points.into_iter();
        let Some(first) = points.next() else { return };
        let Some(mut prev) = points.next() else {
            return;
        };
        let i = match self.pending.iter().position(|(s, _)| *s == stroke) {
            Some(i) => i,
            None => {
                let mut d = self.spare.pop().unwrap_or_default();
                d.clear();
                d.reserve(256);
                self.pending.push((stroke, d));
                self.pending.len() - 1
            }
        };
        let d = &mut self.pending[i].1;
        d.push('M');
        int(d, first.0);
        d.push(' ');
        int(d, first.1);
        segment(d, first, prev);
        for p in points {
            segment(d, prev, p);
            prev = p;
        }
    }

    /// Writes the pending paths (in the order their strokes were first drawn).
    pub(crate) fn flush(&mut self) {
        for (stroke, mut d) in self.pending.drain(..) {
            self.out.push_str("<path d=\"");
            self.out.push_str(&d);
            self.out.push_str("\" fill=\"none\"");
            colour_attr(&mut self.out, "stroke", stroke.colour);
            if stroke.width != 1 {
                self.out.push_str(" stroke-width=\"");
                int(&mut self.out, stroke.width);
                self.out.push('"');
            }
            if let Some((on, off)) = stroke.dash {
                self.out.push_str(" stroke-dasharray=\"");
                int(&mut self.out, on);
                self.out.push(' ');
                int(&mut self.out, off);
                self.out.push('"');
            }
            self.out.push_str("/>\n");
            d.clear();
            self.spare.push(d);
        }
    }

    /// A circle of radius `r` at `(cx, cy)`.
    pub(crate) fn circle(&mut self, (cx, cy): (i32, i32), r: u32, paint: Paint) {
        self.flush();
        self.out.push_str("<circle cx=\"");
        int(&mut self.out, cx);
        self.out.push_str("\" cy=\"");
        int(&mut self.out, cy);
        self.out.push_str("\" r=\"");
        int(&mut self.out, r);
        self.out.push('"');
        self.paint(paint);
    }

    /// A rectangle from its upper left to its lower right corner.
    pub(crate) fn rect(&mut self, from: (i32, i32), to: (i32, i32), paint: Paint) {
        self.flush();
        self.out.push_str("<rect x=\"");
        int(&mut self.out, from.0);
        self.out.push_str("\" y=\"");
        int(&mut self.out, from.1);
        self.out.push_str("\" width=\"");
        int(&mut self.out, to.0 - from.0);
        self.out.push_str("\" height=\"");
        int(&mut self.out, to.1 - from.1);
        self.out.push('"');
        self.paint(paint);
    }

    /// A closed, filled polygon through points in tenths of a unit.
    pub(crate) fn polygon(&mut self, tenths: impl IntoIterator<Item = (i32, i32)>, paint: Paint) {
        self.flush();
        self.out.push_str("<polygon points=\"");
        for (i, (x, y)) in tenths.into_iter().enumerate() {
            if i > 0 {
                self.out.push(' ');
            }
            decimal(&mut self.out, x);
            self.out.push(',');
            decimal(&mut self.out, y);
        }
        self.out.push('"');
        self.paint(paint);
    }

    /// A filled triangle pointing up, centred at `(x, y)`, with corners `size` units from the
    /// centre (the final target's marker).
    pub(crate) fn triangle(&mut self, (x, y): (i32, i32), size: i32, paint: Paint) {
        // cos 30° · size, in tenths.
        let half = (f64::from(size) * 8.660_254).round() as i32;
        let (x, y, s) = (x * 10, y * 10, size * 10);
        self.polygon(
            [(x, y - s), (x + half, y + s / 2), (x - half, y + s / 2)],
            paint,
        );
    }

    fn paint(&mut self, paint: Paint) {
        match paint.fill {
            Some(c) => colour_attr(&mut self.out, "fill", c),
            None => self.out.push_str(" fill=\"none\""),
        }
        if let Some((c, w)) = paint.stroke {
            colour_attr(&mut self.out, "stroke", c);
            if w != 1 {
                self.out.push_str(" stroke-width=\"");
                int(&mut self.out, w);
                self.out.push('"');
            }
        }
        self.out.push_str("/>\n");
    }

    /// A text at `(x, y)`: `h` says which end (or the middle) of the text is at `x`, `v` whether
    /// `y` is the top, middle or bottom of the line. The text is escaped here.
    pub(crate) fn text(
        &mut self,
        (x, y): (i32, i32),
        class: TextClass,
        (h, v): (HPos, VPos),
        s: &str,
    ) {
        // Where the baseline goes, from the top, middle or bottom of the line, in ems.
        let shift = match v {
            VPos::Top => 0.76,
            VPos::Center => 0.32,
            VPos::Bottom => -0.24,
        };
        let y10 = y * 10 + (shift * class.px() * 10.0).round() as i32;
        self.out.push_str("<text x=\"");
        int(&mut self.out, x);
        self.out.push_str("\" y=\"");
        decimal(&mut self.out, y10);
        self.out.push_str("\" class=\"");
        self.out.push_str(class.name());
        self.out.push_str(match h {
            HPos::Left => "",
            HPos::Center => " am",
            HPos::Right => " ae",
        });
        self.out.push_str("\">\n");
        escape_into(&mut self.out, s);
        self.out.push_str("\n</text>\n");
    }

    /// The chart's heading: `lines` one under another from `(pad, pad)`.
    pub(crate) fn heading(&mut self, lines: &[String], pad: i32) {
        for (i, line) in lines.iter().enumerate() {
            let y = pad + i as i32 * HEADING_LINE;
            self.text((pad, y), TextClass::Heading, (HPos::Left, VPos::Top), line);
        }
    }

    /// The finished `<svg>` element, in an allocation of its own size (the buffer stays with the
    /// thread).
    pub(crate) fn finish(mut self) -> Rc<str> {
        self.flush();
        self.out.push_str("</svg>");
        Rc::from(self.out.as_str())
    }
}

/// The path data from `from` to `to` (the pen is at `from`): `H` or `V` when the line is
/// horizontal or vertical, and nothing when it goes nowhere.
fn segment(d: &mut String, from: (i32, i32), to: (i32, i32)) {
    match (from.0 == to.0, from.1 == to.1) {
        (true, true) => {}
        (false, true) => {
            d.push('H');
            int(d, to.0);
        }
        (true, false) => {
            d.push('V');
            int(d, to.1);
        }
        (false, false) => {
            d.push('L');
            int(d, to.0);
            d.push(' ');
            int(d, to.1);
        }
    }
}

/// ` name="#RRGGBB"`.
fn colour_attr(out: &mut String, name: &str, (r, g, b): (u8, u8, u8)) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"#");
    for byte in [r, g, b] {
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0xf)]));
    }
    out.push('"');
}

/// A number of tenths as a decimal with at most one decimal place: 305 → 「30.5」, 300 → 「30」.
fn decimal(out: &mut String, tenths: i32) {
    if tenths < 0 {
        out.push('-');
    }
    let t = tenths.unsigned_abs();
    int(out, t / 10);
    if t % 10 != 0 {
        out.push('.');
        int(out, t % 10);
    }
}

/// Appends an integer in decimal, as `write!(out, "{n}")` does, without the formatting machinery
/// (which was a fifth of a chart's instructions when every coordinate went through it).
pub(crate) fn int(out: &mut String, n: impl Into<i64>) {
    crate::value::push_int(out, n.into());
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
        assert_eq!(tick(-0.25), "-0.25");
        assert_eq!(tick(0.00004), "0");
        assert_eq!(tick(12_345.678_9), "12,345.6789");
        assert_eq!(tick(98.36 - 97.91), "0.45");
        assert_eq!(tick(0.05), "0.05");
        assert_eq!(tick(1.0001), "1.0001");
        assert_eq!(tick(-1234.5), "-1,234.5");
        // Beyond the integer arithmetic, the same words.
        assert_eq!(tick(1e20), "100,000,000,000,000,000,000");
        assert_eq!(tick(-2.5e18), "-2,500,000,000,000,000,000");
    }

    #[test]
    fn tenths_and_colours_read_as_formatted_by_std() {
        for (tenths, text) in [
            (0, "0"),
            (5, "0.5"),
            (-5, "-0.5"),
            (305, "30.5"),
            (-300, "-30"),
        ] {
            let mut out = String::new();
            decimal(&mut out, tenths);
            assert_eq!(out, text);
        }
        let mut out = String::new();
        colour_attr(&mut out, "fill", (0x0a, 0xb3, 0xff));
        assert_eq!(out, " fill=\"#0AB3FF\"");
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
    fn the_theme_styles_every_text_class() {
        let css = include_str!("../../themes/default/static/style.css");
        for class in TextClass::ALL {
            let rule = format!(".chart .{} {{ font-size: {}px;", class.name(), class.px());
            assert!(css.contains(&rule), "style.css lacks {rule}");
        }
        for anchor in [
            ".chart .am { text-anchor: middle; }",
            ".chart .ae { text-anchor: end; }",
        ] {
            assert!(css.contains(anchor), "style.css lacks {anchor}");
        }
    }

    #[test]
    fn writes_compact_escaped_svg() {
        let mut svg = Svg::new("k", "i\"d", "<t>", "d&", (400, 100));
        let grid = Stroke::solid(GRID, 1);
        svg.line([(0, 10), (100, 10)], grid);
        svg.line([(0, 20), (100, 20)], grid);
        svg.line([(0, 0), (0, 50), (20, 60)], Stroke::dashed(BLUE, 2, 6, 4));
        svg.circle((5, 5), 4, Paint::filled(BLUE));
        svg.line([(1, 1), (2, 2)], grid);
        svg.text((3, 4), TextClass::Label, (HPos::Right, VPos::Top), "a<b");
        svg.triangle((10, 10), 6, Paint::filled(ORANGE));
        let out = svg.finish();
        assert!(out.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 400 100\" class=\"chart chart-k\" role=\"img\" aria-labelledby=\"i&quot;d-title i&quot;d-desc\">\n<title id=\"i&quot;d-title\">&lt;t&gt;</title>\n<desc id=\"i&quot;d-desc\">d&amp;</desc>\n"), "{out}");
        let body: Vec<&str> = out.lines().skip(3).collect();
        assert_eq!(
            body,
            [
                // Both grid lines in one path, written before the circle that followed them.
                "<path d=\"M0 10H100M0 20H100\" fill=\"none\" stroke=\"#D8D8DB\"/>",
                "<path d=\"M0 0V50L20 60\" fill=\"none\" stroke=\"#0031D8\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>",
                "<circle cx=\"5\" cy=\"5\" r=\"4\" fill=\"#0031D8\"/>",
                // 13 px text from its top: the baseline 0.76 em lower.
                "<text x=\"3\" y=\"13.9\" class=\"tl ae\">",
                "a&lt;b",
                "</text>",
                "<path d=\"M1 1L2 2\" fill=\"none\" stroke=\"#D8D8DB\"/>",
                "<polygon points=\"10,4 15.2,13 4.8,13\" fill=\"#B34A00\"/>",
                "</svg>",
            ]
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
