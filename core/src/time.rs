//! Time without a clock: RFC 3339 timestamps to Unix seconds and back. The library never reads
//! the system clock; "now" is always an argument (the CLI reads the clock and passes it in).

/// Parses an RFC 3339 timestamp (`2026-11-22T10:00:00Z`, `2026-11-22T10:00:00.5+01:00`,
/// `2026-11-22`) into Unix seconds.
#[must_use]
pub fn parse_rfc3339(s: &str) -> Option<i64> {
    let s = s.trim();
    let date = s.get(..10)?;
    let mut it = date.split('-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next()?.parse().ok()?;
    let d: i64 = it.next()?.parse().ok()?;
    let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
    let days_in_month = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if !(1..=12).contains(&m) || !(1..=days_in_month).contains(&d) || it.next().is_some() {
        return None;
    }
    let rest = s.get(10..)?;
    let mut secs = 0i64;
    let mut offset = 0i64;
    if !rest.is_empty() {
        let t = rest.strip_prefix(['T', 't', ' '])?;
        let hh: i64 = t.get(0..2)?.parse().ok()?;
        let mm: i64 = t.get(3..5)?.parse().ok()?;
        let ss: i64 = t.get(6..8)?.parse().ok()?;
        if t.get(2..3)? != ":" || t.get(5..6)? != ":" || hh > 23 || mm > 59 || ss > 60 {
            return None;
        }
        secs = hh * 3600 + mm * 60 + ss;
        let mut tz = t.get(8..)?;
        if let Some(frac) = tz.strip_prefix('.') {
            let n = frac.find(|c: char| !c.is_ascii_digit()).unwrap_or(frac.len());
            tz = frac.get(n..)?;
        }
        offset = match tz {
            "Z" | "z" | "" => 0,
            _ => {
                let sign = if tz.starts_with('-') {
                    -1
                } else if tz.starts_with('+') {
                    1
                } else {
                    return None;
                };
                let oh: i64 = tz.get(1..3)?.parse().ok()?;
                let om: i64 = tz.get(4..6)?.parse().ok()?;
                sign * (oh * 3600 + om * 60)
            }
        };
    }
    // days from civil (Howard Hinnant)
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + secs - offset)
}

/// Formats Unix seconds as RFC 3339 in UTC (`2026-11-22T10:00:00Z`).
#[must_use]
pub fn format_rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // civil from days (Howard Hinnant)
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", rem / 3600, rem % 3600 / 60, rem % 60)
}

#[cfg(test)]
mod tests {
    use super::{format_rfc3339, parse_rfc3339};

    #[test]
    fn rfc3339() {
        assert_eq!(parse_rfc3339("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_rfc3339("2026-11-22T00:00:00Z"), Some(1_795_305_600));
        assert_eq!(parse_rfc3339("2026-11-22T01:00:00+01:00"), Some(1_795_305_600));
        assert_eq!(parse_rfc3339("2026-11-22T00:00:00.123456789Z"), Some(1_795_305_600));
        assert_eq!(parse_rfc3339("2026-11-22"), Some(1_795_305_600));
        assert_eq!(parse_rfc3339("yesterday"), None);
        // days that do not exist are no time (they were read as the next month's)
        assert_eq!(parse_rfc3339("2024-02-30T00:00:00Z"), None);
        assert_eq!(parse_rfc3339("2023-02-29"), None);
        assert_eq!(parse_rfc3339("2024-04-31"), None);
        assert_eq!(parse_rfc3339("2024-02-29"), Some(1_709_164_800));
        assert_eq!(parse_rfc3339("2000-02-29"), Some(951_782_400));
        assert_eq!(parse_rfc3339("1900-02-29"), None);
    }

    #[test]
    fn round_trip() {
        for t in [0, 1_795_305_600, 951_782_400, 4_102_444_799, -86_400] {
            assert_eq!(parse_rfc3339(&format_rfc3339(t)), Some(t), "{t}");
        }
        assert_eq!(format_rfc3339(1_795_305_600), "2026-11-22T00:00:00Z");
    }
}
