//! Calendar days without a clock.
//!
//! The core never reads the time: the browser shell passes "today" in (on
//! wasm32-unknown-unknown `SystemTime::now()` panics, and tests need to move the clock).
//! Days are stored in documents as ISO `YYYY-MM-DD` strings, a single-valued register:
//! concurrent edits keep both values as an Automerge conflict, one of which is shown.

use std::fmt;
use std::str::FromStr;

use autosurgeon::{HydrateError, Reconcile, Reconciler};

/// A day of the proleptic Gregorian calendar.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day {
    year: i32,
    month: u8,
    day: u8,
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(year) => 29,
        _ => 28,
    }
}

impl Day {
    pub fn new(year: i32, month: u8, day: u8) -> Option<Day> {
        ((1..=9999).contains(&year)
            && (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month))
        .then_some(Day { year, month, day })
    }

    pub fn year(self) -> i32 {
        self.year
    }
    pub fn month(self) -> u8 {
        self.month
    }
    pub fn day(self) -> u8 {
        self.day
    }

    /// Adds calendar months, clamping to the end of shorter months
    /// (31 Jan + 1 month = 28/29 Feb), as people expect of "every 6 months".
    pub fn add_months(self, months: i32) -> Day {
        let total = self.year * 12 + (self.month as i32 - 1) + months;
        let year = total.div_euclid(12);
        let month = (total.rem_euclid(12) + 1) as u8;
        let day = self.day.min(days_in_month(year, month));
        Day { year, month, day }
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    pub fn ordinal(self) -> i64 {
        let y = if self.month <= 2 {
            self.year - 1
        } else {
            self.year
        } as i64;
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = self.month as i64;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + self.day as i64 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146097 + doe - 719468
    }

    /// Number of days from `self` until `other` (negative when `other` is earlier).
    pub fn days_until(self, other: Day) -> i64 {
        other.ordinal() - self.ordinal()
    }

    pub fn add_days(self, days: i64) -> Day {
        let z = self.ordinal() + days + 719468;
        let era = z.div_euclid(146097);
        let doe = z - era * 146097;
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let y = (yoe + era * 400 + if m <= 2 { 1 } else { 0 }) as i32;
        Day {
            year: y,
            month: m,
            day: d,
        }
    }

    /// The day as people read it: in the format the app set with [`set_display`] (the
    /// browser's locale), else "26 Nov 2026".
    pub fn human(self) -> String {
        if let Some(show) = DISPLAY.get() {
            return show(self);
        }
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        format!(
            "{} {} {}",
            self.day,
            MONTHS[self.month as usize - 1],
            self.year
        )
    }
}

static DISPLAY: std::sync::OnceLock<fn(Day) -> String> = std::sync::OnceLock::new();

/// Sets how [`Day::human`] writes days for the rest of the run (the app passes the
/// browser's locale format, so a day reads the same in every sentence and in date inputs).
/// Only the first call counts.
pub fn set_display(show: fn(Day) -> String) {
    let _ = DISPLAY.set(show);
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a date in YYYY-MM-DD form: {0:?}")]
pub struct ParseDayError(pub String);

impl FromStr for Day {
    type Err = ParseDayError;
    fn from_str(s: &str) -> Result<Day, ParseDayError> {
        let err = || ParseDayError(s.chars().take(40).collect());
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(err());
        }
        let num = |r: std::ops::Range<usize>| -> Result<u32, ParseDayError> {
            let part = &s[r];
            if !part.bytes().all(|c| c.is_ascii_digit()) {
                return Err(err());
            }
            part.parse().map_err(|_| err())
        };
        Day::new(num(0..4)? as i32, num(5..7)? as u8, num(8..10)? as u8).ok_or_else(err)
    }
}

impl Reconcile for Day {
    type Key<'a> = autosurgeon::reconcile::NoKey;
    fn reconcile<R: Reconciler>(&self, mut reconciler: R) -> Result<(), R::Error> {
        reconciler.str(self.to_string())
    }
}

impl autosurgeon::Hydrate for Day {
    fn hydrate_string(s: &'_ str) -> Result<Self, HydrateError> {
        s.parse()
            .map_err(|_| HydrateError::unexpected("a date (YYYY-MM-DD)", s.to_string()))
    }
}

impl serde::Serialize for Day {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Day {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Day, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Day {
        s.parse().unwrap()
    }

    #[test]
    fn parses_and_prints_iso_dates() {
        assert_eq!(d("2026-11-26").to_string(), "2026-11-26");
        assert_eq!(d("2024-02-29").human(), "29 Feb 2024");
        for bad in [
            "2023-02-29",
            "2026-13-01",
            "26-11-2026",
            "2026-1-01",
            "",
            "2026-11-2x",
        ] {
            assert!(bad.parse::<Day>().is_err(), "{bad} should not parse");
        }
    }

    #[test]
    fn adding_months_clamps_to_month_end() {
        assert_eq!(d("2026-01-31").add_months(1), d("2026-02-28"));
        assert_eq!(d("2024-01-31").add_months(1), d("2024-02-29"));
        assert_eq!(d("2026-08-15").add_months(6), d("2027-02-15"));
        assert_eq!(d("2026-08-15").add_months(12), d("2027-08-15"));
        assert_eq!(d("2026-01-15").add_months(-13), d("2024-12-15"));
    }

    #[test]
    fn day_arithmetic_round_trips() {
        assert_eq!(d("1970-01-01").ordinal(), 0);
        assert_eq!(d("2026-11-26").days_until(d("2026-12-26")), 30);
        assert_eq!(d("2024-02-28").add_days(2), d("2024-03-01"));
        let start = d("1999-12-31");
        for n in -1000..1000 {
            assert_eq!(start.days_until(start.add_days(n)), n);
        }
    }
}
