//! Where reading starts and where it stops, and the parser for the `--from` spelling the CLI
//! takes: `earliest`, `latest`, an offset, an RFC 3339 time, or a duration back from now.
//!
//! The parser is pure: "now" is an argument, so `-10m` is tested without a clock.

use std::fmt;

/// Where each assigned partition starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// The oldest record the broker still keeps (the low watermark).
    Earliest,
    /// The end of the partition at assignment: only records produced afterwards.
    Latest,
    /// This offset in every partition; clamped to what the partition holds (an offset
    /// retention already deleted starts at the oldest record, one past the end at the end).
    Offset(i64),
    /// The first record whose timestamp is at or after this time (milliseconds since the Unix
    /// epoch), found with the broker's offsets-for-times lookup; a time after the newest record
    /// starts at the end.
    Time(i64),
}

/// Where reading stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Until {
    /// Each partition's high watermark when it was assigned: a bounded read of what was there.
    /// Partitions that are empty, or already at their end, finish at once.
    End,
    /// Keep reading new records until stopped.
    Never,
}

/// A `--from` value that is none of the accepted spellings.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{written}` is not a start position: {reason}; write earliest, latest, an offset (1234), an RFC 3339 time (2024-05-01T12:00:00Z) or a duration back from now (-10m, -1h30m, -2d)"
)]
pub struct StartError {
    pub written: String,
    pub reason: &'static str,
}

impl Start {
    /// Parses `earliest | latest | OFFSET | RFC3339-TIME | -DURATION`, with `now_ms` (now, in
    /// milliseconds since the Unix epoch) as the reference for durations.
    ///
    /// Durations are one or more `<number><unit>` with units `ms`, `s`, `m`, `h`, `d`, `w`
    /// (`-1h30m`). Times need a date, a time and an offset (`Z` or `+02:00`); fractions of a
    /// second are kept to the millisecond.
    pub fn parse(text: &str, now_ms: i64) -> Result<Start, StartError> {
        let error = |reason| StartError {
            written: text.to_owned(),
            reason,
        };
        let trimmed = text.trim();
        match trimmed.to_ascii_lowercase().as_str() {
            "earliest" | "beginning" => return Ok(Start::Earliest),
            "latest" | "end" => return Ok(Start::Latest),
            "" => return Err(error("it is empty")),
            _ => {}
        }
        if trimmed.bytes().all(|b| b.is_ascii_digit()) {
            return trimmed
                .parse::<i64>()
                .map(Start::Offset)
                .map_err(|_| error("the offset is too large"));
        }
        if let Some(duration) = trimmed.strip_prefix('-') {
            let ms = parse_duration_ms(duration).map_err(error)?;
            return Ok(Start::Time(now_ms.saturating_sub(ms)));
        }
        parse_rfc3339_ms(trimmed).map(Start::Time).map_err(error)
    }
}

impl fmt::Display for Start {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Start::Earliest => f.write_str("earliest"),
            Start::Latest => f.write_str("latest"),
            Start::Offset(offset) => write!(f, "offset {offset}"),
            Start::Time(ms) => write!(f, "time {ms} ms"),
        }
    }
}

/// A duration flag (`--timeout`, `--broken-after`, `--window`) that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{written}` is not a duration: {reason}; write a number and a unit, several may follow each other (250ms, 10s, 5m, 1h30m, 2d)"
)]
pub struct DurationError {
    pub written: String,
    pub reason: &'static str,
}

/// Parses a duration: one or more `<number><unit>` with units `ms`, `s`, `m`, `h`, `d`, `w`.
pub fn parse_duration(text: &str) -> Result<std::time::Duration, DurationError> {
    let ms = parse_duration_ms(text.trim()).map_err(|reason| DurationError {
        written: text.to_owned(),
        reason,
    })?;
    Ok(std::time::Duration::from_millis(
        u64::try_from(ms).unwrap_or_default(),
    ))
}

/// Milliseconds since the Unix epoch as an RFC 3339 UTC time with milliseconds
/// (`2024-05-01T12:00:00.250Z`), the spelling `--from` accepts back.
pub fn format_timestamp_ms(ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000);
    let (year, month, day) = civil_from_days(days);
    if (0..=9999).contains(&year) {
        // Every record's time is written by `sample`: digits by hand, not through `format!`,
        // which cost a twentieth of a sample's time.
        let mut text = *b"0000-00-00T00:00:00.000Z";
        let mut put = |at: usize, width: usize, mut n: i64| {
            for i in (at..at + width).rev() {
                text[i] = b'0' + (n % 10) as u8;
                n /= 10;
            }
        };
        put(0, 4, year);
        put(5, 2, month);
        put(8, 2, day);
        put(11, 2, in_day / 3_600_000);
        put(14, 2, in_day / 60_000 % 60);
        put(17, 2, in_day / 1_000 % 60);
        put(20, 3, in_day % 1_000);
        return text.iter().map(|&b| char::from(b)).collect();
    }
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        in_day / 3_600_000,
        in_day / 60_000 % 60,
        in_day / 1_000 % 60,
        in_day % 1_000
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm,
/// the inverse of `days_from_civil`).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// `10m`, `1h30m`, `250ms` → milliseconds.
fn parse_duration_ms(text: &str) -> Result<i64, &'static str> {
    if text.is_empty() {
        return Err("a duration needs a number and a unit");
    }
    let bytes = text.as_bytes();
    let mut total: i64 = 0;
    let mut i = 0;
    while i < bytes.len() {
        let digits_start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i == digits_start {
            return Err("a duration is a number followed by a unit (ms, s, m, h, d, w)");
        }
        let number: i64 = text[digits_start..i]
            .parse()
            .map_err(|_| "the duration is too large")?;
        let unit_start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        let unit_ms: i64 = match &text[unit_start..i] {
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            "w" => 7 * 86_400_000,
            "" => {
                return Err(
                    "a duration needs a unit (ms, s, m, h, d, w); offsets are never negative",
                );
            }
            _ => return Err("the duration's unit is not one of ms, s, m, h, d, w"),
        };
        total = number
            .checked_mul(unit_ms)
            .and_then(|ms| total.checked_add(ms))
            .ok_or("the duration is too large")?;
    }
    Ok(total)
}

/// `2024-05-01T12:00:00.250+02:00` → milliseconds since the Unix epoch.
fn parse_rfc3339_ms(text: &str) -> Result<i64, &'static str> {
    const SHAPE: &str = "it is not an RFC 3339 time";
    let b = text.as_bytes();
    let digits = |range: std::ops::Range<usize>| -> Result<i64, &'static str> {
        let part = b.get(range).ok_or(SHAPE)?;
        if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
            return Err(SHAPE);
        }
        part.iter()
            .try_fold(0i64, |n, d| {
                n.checked_mul(10)?.checked_add(i64::from(d - b'0'))
            })
            .ok_or(SHAPE)
    };
    let expect = |at: usize, allowed: &[u8]| -> Result<(), &'static str> {
        match b.get(at) {
            Some(c) if allowed.contains(c) => Ok(()),
            _ => Err(SHAPE),
        }
    };
    let year = digits(0..4)?;
    expect(4, b"-")?;
    let month = digits(5..7)?;
    expect(7, b"-")?;
    let day = digits(8..10)?;
    expect(10, b"Tt ")?;
    let hour = digits(11..13)?;
    expect(13, b":")?;
    let minute = digits(14..16)?;
    expect(16, b":")?;
    let second = digits(17..19)?;
    let mut i = 19;
    let mut millis = 0;
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        i = start;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return Err(SHAPE);
        }
        // Milliseconds: the first three digits, padded.
        let mut ms = 0;
        for k in 0..3 {
            let d = b
                .get(start + k)
                .filter(|_| start + k < i)
                .map_or(0, |d| d - b'0');
            ms = ms * 10 + i64::from(d);
        }
        millis = ms;
    }
    let offset_minutes = match b.get(i) {
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(sign @ (b'+' | b'-')) if i + 6 == b.len() => {
            let hours = digits(i + 1..i + 3)?;
            expect(i + 3, b":")?;
            let minutes = digits(i + 4..i + 6)?;
            if hours > 23 || minutes > 59 {
                return Err("the time's offset is out of range");
            }
            let total = hours * 60 + minutes;
            if *sign == b'-' { -total } else { total }
        }
        None => return Err("the time needs an offset: Z for UTC, or +02:00"),
        _ => return Err(SHAPE),
    };
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return Err("the date does not exist");
    }
    // 60 is a leap second; it reads as the next second, as most parsers do.
    if hour > 23 || minute > 59 || second > 60 {
        return Err("the time of day is out of range");
    }
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset_minutes * 60;
    Ok(seconds * 1_000 + millis)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_714_564_800_000; // 2024-05-01T12:00:00Z

    fn parse(text: &str) -> Result<Start, StartError> {
        Start::parse(text, NOW)
    }

    #[test]
    fn keywords_and_offsets() {
        assert_eq!(parse("earliest"), Ok(Start::Earliest));
        assert_eq!(parse("LATEST"), Ok(Start::Latest));
        assert_eq!(parse("0"), Ok(Start::Offset(0)));
        assert_eq!(parse("1234"), Ok(Start::Offset(1234)));
        assert!(parse("99999999999999999999").is_err());
        assert!(parse("").is_err());
    }

    #[test]
    fn durations_count_back_from_now() {
        assert_eq!(parse("-10m"), Ok(Start::Time(NOW - 600_000)));
        assert_eq!(parse("-1h30m"), Ok(Start::Time(NOW - 5_400_000)));
        assert_eq!(parse("-250ms"), Ok(Start::Time(NOW - 250)));
        assert_eq!(parse("-2d"), Ok(Start::Time(NOW - 172_800_000)));
        assert_eq!(parse("-1w"), Ok(Start::Time(NOW - 604_800_000)));
        let e = parse("-10").expect_err("no unit");
        assert!(e.to_string().contains("needs a unit"), "{e}");
        assert!(parse("-10x").is_err());
        assert!(parse("-m").is_err());
        assert!(parse("-").is_err());
        assert!(parse("-99999999999999999w").is_err());
    }

    #[test]
    fn timestamps_format_as_rfc3339_and_parse_back() {
        for ms in [
            0,
            NOW,
            NOW + 250,
            951_782_400_000,
            -86_400_001,
            4_102_444_799_999,
        ] {
            let text = format_timestamp_ms(ms);
            assert_eq!(parse_rfc3339_ms(&text), Ok(ms), "{text}");
        }
        assert_eq!(format_timestamp_ms(NOW + 250), "2024-05-01T12:00:00.250Z");
        assert_eq!(
            format_timestamp_ms(951_782_400_000),
            "2000-02-29T00:00:00.000Z"
        );
        // The years written digit by digit, and those beyond them, read as `format!` writes.
        assert_eq!(
            format_timestamp_ms(-62_167_219_200_000),
            "0000-01-01T00:00:00.000Z"
        );
        assert_eq!(
            format_timestamp_ms(253_402_300_799_999),
            "9999-12-31T23:59:59.999Z"
        );
        assert_eq!(
            format_timestamp_ms(253_402_300_800_000),
            "10000-01-01T00:00:00.000Z"
        );
        assert_eq!(
            format_timestamp_ms(-62_167_219_200_001),
            "-001-12-31T23:59:59.999Z"
        );
    }

    #[test]
    fn durations_parse_with_units_and_refuse_bare_numbers() {
        assert_eq!(
            parse_duration("10s"),
            Ok(std::time::Duration::from_secs(10))
        );
        assert_eq!(
            parse_duration(" 1m30s "),
            Ok(std::time::Duration::from_secs(90))
        );
        let error = parse_duration("10").expect_err("no unit");
        assert!(error.to_string().contains("needs a unit"), "{error}");
        assert!(parse_duration("").is_err());
    }

    #[test]
    fn rfc3339_times() {
        assert_eq!(parse("2024-05-01T12:00:00Z"), Ok(Start::Time(NOW)));
        assert_eq!(parse("2024-05-01t12:00:00z"), Ok(Start::Time(NOW)));
        assert_eq!(parse("2024-05-01 14:00:00+02:00"), Ok(Start::Time(NOW)));
        assert_eq!(parse("2024-05-01T07:30:00-04:30"), Ok(Start::Time(NOW)));
        assert_eq!(parse("2024-05-01T12:00:00.5Z"), Ok(Start::Time(NOW + 500)));
        assert_eq!(
            parse("2024-05-01T12:00:00.123456Z"),
            Ok(Start::Time(NOW + 123))
        );
        assert_eq!(parse("1970-01-01T00:00:00Z"), Ok(Start::Time(0)));
        assert_eq!(parse("1969-12-31T23:59:59Z"), Ok(Start::Time(-1000)));
        assert_eq!(
            parse("2000-02-29T00:00:00Z"),
            Ok(Start::Time(951_782_400_000))
        );
        for bad in [
            "2024-05-01",
            "2024-05-01T12:00:00",
            "2024-02-30T12:00:00Z",
            "2023-02-29T00:00:00Z",
            "2024-13-01T12:00:00Z",
            "2024-05-01T24:00:00Z",
            "2024-05-01T12:00:00.Z",
            "2024-05-01T12:00:00+2:00",
            "2024-05-01T12:00:00Zjunk",
            "yesterday",
            "2024-05-01T12:00:00é",
            "ééééééééééééééééééééé",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn any_text_is_an_answer_never_a_panic() {
        for text in [
            "-",
            "--",
            "+1",
            "1.5",
            "2024-",
            "2024-05-01T",
            "-1h-1m",
            "\u{0}",
        ] {
            let _ = parse(text);
        }
    }
}
