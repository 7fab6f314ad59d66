//! Charts as SVG text, drawn the same on the server and in the browser, readable without
//! JavaScript. Each is an image with a title and a description for screen readers; the page
//! puts the same figures in a table beside it.

/// One series of a chart: its name (for the legend), its colour and one value per category.
pub struct Series<'a> {
    pub name: &'a str,
    pub color: &'a str,
    pub values: &'a [i64],
}

const W: f64 = 640.0;
const H: f64 = 240.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 8.0;
const TOP: f64 = 24.0;
const BOTTOM: f64 = 28.0;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A round top for the value axis: 1, 2, 5, 10, 20, 50… at or above `max`.
fn axis_top(max: i64) -> i64 {
    let mut step = 1;
    loop {
        for m in [1, 2, 5] {
            if step * m >= max.max(1) {
                return step * m;
            }
        }
        step *= 10;
    }
}

/// The frame every chart shares: title, description, value axis, first and last category,
/// legend. `body` draws the data inside the plot area.
fn frame(
    id: &str,
    title: &str,
    desc: &str,
    categories: &[String],
    series: &[Series],
    top: i64,
    body: &str,
) -> String {
    let plot_h = H - TOP - BOTTOM;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {W} {H}\" role=\"img\" \
         aria-labelledby=\"{id}-t {id}-d\" class=\"chart\">\
         <title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        esc(title),
        esc(desc)
    );
    // Value axis: 0, half and top, with light grid lines.
    for v in [0, top / 2, top] {
        let y = TOP + plot_h - plot_h * v as f64 / top as f64;
        svg.push_str(&format!(
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#d0d0d0\"/>\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"11\" fill=\"#333\">{v}</text>",
            W - RIGHT,
            LEFT - 4.0,
            y + 4.0
        ));
    }
    if let (Some(first), Some(last)) = (categories.first(), categories.last()) {
        svg.push_str(&format!(
            "<text x=\"{LEFT}\" y=\"{}\" font-size=\"11\" fill=\"#333\">{}</text>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"11\" fill=\"#333\">{}</text>",
            H - 8.0,
            esc(first),
            W - RIGHT,
            H - 8.0,
            esc(last)
        ));
    }
    let mut x = LEFT;
    for s in series {
        svg.push_str(&format!(
            "<rect x=\"{x}\" y=\"6\" width=\"10\" height=\"10\" fill=\"{}\"/>\
             <text x=\"{}\" y=\"15\" font-size=\"11\" fill=\"#333\">{}</text>",
            s.color,
            x + 14.0,
            esc(s.name)
        ));
        x += 24.0 + 7.0 * s.name.chars().count() as f64;
    }
    svg.push_str(body);
    svg.push_str("</svg>");
    svg
}

/// The value axis's top for these series, and the plot area's width and height.
fn scale(series: &[Series]) -> (i64, f64, f64) {
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .max()
        .unwrap_or(0);
    (axis_top(max), W - LEFT - RIGHT, H - TOP - BOTTOM)
}

/// Bars side by side for each category (e.g. opened and closed per day).
pub fn bars(id: &str, title: &str, desc: &str, categories: &[String], series: &[Series]) -> String {
    let (top, plot_w, plot_h) = scale(series);
    let slot = plot_w / categories.len().max(1) as f64;
    let bar = (slot * 0.8 / series.len().max(1) as f64).max(1.0);
    let mut body = String::new();
    for (i, _) in categories.iter().enumerate() {
        for (k, s) in series.iter().enumerate() {
            let v = s.values.get(i).copied().unwrap_or(0);
            let h = plot_h * v as f64 / top as f64;
            body.push_str(&format!(
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{h:.1}\" fill=\"{}\"/>",
                LEFT + slot * i as f64 + slot * 0.1 + bar * k as f64,
                TOP + plot_h - h,
                s.color
            ));
        }
    }
    frame(id, title, desc, categories, series, top, &body)
}

/// One line per series across the categories (e.g. the backlog at each day's end).
pub fn lines(
    id: &str,
    title: &str,
    desc: &str,
    categories: &[String],
    series: &[Series],
) -> String {
    let (top, plot_w, plot_h) = scale(series);
    let step = plot_w / (categories.len().max(2) - 1) as f64;
    let mut body = String::new();
    for s in series {
        let points: Vec<String> = s
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                format!(
                    "{:.1},{:.1}",
                    LEFT + step * i as f64,
                    TOP + plot_h - plot_h * *v as f64 / top as f64
                )
            })
            .collect();
        body.push_str(&format!(
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"/>",
            points.join(" "),
            s.color
        ));
    }
    frame(id, title, desc, categories, series, top, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axis_tops_are_round() {
        assert_eq!(axis_top(0), 1);
        assert_eq!(axis_top(3), 5);
        assert_eq!(axis_top(7), 10);
        assert_eq!(axis_top(11), 20);
        assert_eq!(axis_top(480), 500);
    }

    #[test]
    fn a_chart_is_a_labelled_image_with_one_bar_per_value() {
        let days = vec!["2026-12-01".to_string(), "2026-12-02".to_string()];
        let svg = bars(
            "c1",
            "New <and> closed",
            "2 days",
            &days,
            &[
                Series {
                    name: "New",
                    color: "#1f5fa8",
                    values: &[3, 0],
                },
                Series {
                    name: "Closed",
                    color: "#2e7d32",
                    values: &[1, 4],
                },
            ],
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("role=\"img\"") && svg.contains("aria-labelledby=\"c1-t c1-d\""));
        assert!(svg.contains("<title id=\"c1-t\">New &lt;and&gt; closed</title>"));
        // Two legend squares plus four bars.
        assert_eq!(svg.matches("<rect").count(), 6);
        assert!(svg.contains(">2026-12-01<") && svg.contains(">2026-12-02<"));
        let line = lines(
            "c2",
            "Backlog",
            "",
            &days,
            &[Series {
                name: "Open",
                color: "#000",
                values: &[5, 2],
            }],
        );
        assert_eq!(line.matches("<polyline").count(), 1);
    }
}
