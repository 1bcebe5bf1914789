//! A small SVG writer for the report's charts, and the formatting the charts and the HTML page
//! share: escaping, shortening, numbers.
//!
//! # Why hand-written, not a charting crate
//!
//! The candidate was `plotters` (0.3, with its `SVGBackend`). It was not taken because:
//!
//! - **Fonts.** plotters measures text to lay out labels, and for that needs a font backend:
//!   its default `ttf` feature goes through `font-kit`, which loads *system* fonts (fontconfig
//!   and freetype on Linux), and the alternative `ab_glyph` feature wants font bytes embedded by
//!   the caller. Either way the output depends on fonts the library should not need: a chart here
//!   is SVG `<text>` with a generic `font-family`, and the viewer (a browser, a PDF printer)
//!   draws it with whatever font it has.
//! - **Determinism.** The report promises the same bytes for the same figures (golden files
//!   pin them). A writer of a few hundred lines whose every number goes through one formatter
//!   (`{:.1}`) gives that by construction; with a crate, every upgrade could move bytes.
//! - **What a finance reader needs** is specific: money ticks (`100k`, `1M`, `10M`) on a log
//!   axis, a log probability axis in percentages, dash patterns as well as colours, `<title>`
//!   and `<desc>` for screen readers. plotters' log axes label in plain numbers and would need a
//!   formatter and a legend style of our own anyway, so most of the work is ours in both cases.
//! - **Weight.** plotters, with its dependencies, would be the largest part of the build for
//!   three charts of lines, bars and points; no new dependency is needed without it.
//!
//! The cost: text widths are estimated (0.6 em a character), not measured, so labels are
//! shortened with an ellipsis before they could overflow, and the layout leaves room.

use std::fmt::Write as _;

/// Okabe–Ito colours, distinguishable with the common colour-vision deficiencies; every series
/// also has its own dash pattern or marker, so the charts survive black-and-white print.
pub(crate) const BLUE: &str = "#0072B2";
pub(crate) const VERMILLION: &str = "#D55E00";
pub(crate) const PURPLE: &str = "#CC79A7";
pub(crate) const GREEN: &str = "#009E73";
pub(crate) const GREY: &str = "#595959";
pub(crate) const LIGHT: &str = "#d9d9d9";

/// The font stack: generic families only, so no font file is needed anywhere.
pub(crate) const FONT: &str = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif";

/// Text for SVG or HTML, safe in element content and in quoted attributes: `&`, `<`, `>`, `"`
/// and `'` become entities; control characters become spaces; the Unicode bidirectional
/// controls (embeddings, overrides, isolates, marks) are dropped, so a name cannot reverse the
/// text after it. Right-to-left letters themselves are kept: they read right to left inside
/// their own run.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {}
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// `s` cut to at most `max` characters, the last one an ellipsis when it was cut.
pub(crate) fn ellipsis(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// A coordinate with one decimal, `-0.0` written as `0.0`: the one number format of the SVG.
pub(crate) fn num(x: f64) -> String {
    let s = format!("{x:.1}");
    if s == "-0.0" { "0.0".into() } else { s }
}

/// An amount, compact: 1.23M, 2M, 456k, 7.8k, 950; 1.5B and 2T beyond the millions.
pub(crate) fn short(x: f64) -> String {
    let a = x.abs();
    let trim = |v: f64, unit: &str| {
        let m = format!("{v:.2}");
        format!("{}{unit}", m.trim_end_matches('0').trim_end_matches('.'))
    };
    let out = if a >= 999.5e9 {
        trim(a / 1e12, "T")
    } else if a >= 999.5e6 {
        trim(a / 1e9, "B")
    } else if a >= 999.5e3 {
        trim(a / 1e6, "M")
    } else if a >= 9.995e3 {
        format!("{:.0}k", a / 1e3)
    } else if a >= 999.5 {
        format!("{:.1}k", a / 1e3)
    } else {
        format!("{a:.0}")
    };
    if x < 0.0 && out != "0" {
        format!("-{out}")
    } else {
        out
    }
}

/// A probability as a percentage with enough digits to be read: 42.1%, 3.25%, 0.012%.
pub(crate) fn pct(p: f64) -> String {
    let x = 100.0 * p;
    if x == 0.0 || x >= 10.0 {
        format!("{x:.1}%")
    } else if x >= 1.0 {
        format!("{x:.2}%")
    } else if x >= 0.001 {
        format!("{x:.3}%")
    } else {
        format!("{x:.1e}%")
    }
}

/// A tick on a log probability axis: 100%, 10%, 1%, 0.1%, 0.01%, 1e-5%.
pub(crate) fn pct_tick(p: f64) -> String {
    let x = 100.0 * p;
    if x >= 1.0 {
        format!("{x:.0}%")
    } else if x >= 0.0001 {
        let s = format!("{x:.4}");
        format!("{}%", s.trim_end_matches('0').trim_end_matches('.'))
    } else {
        format!("{x:.0e}%")
    }
}

/// A probability level without trailing zeros: 99%, 99.5%.
pub(crate) fn level(p: f64) -> String {
    let s = format!("{:.2}", 100.0 * p);
    format!("{}%", s.trim_end_matches('0').trim_end_matches('.'))
}

/// A whole number with thousands separators: 20,000.
pub(crate) fn thousands(x: f64) -> String {
    let digits = format!("{:.0}", x.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if x < 0.0 { format!("-{out}") } else { out }
}

/// `n simulated years`, singular for one.
pub(crate) fn years(n: usize) -> String {
    let unit = if n == 1 { "year" } else { "years" };
    format!("{} simulated {unit}", thousands(n as f64))
}

/// The estimated width of `chars` characters of text at `size` px (no font is measured).
pub(crate) fn text_width(chars: usize, size: f64) -> f64 {
    chars as f64 * size * 0.6
}

/// Text anchoring.
#[derive(Clone, Copy)]
pub(crate) enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    fn as_str(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// An SVG document being written: a fixed `viewBox`, a `<title>` and a `<desc>`, elements in
/// the order they are added.
pub(crate) struct Svg {
    out: String,
}

impl Svg {
    /// A `width` × `height` drawing (it scales to its container) titled `title`, described by
    /// `desc` (both plain text, escaped here). `id` (a fixed ASCII word) prefixes the ids of the
    /// title and description, so that charts inlined in one page do not share ids.
    pub(crate) fn new(id: &str, width: f64, height: f64, title: &str, desc: &str) -> Svg {
        let mut out = String::new();
        let _ = write!(
            out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" \
             height=\"{h}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" \
             font-family=\"{FONT}\" font-size=\"12\">\n<title id=\"{id}-title\">{}</title>\n\
             <desc id=\"{id}-desc\">{}</desc>\n\
             <rect width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>\n",
            escape(title),
            escape(desc),
            w = num(width),
            h = num(height),
        );
        Svg { out }
    }

    /// A straight line; `dash` is a `stroke-dasharray` ("" for solid).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn line(
        &mut self,
        x1: f64,
        y1: f64,
        x2: f64,
        y2: f64,
        colour: &str,
        width: f64,
        dash: &str,
    ) {
        let _ = writeln!(
            self.out,
            "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{colour}\" \
             stroke-width=\"{}\"{}/>",
            num(x1),
            num(y1),
            num(x2),
            num(y2),
            num(width),
            dash_attr(dash)
        );
    }

    /// A polyline through `points`.
    pub(crate) fn polyline(&mut self, points: &[(f64, f64)], colour: &str, width: f64, dash: &str) {
        if points.is_empty() {
            return;
        }
        let _ = writeln!(
            self.out,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"{}\" \
             stroke-linejoin=\"round\"{}/>",
            path_points(points),
            num(width),
            dash_attr(dash)
        );
    }

    /// A filled polygon (a band), no outline.
    pub(crate) fn polygon(&mut self, points: &[(f64, f64)], fill: &str, opacity: f64) {
        if points.len() < 3 {
            return;
        }
        let _ = writeln!(
            self.out,
            "<polygon points=\"{}\" fill=\"{fill}\" fill-opacity=\"{opacity:.2}\" stroke=\"none\"/>",
            path_points(points),
        );
    }

    /// A rectangle, filled and optionally outlined.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: &str, stroke: &str) {
        let stroke = if stroke.is_empty() {
            String::new()
        } else {
            format!(" stroke=\"{stroke}\" stroke-width=\"1.0\"")
        };
        let _ = writeln!(
            self.out,
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{fill}\"{stroke}/>",
            num(x),
            num(y),
            num(w.max(0.0)),
            num(h.max(0.0)),
        );
    }

    /// A circle of radius `r`: filled with `fill` ("none" for a ring) and outlined.
    pub(crate) fn circle(&mut self, x: f64, y: f64, r: f64, fill: &str, stroke: &str, width: f64) {
        let _ = writeln!(
            self.out,
            "<circle cx=\"{}\" cy=\"{}\" r=\"{}\" fill=\"{fill}\" stroke=\"{stroke}\" \
             stroke-width=\"{}\"/>",
            num(x),
            num(y),
            num(r),
            num(width)
        );
    }

    /// A diamond of half-width `r`, the tolerance marker.
    pub(crate) fn diamond(&mut self, x: f64, y: f64, r: f64, fill: &str, stroke: &str) {
        let pts = [(x, y - r), (x + r, y), (x, y + r), (x - r, y)];
        let _ = writeln!(
            self.out,
            "<polygon points=\"{}\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.5\"/>",
            path_points(&pts)
        );
    }

    /// Text at (`x`, `y`) (the baseline), escaped here; `weight` is "" or "bold".
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn text(
        &mut self,
        x: f64,
        y: f64,
        anchor: Anchor,
        size: f64,
        colour: &str,
        weight: &str,
        content: &str,
    ) {
        let weight = if weight.is_empty() {
            String::new()
        } else {
            format!(" font-weight=\"{weight}\"")
        };
        let _ = writeln!(
            self.out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"{}\" font-size=\"{}\" fill=\"{colour}\"{weight}>{}</text>",
            num(x),
            num(y),
            anchor.as_str(),
            num(size),
            escape(content)
        );
    }

    /// Text rotated by −90° about (`x`, `y`): a vertical axis title.
    pub(crate) fn vertical_text(&mut self, x: f64, y: f64, size: f64, content: &str) {
        let _ = writeln!(
            self.out,
            "<text x=\"{x}\" y=\"{y}\" text-anchor=\"middle\" font-size=\"{}\" fill=\"#000000\" \
             transform=\"rotate(-90 {x} {y})\">{}</text>",
            num(size),
            escape(content),
            x = num(x),
            y = num(y),
        );
    }

    /// Text rotated by −90° about (`x`, `y`) (reading upwards), in `colour`, with a white halo
    /// so that it stays readable where it crosses a line: a label along a vertical line.
    pub(crate) fn rotated_label(
        &mut self,
        x: f64,
        y: f64,
        anchor: Anchor,
        size: f64,
        colour: &str,
        content: &str,
    ) {
        let _ = writeln!(
            self.out,
            "<text x=\"{x}\" y=\"{y}\" text-anchor=\"{}\" font-size=\"{}\" fill=\"{colour}\" \
             stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\" \
             transform=\"rotate(-90 {x} {y})\">{}</text>",
            anchor.as_str(),
            num(size),
            escape(content),
            x = num(x),
            y = num(y),
        );
    }

    /// The document, closed.
    pub(crate) fn finish(mut self) -> String {
        self.out.push_str("</svg>\n");
        self.out
    }
}

fn dash_attr(dash: &str) -> String {
    if dash.is_empty() {
        String::new()
    } else {
        format!(" stroke-dasharray=\"{dash}\"")
    }
}

fn path_points(points: &[(f64, f64)]) -> String {
    let mut s = String::new();
    for (i, (x, y)) in points.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        let _ = write!(s, "{},{}", num(*x), num(*y));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_is_escaped() {
        assert_eq!(
            escape("<script>alert(\"x\" & 'y')</script>"),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
        // A right-to-left override cannot reverse what follows; Hebrew letters are kept.
        assert_eq!(escape("a\u{202E}bc\u{2066}שלום\u{2069}"), "abcשלום");
        assert_eq!(escape("tab\there\nnew"), "tab here new");
        assert_eq!(escape("&amp;"), "&amp;amp;");
    }

    #[test]
    fn long_names_end_in_an_ellipsis() {
        assert_eq!(ellipsis("short", 10), "short");
        assert_eq!(ellipsis("exactly10!", 10), "exactly10!");
        assert_eq!(ellipsis("a much longer name", 10), "a much lo…");
        assert_eq!(ellipsis("ééééé", 3), "éé…");
    }

    #[test]
    fn numbers_are_written_one_way() {
        assert_eq!(num(-0.04), "0.0");
        assert_eq!(num(12.345), "12.3");
        assert_eq!(short(1e12), "1T");
        assert_eq!(short(2.5e9), "2.5B");
        assert_eq!(short(1_234_567.0), "1.23M");
        assert_eq!(short(-0.2), "0");
        assert_eq!(pct_tick(1.0), "100%");
        assert_eq!(pct_tick(0.001), "0.1%");
        assert_eq!(pct_tick(0.0001), "0.01%");
        assert_eq!(pct_tick(1e-7), "1e-5%");
        assert_eq!(thousands(5000.0), "5,000");
    }
}
