//! Sets of (protocol, port range)s: what a rule, a direction or a path allows.

use std::fmt;

use super::policy::Proto;

/// A set of ports over protocols, normalised (sorted, merged); [`PortSet::All`] is every port of
/// every protocol.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortSet {
    /// Every port of every protocol.
    All,
    /// These ranges (inclusive); empty = nothing.
    Ranges(Vec<(Proto, u16, u16)>),
}

const PROTOS: [Proto; 3] = [Proto::Tcp, Proto::Udp, Proto::Sctp];

impl Default for PortSet {
    fn default() -> Self {
        PortSet::none()
    }
}

impl PortSet {
    /// The empty set.
    #[must_use]
    pub const fn none() -> Self {
        PortSet::Ranges(Vec::new())
    }

    /// A set from ranges.
    #[must_use]
    pub fn from_ranges(mut v: Vec<(Proto, u16, u16)>) -> Self {
        v.retain(|(_, a, b)| a <= b);
        v.sort_unstable();
        let mut out: Vec<(Proto, u16, u16)> = Vec::with_capacity(v.len());
        for (p, a, b) in v {
            if let Some(last) = out.last_mut() {
                if last.0 == p && u32::from(a) <= u32::from(last.2) + 1 {
                    last.2 = last.2.max(b);
                    continue;
                }
            }
            out.push((p, a, b));
        }
        if PROTOS.iter().all(|p| out.contains(&(*p, 1, u16::MAX))) {
            return PortSet::All;
        }
        PortSet::Ranges(out)
    }

    /// Whether the set is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        matches!(self, PortSet::Ranges(v) if v.is_empty())
    }

    /// Whether the set holds `port`/`proto`.
    #[must_use]
    pub fn contains(&self, proto: Proto, port: u16) -> bool {
        match self {
            PortSet::All => true,
            PortSet::Ranges(v) => v.iter().any(|(p, a, b)| *p == proto && (*a..=*b).contains(&port)),
        }
    }

    /// Adds every port of `other`.
    pub fn union_with(&mut self, other: &PortSet) {
        match (&*self, other) {
            (PortSet::All, _) => {}
            (_, PortSet::All) => *self = PortSet::All,
            (PortSet::Ranges(a), PortSet::Ranges(b)) => {
                let mut v = a.clone();
                v.extend_from_slice(b);
                *self = PortSet::from_ranges(v);
            }
        }
    }

    /// The ports in both sets.
    #[must_use]
    pub fn intersect(&self, other: &PortSet) -> PortSet {
        match (self, other) {
            (PortSet::All, x) | (x, PortSet::All) => x.clone(),
            (PortSet::Ranges(a), PortSet::Ranges(b)) => {
                let mut v = Vec::new();
                for (p, a1, a2) in a {
                    for (q, b1, b2) in b {
                        if p == q && a1.max(b1) <= a2.min(b2) {
                            v.push((*p, *a1.max(b1), *a2.min(b2)));
                        }
                    }
                }
                PortSet::from_ranges(v)
            }
        }
    }
}

impl fmt::Display for PortSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortSet::All => f.write_str("all ports"),
            PortSet::Ranges(v) if v.is_empty() => f.write_str("none"),
            PortSet::Ranges(v) => {
                for (i, (p, a, b)) in v.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    if (*a, *b) == (1, u16::MAX) {
                        write!(f, "all {p}")?;
                    } else if a == b {
                        write!(f, "{a}/{p}")?;
                    } else {
                        write!(f, "{a}-{b}/{p}")?;
                    }
                }
                Ok(())
            }
        }
    }
}
