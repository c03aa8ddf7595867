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

/// A moment (seconds since the epoch) as people read it, in local time: "2 Dec 2026, 10:14".
/// `None` for a time no one can have meant (a change stamped before 2001 or unstamped).
pub fn human_time(secs: i64) -> Option<String> {
    if secs < 1_000_000_000 {
        return None;
    }
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(secs as f64 * 1000.0));
    let day = Day::new(
        d.get_full_year() as i32,
        d.get_month() as u8 + 1,
        d.get_date() as u8,
    )?;
    Some(format!(
        "{}, {:02}:{:02}",
        day.human(),
        d.get_hours(),
        d.get_minutes()
    ))
}
