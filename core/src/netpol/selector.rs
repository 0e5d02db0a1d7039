//! Label selectors as Kubernetes evaluates them (`metav1.LabelSelectorAsSelector`).
//!
//! `matchLabels` and `matchExpressions` are ANDed. Operators are case-sensitive: `In`, `NotIn`,
//! `Exists`, `DoesNotExist`. `NotIn` matches an object that lacks the key. An empty selector
//! (`{}`) matches everything. A selector the API server would reject (an unknown operator, `In`
//! without values, a non-string label value) matches nothing here and is reported as a
//! [`Problem`].

use std::collections::BTreeMap;

use super::Problem;
use crate::location::FieldPath;
use crate::syntax::Node;

/// A `matchExpressions` operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// The label is present with one of the values.
    In,
    /// The label is absent, or present with none of the values.
    NotIn,
    /// The label is present.
    Exists,
    /// The label is absent.
    DoesNotExist,
}

/// One `matchExpressions` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Requirement {
    /// `key`.
    pub key: String,
    /// `operator`.
    pub op: Op,
    /// `values`.
    pub values: Vec<String>,
}

/// A parsed label selector.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selector {
    /// `matchLabels`, in source order.
    pub match_labels: Vec<(String, String)>,
    /// `matchExpressions`.
    pub exprs: Vec<Requirement>,
    /// The selector is invalid (the API server would reject it): it matches nothing.
    pub invalid: bool,
}

/// Something that has labels.
pub trait Labels {
    /// The value of label `key`.
    fn label(&self, key: &str) -> Option<&str>;
}

impl<K: std::borrow::Borrow<str> + Ord, V: AsRef<str>> Labels for BTreeMap<K, V> {
    fn label(&self, key: &str) -> Option<&str> {
        self.get(key).map(AsRef::as_ref)
    }
}

impl Labels for [(&str, &str)] {
    fn label(&self, key: &str) -> Option<&str> {
        self.iter().rev().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }
}

impl Selector {
    /// The selector that matches everything (`{}`).
    #[must_use]
    pub fn everything() -> Self {
        Selector::default()
    }

    /// Whether the selector is `{}` (matches everything).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        !self.invalid && self.match_labels.is_empty() && self.exprs.is_empty()
    }

    /// Whether the labels satisfy the selector.
    #[must_use]
    pub fn matches<L: Labels + ?Sized>(&self, labels: &L) -> bool {
        if self.invalid {
            return false;
        }
        self.match_labels.iter().all(|(k, v)| labels.label(k) == Some(v.as_str()))
            && self.exprs.iter().all(|r| {
                let got = labels.label(&r.key);
                match r.op {
                    Op::In => got.is_some_and(|g| r.values.iter().any(|v| v == g)),
                    Op::NotIn => got.is_none_or(|g| !r.values.iter().any(|v| v == g)),
                    Op::Exists => got.is_some(),
                    Op::DoesNotExist => got.is_none(),
                }
            })
    }

    /// Parses a selector node (`null` or absent = `{}`); problems are recorded with their path.
    pub fn parse(node: Option<&Node>, path: &FieldPath, problems: &mut Vec<Problem>) -> Selector {
        let mut sel = Selector::default();
        let Some(node) = node.filter(|n| !n.is_null()) else { return sel };
        let mut bad = |p: FieldPath, m: String, sel: &mut Selector| {
            sel.invalid = true;
            problems.push(Problem { path: p, message: m });
        };
        if node.as_map().is_none() {
            bad(path.clone(), format!("a label selector must be a mapping, not a {}", node.type_name()), &mut sel);
            return sel;
        }
        if let Some(ml) = node.get("matchLabels").filter(|n| !n.is_null()) {
            let mlp = path.key("matchLabels");
            match ml.as_map() {
                Some(entries) => {
                    for e in entries {
                        match e.value.as_str() {
                            // a repeated key: the last one wins, as Kubernetes decodes it
                            Some(v) => {
                                sel.match_labels.retain(|(k, _)| k.as_str() != e.key.as_str());
                                sel.match_labels.push((e.key.to_string(), v.to_owned()));
                            }
                            None => bad(
                                mlp.key_owned(&e.key),
                                format!("the label value of `{}` must be a string, not {}", e.key, e.value.short()),
                                &mut sel,
                            ),
                        }
                    }
                }
                None => bad(mlp, format!("`matchLabels` must be a mapping, not a {}", ml.type_name()), &mut sel),
            }
        }
        if let Some(me) = node.get("matchExpressions").filter(|n| !n.is_null()) {
            let mep = path.key("matchExpressions");
            let Some(items) = me.as_seq() else {
                bad(mep, format!("`matchExpressions` must be a list, not a {}", me.type_name()), &mut sel);
                return sel;
            };
            for (i, item) in items.iter().enumerate() {
                let ip = mep.index(i);
                let key = item.get("key").and_then(Node::as_str);
                let op_text = item.get("operator").and_then(Node::as_str);
                let values: Option<Vec<String>> = match item.get("values").filter(|n| !n.is_null()) {
                    None => Some(Vec::new()),
                    Some(v) => v
                        .as_seq()
                        .and_then(|s| s.iter().map(|x| x.as_str().map(str::to_owned)).collect::<Option<Vec<_>>>()),
                };
                let Some(key) = key.filter(|k| !k.is_empty()) else {
                    bad(ip.key("key"), "a selector requirement needs a `key`".to_owned(), &mut sel);
                    continue;
                };
                let Some(values) = values else {
                    bad(ip.key("values"), format!("`values` of `{key}` must be a list of strings"), &mut sel);
                    continue;
                };
                let op = match op_text {
                    Some("In") => Op::In,
                    Some("NotIn") => Op::NotIn,
                    Some("Exists") => Op::Exists,
                    Some("DoesNotExist") => Op::DoesNotExist,
                    Some(other) => {
                        bad(
                            ip.key("operator"),
                            format!("`{other}` is not a selector operator (In, NotIn, Exists, DoesNotExist): the selector matches nothing"),
                            &mut sel,
                        );
                        continue;
                    }
                    None => {
                        bad(ip.key("operator"), format!("the requirement on `{key}` has no `operator`"), &mut sel);
                        continue;
                    }
                };
                let needs_values = matches!(op, Op::In | Op::NotIn);
                if needs_values && values.is_empty() {
                    bad(ip.key("values"), format!("operator `{op:?}` on `{key}` needs at least one value"), &mut sel);
                    continue;
                }
                if !needs_values && !values.is_empty() {
                    bad(ip.key("values"), format!("operator `{op:?}` on `{key}` takes no values"), &mut sel);
                    continue;
                }
                sel.exprs.push(Requirement { key: key.to_owned(), op, values });
            }
        }
        sel
    }

    /// A short rendering for messages: `{}`, `app=api,tier in (a,b)`.
    #[must_use]
    pub fn describe(&self) -> String {
        if self.invalid {
            return "<invalid>".to_owned();
        }
        if self.is_empty() {
            return "{}".to_owned();
        }
        let mut parts: Vec<String> = self.match_labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        for r in &self.exprs {
            parts.push(match r.op {
                Op::In => format!("{} in ({})", r.key, r.values.join(",")),
                Op::NotIn => format!("{} notin ({})", r.key, r.values.join(",")),
                Op::Exists => r.key.clone(),
                Op::DoesNotExist => format!("!{}", r.key),
            });
        }
        parts.join(",")
    }
}
