//! The plotters drawing backend of the charts: what plotters draws (the axes, grid lines, tick
//! marks and tick labels of a chart's mesh) goes straight into the chart's [`Svg`], in its
//! compact form. The series, markers, legends and notes are written into the same [`Svg`]
//! directly, with plotters' coordinate mapping; plotters' own SVG backend is not used.

use super::svg::{Paint, Stroke, Svg, TextClass};
use plotters::chart::ChartContext;
use plotters::coord::cartesian::Cartesian2d;
use plotters::coord::combinators::WithKeyPoints;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::DrawingBackend;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind, FontStyle,
};
use std::cell::RefCell;
use std::convert::Infallible;

/// A [`DrawingBackend`] writing into an [`Svg`] of `size` units. The [`Svg`] is shared: once
/// plotters has drawn the axes, the chart writes the rest into it directly while plotters' chart
/// is kept for its coordinate mapping.
pub(crate) struct Backend<'a> {
    svg: &'a RefCell<Svg>,
    size: (u32, u32),
}

impl<'a> Backend<'a> {
    /// A backend drawing into `svg`, whose viewBox is `size`.
    pub(crate) fn new(svg: &'a RefCell<Svg>, size: (u32, u32)) -> Backend<'a> {
        Backend { svg, size }
    }
}

/// A chart's axes as plotters lays them out and maps coordinates with: an integer x axis with
/// chosen key points (`X`), a value y axis.
pub(crate) type Axes<'a, X> =
    ChartContext<'a, Backend<'a>, Cartesian2d<WithKeyPoints<X>, RangedCoordf64>>;

/// Where a point `(x, y)` of the axes is in the SVG, from plotters' coordinate mapping.
pub(crate) type At<'a, X> = &'a dyn Fn(X, f64) -> (i32, i32);

/// The colour of a style, or `None` when it is transparent (plotters' way of drawing nothing).
fn visible(c: BackendColor) -> Option<(u8, u8, u8)> {
    (c.alpha > 0.0).then_some(c.rgb)
}

fn stroke<S: BackendStyle>(style: &S) -> Option<Stroke> {
    Some(Stroke {
        colour: visible(style.color())?,
        width: style.stroke_width(),
        dash: None,
    })
}

/// A filled shape, or an outlined one (with no fill).
fn paint<S: BackendStyle>(style: &S, fill: bool) -> Option<Paint> {
    let c = visible(style.color())?;
    Some(if fill {
        Paint {
            fill: Some(c),
            stroke: None,
        }
    } else {
        Paint {
            fill: None,
            stroke: Some((c, style.stroke_width())),
        }
    })
}

impl DrawingBackend for Backend<'_> {
    type ErrorType = Infallible;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Infallible>> {
        Ok(())
    }

    fn draw_pixel(
        &mut self,
        (x, y): BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        if let Some(p) = paint(&color, true) {
            self.svg.borrow_mut().rect((x, y), (x + 1, y + 1), p);
        }
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        if let Some(s) = stroke(style) {
            self.svg.borrow_mut().line([from, to], s);
        }
        Ok(())
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        if let Some(p) = paint(style, fill) {
            self.svg.borrow_mut().rect(upper_left, bottom_right, p);
        }
        Ok(())
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        if let Some(s) = stroke(style) {
            self.svg.borrow_mut().line(path, s);
        }
        Ok(())
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        if let Some(p) = paint(style, fill) {
            self.svg.borrow_mut().circle(center, radius, p);
        }
        Ok(())
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        if let Some(p) = paint(style, true) {
            self.svg
                .borrow_mut()
                .polygon(vert.into_iter().map(|(x, y)| (x * 10, y * 10)), p);
        }
        Ok(())
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Infallible>> {
        let Some(rgb) = visible(style.color()) else {
            return Ok(());
        };
        let class = TextClass::of(style.size(), matches!(style.style(), FontStyle::Bold), rgb);
        let anchor = style.anchor();
        self.svg
            .borrow_mut()
            .text(pos, class, (anchor.h_pos, anchor.v_pos), text);
        Ok(())
    }
}
