//! Durations as people read them on documents.

/// `h:mm` for a number of minutes (negative shown with a minus sign).
pub(crate) fn hm(minutes: i64) -> String {
    let sign = if minutes < 0 { "-" } else { "" };
    let m = minutes.abs();
    format!("{sign}{}:{:02}", m / 60, m % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_minutes_format() {
        assert_eq!(hm(0), "0:00");
        assert_eq!(hm(485), "8:05");
        assert_eq!(hm(-30), "-0:30");
    }
}
