//! The user a container runs as, as written in a Dockerfile's `USER` or an image config's
//! `User`: `user[:group]`, read the way the runtime reads it (runc resolves a user that parses as
//! a Go integer — `strconv.Atoi`: an optional sign and decimal digits — as that UID, so `0`,
//! `000`, `+0` and `-0` are all root; an empty user is root too).

/// The user part of `user[:group]` and what it means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ImageUser<'a> {
    /// The user part, trimmed (`app` of `app:app`).
    pub name: &'a str,
    /// The UID, when the user part is a number (`10001`, `+0`).
    pub uid: Option<i64>,
    /// Whether the container runs as root: no user, `root`, UID 0, or Windows'
    /// `ContainerAdministrator`.
    pub root: bool,
}

/// Parses a decimal integer as Go's `strconv.Atoi` does: an optional `+` or `-`, then ASCII
/// digits, nothing else.
#[must_use]
pub fn go_atoi(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // Rust's parser takes the sign as Go's does; an overflow is simply not a UID.
    s.parse::<i64>().ok()
}

/// Reads `user[:group]`.
#[must_use]
pub fn image_user(u: &str) -> ImageUser<'_> {
    let name = u.split(':').next().unwrap_or(u).trim();
    let uid = go_atoi(name);
    let root =
        name.is_empty() || name == "root" || uid == Some(0) || name.eq_ignore_ascii_case("ContainerAdministrator");
    ImageUser { name, uid, root }
}

#[cfg(test)]
mod tests {
    use super::image_user;

    #[test]
    fn root_as_the_runtime_reads_it() {
        for root in ["", "root", "0", "000", "+0", "-0", "0:0", "root:app", " root ", "ContainerAdministrator"] {
            assert!(image_user(root).root, "{root:?}");
        }
        for not in ["10001", "+10001", "app", "nobody:nogroup", "0a", "rooted", "1000:0"] {
            assert!(!image_user(not).root, "{not:?}");
        }
        assert_eq!(image_user("+10001").uid, Some(10001));
        assert_eq!(image_user("app").uid, None);
        assert_eq!(image_user("99999999999999999999").uid, None);
    }
}
