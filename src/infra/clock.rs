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

/// A formatter in the browser's locale with these options.
fn formatter(options: &[(&str, &str)]) -> js_sys::Intl::DateTimeFormat {
    let object = js_sys::Object::new();
    for (key, value) in options {
        // Setting a property on a new plain object does not fail.
        let _ = js_sys::Reflect::set(&object, &(*key).into(), &(*value).into());
    }
    js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &object)
}

thread_local! {
    /// Days with the month by name, in the browser's language: "Mar 15, 2027",
    /// "15 Mar 2027", "15. März 2027" — never a 03/04 that reads two ways.
    static DAY_FORMAT: js_sys::Intl::DateTimeFormat =
        formatter(&[("year", "numeric"), ("month", "short"), ("day", "numeric")]);
    static MONTH_FORMAT: js_sys::Intl::DateTimeFormat = formatter(&[("month", "short")]);
    static TIME_FORMAT: js_sys::Intl::DateTimeFormat =
        formatter(&[("hour", "numeric"), ("minute", "2-digit")]);
}

fn js_date(day: Day) -> js_sys::Date {
    js_sys::Date::new_with_year_month_day(
        day.year() as u32,
        day.month() as i32 - 1,
        day.day() as i32,
    )
}

fn format(
    f: &'static std::thread::LocalKey<js_sys::Intl::DateTimeFormat>,
    day: Day,
) -> Option<String> {
    f.with(|f| f.format().call1(f, &js_date(day)).ok()?.as_string())
}

/// A day's month, short, in the browser's language ("Nov", "nov.", "11月").
pub fn month_name(day: Day) -> String {
    format(&MONTH_FORMAT, day).unwrap_or_else(|| day.month().to_string())
}

/// A day in the browser's locale, the month by name ("Mar 15, 2027", "15 Mar 2027"): one
/// format for every date on screen.
fn locale_day(day: Day) -> String {
    format(&DAY_FORMAT, day).unwrap_or_else(|| day.to_string())
}

/// Makes every day the app writes ([`Day::human`]) read in the browser's locale.
pub fn use_locale_dates() {
    career_core::model::date::set_display(locale_day);
}

/// Seconds since the Unix epoch, for Automerge change timestamps.
pub fn now_secs() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

/// A moment (seconds since the epoch) as people read it, in local time and the browser's
/// locale: the day as everywhere else, then the time ("12/02/2026, 5:12 PM").
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
    let time = TIME_FORMAT
        .with(|f| f.format().call1(f, &d).ok()?.as_string())
        .unwrap_or_else(|| format!("{:02}:{:02}", d.get_hours(), d.get_minutes()));
    Some(format!("{}, {time}", day.human()))
}
