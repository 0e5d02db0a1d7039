//! Variable substitution as BuildKit does it in `FROM`, `USER`, `ENV`...: `$VAR`, `${VAR}`,
//! `${VAR:-default}`, `${VAR-default}`, `${VAR:+alt}`, `${VAR+alt}`; the escape character before
//! `$` keeps it literal.

/// Expands variables in `s` from `vars` (name, value; the last definition wins). Returns the
/// text and whether some variable had no known value (undeclared, or declared without a value).
#[must_use]
pub fn expand(s: &str, vars: &[(String, Option<String>)], escape: char) -> (String, bool) {
    let lookup =
        |name: &str| -> Option<Option<&str>> { vars.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.as_deref()) };
    let mut out = String::with_capacity(s.len());
    let mut unresolved = false;
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c == escape && chars.get(i + 1) == Some(&'$') {
            out.push('$');
            i += 2;
            continue;
        }
        if c != '$' {
            out.push(c);
            i += 1;
            continue;
        }
        match chars.get(i + 1) {
            Some('{') => {
                // find the matching brace (nesting allowed in the default)
                let mut depth = 0usize;
                let mut j = i + 1;
                let mut close = None;
                while let Some(&d) = chars.get(j) {
                    if d == '{' {
                        depth += 1;
                    } else if d == '}' {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            close = Some(j);
                            break;
                        }
                    }
                    j += 1;
                }
                let Some(close) = close else {
                    out.extend(chars.get(i..).unwrap_or_default());
                    break;
                };
                let inner: String = chars.get(i + 2..close).unwrap_or_default().iter().collect();
                let name_len = inner.find(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_')).unwrap_or(inner.len());
                let (name, op) = inner.split_at(name_len);
                let val = lookup(name);
                let (text, unres) = match op {
                    "" => match val {
                        Some(Some(v)) => (v.to_owned(), false),
                        _ => (String::new(), true),
                    },
                    _ => {
                        let (kind, word) = if let Some(w) = op.strip_prefix(":-") {
                            ("default-empty", w)
                        } else if let Some(w) = op.strip_prefix('-') {
                            ("default", w)
                        } else if let Some(w) = op.strip_prefix(":+") {
                            ("alt-empty", w)
                        } else if let Some(w) = op.strip_prefix('+') {
                            ("alt", w)
                        } else {
                            ("other", "")
                        };
                        let (word, wu) = expand(word, vars, escape);
                        match (kind, val) {
                            ("default-empty", Some(Some(v))) if !v.is_empty() => (v.to_owned(), false),
                            ("default-empty", _) => (word, wu),
                            ("default", Some(Some(v))) => (v.to_owned(), false),
                            ("default", Some(None)) => (String::new(), true),
                            ("default", None) => (word, wu),
                            ("alt-empty", Some(Some(v))) if !v.is_empty() => (word, wu),
                            ("alt-empty", Some(None)) => (String::new(), true),
                            ("alt-empty", _) => (String::new(), false),
                            ("alt", Some(Some(_))) => (word, wu),
                            ("alt", Some(None)) => (String::new(), true),
                            ("alt", None) => (String::new(), false),
                            // `${VAR%suffix}`, `${VAR#prefix}`, `${VAR/a/b}`: the value is unknown
                            _ => (String::new(), true),
                        }
                    }
                };
                out.push_str(&text);
                unresolved |= unres;
                i = close + 1;
            }
            Some(&n) if n.is_ascii_alphabetic() || n == '_' => {
                let mut j = i + 1;
                while chars.get(j).is_some_and(|ch| ch.is_ascii_alphanumeric() || *ch == '_') {
                    j += 1;
                }
                let name: String = chars.get(i + 1..j).unwrap_or_default().iter().collect();
                match lookup(&name) {
                    Some(Some(v)) => out.push_str(v),
                    _ => unresolved = true,
                }
                i = j;
            }
            _ => {
                out.push('$');
                i += 1;
            }
        }
    }
    (out, unresolved)
}

#[cfg(test)]
mod tests {
    use super::expand;

    fn v(pairs: &[(&str, Option<&str>)]) -> Vec<(String, Option<String>)> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), v.map(str::to_owned))).collect()
    }

    #[test]
    fn forms() {
        let vars = v(&[("TAG", Some("1.22")), ("EMPTY", Some("")), ("NOVAL", None)]);
        assert_eq!(expand("golang:${TAG}", &vars, '\\'), ("golang:1.22".into(), false));
        assert_eq!(expand("golang:$TAG-alpine", &vars, '\\'), ("golang:1.22-alpine".into(), false));
        assert_eq!(expand("x:${MISSING:-3.20}", &vars, '\\'), ("x:3.20".into(), false));
        assert_eq!(expand("x:${EMPTY:-d}", &vars, '\\'), ("x:d".into(), false));
        assert_eq!(expand("x:${EMPTY-d}", &vars, '\\'), ("x:".into(), false));
        assert_eq!(expand("x${TAG:+-t}", &vars, '\\'), ("x-t".into(), false));
        assert_eq!(expand("x:$NOVAL", &vars, '\\'), ("x:".into(), true));
        assert_eq!(expand("x:$MISSING", &vars, '\\'), ("x:".into(), true));
        assert_eq!(expand("a\\$TAG", &vars, '\\'), ("a$TAG".into(), false));
        assert_eq!(expand("${unclosed", &vars, '\\'), ("${unclosed".into(), false));
        assert_eq!(expand("cost $5", &vars, '\\'), ("cost $5".into(), false));
    }
}
