//! Python's `time.ctime()`: `Sun Aug 13 18:16:38 2006`, local time, the day
//! of the month padded with a space (`Sun Aug  3 ...`), as C's `asctime`.

/// The format, for chrono's `format`.
pub const FORMAT: &str = "%a %b %e %H:%M:%S %Y";

/// Now, formatted as `time.ctime()` formats it.
pub fn now() -> String {
    chrono::Local::now().format(FORMAT).to_string()
}

#[cfg(test)]
mod tests {
    use super::FORMAT;
    use chrono::NaiveDate;

    #[test]
    fn matches_python_ctime() {
        let t = NaiveDate::from_ymd_opt(2006, 8, 13)
            .unwrap()
            .and_hms_opt(18, 16, 38)
            .unwrap();
        assert_eq!(t.format(FORMAT).to_string(), "Sun Aug 13 18:16:38 2006");
        let t = NaiveDate::from_ymd_opt(2006, 8, 3)
            .unwrap()
            .and_hms_opt(8, 6, 8)
            .unwrap();
        assert_eq!(t.format(FORMAT).to_string(), "Thu Aug  3 08:06:08 2006");
    }
}
