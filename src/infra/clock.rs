//! The only place that reads the time. The core gets days and seconds passed in.

use career_core::Day;

/// Today in the user's local time zone.
pub fn today() -> Day {
    let now = js_sys::Date::new_0();
    Day::new(
        now.get_full_year() as i32,
        now.get_month() as u8 + 1,
        now.get_date() as u8,
    )
    .expect("the browser's date is a valid calendar day")
}

/// Seconds since the Unix epoch, for Automerge change timestamps.
pub fn now_secs() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}
