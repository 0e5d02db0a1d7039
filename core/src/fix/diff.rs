//! Unified diffs of fixed files (`kubeharden fix --diff`, the page's patches), with the lines
//! that may hold a secret redacted: the lines of every finding whose rule declares `redact`
//! (a literal secret in `env`, a Secret's `data`) and the lines nested under them, whether they
//! are removed or only shown as context. Control characters are escaped, as in every
//! human-readable output.

use std::collections::HashSet;
use std::fmt::Write as _;

use crate::api::Finding;
use crate::report::escape::escape_control;
use crate::report::redact::Redactions;
use crate::rules::{registry, Excerpt};

/// Lines of context around each change.
const CONTEXT: usize = 3;

/// The diff of one line list against another: for each line of the result, where it comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Line {
    /// Line `a` of the old text is line `b` of the new one.
    Same(usize, usize),
    /// Line `a` of the old text is gone.
    Removed(usize),
    /// Line `b` of the new text is new.
    Added(usize),
}

/// Myers' O(ND) difference of two line lists, after their common first and last lines.
fn diff(a: &[&str], b: &[&str]) -> Vec<Line> {
    let pre = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suf = a
        .get(pre..)
        .unwrap_or_default()
        .iter()
        .rev()
        .zip(b.get(pre..).unwrap_or_default().iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (am, bm) = (a.get(pre..a.len() - suf).unwrap_or_default(), b.get(pre..b.len() - suf).unwrap_or_default());
    let mut out: Vec<Line> = (0..pre).map(|i| Line::Same(i, i)).collect();
    out.extend(myers(am, bm).into_iter().map(|l| match l {
        Line::Same(x, y) => Line::Same(x + pre, y + pre),
        Line::Removed(x) => Line::Removed(x + pre),
        Line::Added(y) => Line::Added(y + pre),
    }));
    out.extend((0..suf).map(|k| Line::Same(a.len() - suf + k, b.len() - suf + k)));
    out
}

fn myers(a: &[&str], b: &[&str]) -> Vec<Line> {
    let (n, m) = (a.len(), b.len());
    let max = n + m;
    // Past this many differences, the whole middle is shown as removed and added.
    let limit = max.min(20_000);
    let offset = max as isize;
    let mut v = vec![0usize; 2 * max + 2];
    let mut trace: Vec<Vec<usize>> = Vec::new();
    let at = |k: isize| usize::try_from(k + offset).unwrap_or(0);
    let mut found = None;
    'outer: for d in 0..=limit {
        trace.push(v.clone());
        let d = d as isize;
        let mut k = -d;
        while k <= d {
            let down = k == -d || (k != d && v.get(at(k - 1)) < v.get(at(k + 1)));
            let mut x =
                if down { v.get(at(k + 1)).copied().unwrap_or(0) } else { v.get(at(k - 1)).copied().unwrap_or(0) + 1 };
            let mut y = usize::try_from(x as isize - k).unwrap_or(0);
            while x < n && y < m && a.get(x) == b.get(y) {
                x += 1;
                y += 1;
            }
            if let Some(slot) = v.get_mut(at(k)) {
                *slot = x;
            }
            if x >= n && y >= m {
                found = Some(d);
                break 'outer;
            }
            k += 2;
        }
    }
    let Some(_) = found else {
        let mut out: Vec<Line> = (0..n).map(Line::Removed).collect();
        out.extend((0..m).map(Line::Added));
        return out;
    };
    // Walk the trace back from the end.
    let mut out = Vec::new();
    let (mut x, mut y) = (n as isize, m as isize);
    for (d, vd) in trace.iter().enumerate().rev() {
        let d = d as isize;
        let k = x - y;
        let down = k == -d || (k != d && vd.get(at(k - 1)) < vd.get(at(k + 1)));
        let prev_k = if down { k + 1 } else { k - 1 };
        let prev_x = vd.get(at(prev_k)).copied().unwrap_or(0) as isize;
        let prev_y = prev_x - prev_k;
        while x > prev_x && y > prev_y {
            x -= 1;
            y -= 1;
            out.push(Line::Same(x as usize, y as usize));
        }
        if d > 0 {
            if down {
                y -= 1;
                out.push(Line::Added(y as usize));
            } else {
                x -= 1;
                out.push(Line::Removed(x as usize));
            }
        }
        x = prev_x;
        y = prev_y;
    }
    out.reverse();
    out
}

/// The 1-based lines of `text` that may hold a secret: the line of each finding (of this file)
/// whose rule declares `redact`, and the lines nested deeper under it (a literal secret's value,
/// a Secret's `data`; a Dockerfile instruction's continuation lines).
#[must_use]
pub fn secret_lines<'f>(text: &str, findings: impl IntoIterator<Item = &'f Finding>) -> HashSet<u32> {
    let lines: Vec<&str> = text.strip_prefix('\u{feff}').unwrap_or(text).lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut out = HashSet::new();
    for f in findings {
        let redacts = registry::find(&f.rule).is_none_or(|r| r.meta().redact != Excerpt::Full);
        let Some(line) = f.line.filter(|_| redacts) else { continue };
        let Some(first) = lines.get(line.saturating_sub(1) as usize) else { continue };
        out.insert(line);
        let base = indent(first);
        let mut continues = first.trim_end().ends_with('\\');
        for (k, l) in lines.iter().enumerate().skip(line as usize) {
            let deeper = !l.trim().is_empty() && indent(l) > base;
            if !(deeper || continues || l.trim().is_empty()) {
                break;
            }
            continues = l.trim_end().ends_with('\\');
            out.insert(u32::try_from(k + 1).unwrap_or(u32::MAX));
        }
    }
    out
}

/// A line as a diff shows it: control characters escaped, and a line that may hold a secret
/// cut after its key (`value: <redacted>`; a line without a key, `<redacted>`).
fn shown(line: &str, secret: bool) -> String {
    let line = line.strip_suffix('\r').unwrap_or(line);
    if !secret {
        return escape_control(line).into_owned();
    }
    let t = line.trim_start();
    let indent = line.get(..line.len() - t.len()).unwrap_or_default();
    let dash = if t.starts_with("- ") { "- " } else { "" };
    let body = t.strip_prefix("- ").unwrap_or(t);
    if body.starts_with("name:") && !body.contains(['{', ',']) {
        return escape_control(line).into_owned(); // a list item's name: a key, never a secret
    }
    match body.find(':') {
        Some(i) if body.get(..i).is_some_and(|k| !k.contains(' ') || k.starts_with('"')) => {
            let key = body.get(..=i).unwrap_or_default();
            let rest = body.get(i + 1..).unwrap_or_default().trim();
            let tail = if rest.is_empty() { "" } else { " <redacted>" };
            escape_control(&format!("{indent}{dash}{key}{tail}")).into_owned()
        }
        _ => format!("{indent}<redacted>"),
    }
}

/// The unified diff of `old` → `new` (`--- a/name`, `+++ b/name`, hunks with three lines of
/// context); empty when they are the same. `secret` are the old text's lines that may hold a
/// secret ([`secret_lines`]): shown redacted, removed or not. Every line, old or new, also has
/// the secret values of `redactions` (the report of the old text) hidden wherever they occur, and
/// anything shaped like a credential ([`Redactions::hide`]).
#[must_use]
pub fn unified(name: &str, old: &str, new: &str, secret: &HashSet<u32>, redactions: &Redactions) -> String {
    if old == new {
        return String::new();
    }
    let strip = |t: &'_ str| -> Vec<String> {
        let t = t.strip_prefix('\u{feff}').unwrap_or(t);
        let mut v: Vec<String> = t.split('\n').map(str::to_owned).collect();
        if t.ends_with('\n') {
            v.pop();
        }
        v
    };
    let (a, b) = (strip(old), strip(new));
    let ar: Vec<&str> = a.iter().map(String::as_str).collect();
    let br: Vec<&str> = b.iter().map(String::as_str).collect();
    let lines = diff(&ar, &br);
    let name_as_given = name;
    let shown_name = name.trim_start_matches("./").trim_start_matches('/');
    let name = escape_control(shown_name);
    let mut out = format!("--- a/{name}\n+++ b/{name}\n");
    let changed: Vec<usize> =
        lines.iter().enumerate().filter(|(_, l)| !matches!(l, Line::Same(..))).map(|(i, _)| i).collect();
    let mut i = 0;
    while i < changed.len() {
        let first = changed.get(i).copied().unwrap_or(0);
        let mut last = first;
        let mut j = i + 1;
        while let Some(&c) = changed.get(j) {
            if c > last + 2 * CONTEXT {
                break;
            }
            last = c;
            j += 1;
        }
        let from = first.saturating_sub(CONTEXT);
        let to = (last + CONTEXT + 1).min(lines.len());
        let hunk = lines.get(from..to).unwrap_or_default();
        let old_start = hunk.iter().find_map(|l| match l {
            Line::Same(x, _) | Line::Removed(x) => Some(*x),
            Line::Added(_) => None,
        });
        let new_start = hunk.iter().find_map(|l| match l {
            Line::Same(_, y) | Line::Added(y) => Some(*y),
            Line::Removed(_) => None,
        });
        let old_len = hunk.iter().filter(|l| !matches!(l, Line::Added(_))).count();
        let new_len = hunk.iter().filter(|l| !matches!(l, Line::Removed(_))).count();
        let start = |s: Option<usize>, len: usize, before: usize| match s {
            Some(x) => x + 1,
            None if len == 0 => before,
            None => 1,
        };
        let old_before = lines.get(..from).unwrap_or_default().iter().filter(|l| !matches!(l, Line::Added(_))).count();
        let new_before =
            lines.get(..from).unwrap_or_default().iter().filter(|l| !matches!(l, Line::Removed(_))).count();
        let _ = writeln!(
            out,
            "@@ -{},{old_len} +{},{new_len} @@",
            start(old_start, old_len, old_before),
            start(new_start, new_len, new_before)
        );
        let is_secret = |x: usize| secret.contains(&u32::try_from(x + 1).unwrap_or(u32::MAX));
        let old_line = |x: usize| {
            let text = ar.get(x).copied().unwrap_or_default();
            redactions.hide(name_as_given, u32::try_from(x + 1).unwrap_or(u32::MAX), text)
        };
        for l in hunk {
            match *l {
                Line::Same(x, _) => {
                    let _ = writeln!(out, " {}", shown(&old_line(x), is_secret(x)));
                }
                Line::Removed(x) => {
                    let _ = writeln!(out, "-{}", shown(&old_line(x), is_secret(x)));
                }
                Line::Added(y) => {
                    let text = br.get(y).copied().unwrap_or_default();
                    let _ = writeln!(out, "+{}", shown(&redactions.hide(name_as_given, 0, text), false));
                }
            }
        }
        i = j;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_with_context() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n";
        let new = "a\nb\nc\nX\nd\ne\nf\ng\nh\ni\nY\n";
        let d = unified("f.yaml", old, new, &HashSet::new(), &Redactions::default());
        assert_eq!(
            d,
            "--- a/f.yaml\n+++ b/f.yaml\n@@ -1,6 +1,7 @@\n a\n b\n c\n+X\n d\n e\n f\n@@ -7,4 +8,4 @@\n g\n h\n i\n-j\n+Y\n"
        );
        assert_eq!(unified("f", old, old, &HashSet::new(), &Redactions::default()), "");
    }

    #[test]
    fn secret_lines_are_redacted() {
        let old = "env:\n- name: P\n  value: hunter2\n- name: Q\n";
        let new = "env:\n- name: P\n  valueFrom: {secretKeyRef: {name: s, key: P}}\n- name: Q\n";
        let secret: HashSet<u32> = [2, 3].into_iter().collect();
        let d = unified("f", old, new, &secret, &Redactions::default());
        assert!(!d.contains("hunter2"), "{d}");
        assert!(d.contains("-  value: <redacted>"), "{d}");
    }
}
