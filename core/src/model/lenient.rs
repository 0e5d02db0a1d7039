use crate::location::FieldPath;
use crate::syntax::Node;

/// A field as the model reads it: absent (or `null`), a value of the expected type, or a value
/// of another type. `Invalid` is never treated as compliant: the model records it as an
/// [`InvalidField`] and rules that require a value treat it as not set to that value.
#[derive(Clone, Debug, PartialEq)]
pub enum Lenient<T> {
    /// Not present, or `null` (Kubernetes treats both as unset).
    Absent,
    /// Present with the expected type.
    Valid(T),
    /// Present with another type; holds a short rendering of what was found (`"0"`).
    Invalid(String),
}

impl<T: Copy> Lenient<T> {
    /// The value, if valid.
    #[must_use]
    pub fn valid(&self) -> Option<T> {
        match self {
            Lenient::Valid(v) => Some(*v),
            _ => None,
        }
    }
}

impl<T> Lenient<T> {
    /// Whether the field is present (valid or not).
    #[must_use]
    pub fn is_present(&self) -> bool {
        !matches!(self, Lenient::Absent)
    }

    /// Whether the field is present with the wrong type.
    #[must_use]
    pub fn is_invalid(&self) -> bool {
        matches!(self, Lenient::Invalid(_))
    }

    /// A reference to the value, if valid.
    #[must_use]
    pub fn as_ref(&self) -> Lenient<&T> {
        match self {
            Lenient::Absent => Lenient::Absent,
            Lenient::Valid(v) => Lenient::Valid(v),
            Lenient::Invalid(s) => Lenient::Invalid(s.clone()),
        }
    }
}

/// A field whose value has the wrong type for the Kubernetes API (the API server would reject the
/// object; a lenient reader might misread it).
#[derive(Clone, Debug, PartialEq)]
pub struct InvalidField {
    /// Where it is.
    pub path: FieldPath,
    /// What the API expects: `boolean`, `integer`, `string`, `list`, `mapping`.
    pub expected: &'static str,
    /// What was found, rendered short (`"0"`).
    pub found: String,
}

/// Reads typed fields from nodes and records the ones with a wrong type.
#[derive(Debug, Default)]
pub struct Reader {
    /// The wrong-typed fields seen so far.
    pub invalid: Vec<InvalidField>,
}

impl Reader {
    fn bad<T>(&mut self, node: &Node, path: impl FnOnce() -> FieldPath, expected: &'static str) -> Lenient<T> {
        let found = node.short();
        self.invalid.push(InvalidField { path: path(), expected, found: found.clone() });
        Lenient::Invalid(found)
    }

    /// A boolean field.
    pub fn bool(&mut self, node: Option<&Node>, path: impl FnOnce() -> FieldPath) -> Lenient<bool> {
        match node {
            None => Lenient::Absent,
            Some(n) if n.is_null() => Lenient::Absent,
            Some(n) => match n.as_bool() {
                Some(b) => Lenient::Valid(b),
                None => self.bad(n, path, "boolean"),
            },
        }
    }

    /// An integer field.
    pub fn int(&mut self, node: Option<&Node>, path: impl FnOnce() -> FieldPath) -> Lenient<i64> {
        match node {
            None => Lenient::Absent,
            Some(n) if n.is_null() => Lenient::Absent,
            Some(n) => match n.as_i64() {
                Some(i) => Lenient::Valid(i),
                None => self.bad(n, path, "integer"),
            },
        }
    }

    /// A user or group ID (`runAsUser`, `runAsGroup`): an integer the API server accepts, from 0
    /// to 2147483647; a number outside that range is recorded like a wrong type, so no rule reads
    /// `runAsUser: -1` as a non-root user.
    pub fn id(&mut self, node: Option<&Node>, path: impl FnOnce() -> FieldPath) -> Lenient<i64> {
        match node {
            None => Lenient::Absent,
            Some(n) if n.is_null() => Lenient::Absent,
            Some(n) => match n.as_i64() {
                Some(i) if (0..=i64::from(i32::MAX)).contains(&i) => Lenient::Valid(i),
                Some(_) => self.bad(n, path, "integer between 0 and 2147483647"),
                None => self.bad(n, path, "integer"),
            },
        }
    }

    /// A string field.
    pub fn str<'a>(&mut self, node: Option<&'a Node>, path: impl FnOnce() -> FieldPath) -> Lenient<&'a str> {
        match node {
            None => Lenient::Absent,
            Some(n) if n.is_null() => Lenient::Absent,
            Some(n) => match n.as_str() {
                Some(s) => Lenient::Valid(s),
                None => self.bad(n, path, "string"),
            },
        }
    }

    /// A mapping field (absent, `null` and wrong-typed give `None`).
    pub fn map<'a>(&mut self, node: Option<&'a Node>, path: impl FnOnce() -> FieldPath) -> Option<&'a Node> {
        let n = node?;
        if n.is_null() {
            return None;
        }
        if n.as_map().is_some() {
            Some(n)
        } else {
            let _: Lenient<()> = self.bad(n, path, "mapping");
            None
        }
    }

    /// A list field (absent, `null` and wrong-typed give an empty slice).
    pub fn seq<'a>(&mut self, node: Option<&'a Node>, path: impl FnOnce() -> FieldPath) -> &'a [Node] {
        match node {
            None => &[],
            Some(n) if n.is_null() => &[],
            Some(n) => match n.as_seq() {
                Some(s) => s,
                None => {
                    let _: Lenient<()> = self.bad(n, path, "list");
                    &[]
                }
            },
        }
    }
}
