//! Cleaning and normalising free text from forms, CSV files and kiosks.

use unicode_normalization::UnicodeNormalization;

use crate::error::{Error, Result, Rule};

/// Trims, applies NFC and rejects control characters; the text is otherwise kept verbatim (markup,
/// quotes, emoji and right-to-left scripts are data, escaped by whoever displays them).
pub fn clean(field: &str, value: &str, max_chars: usize) -> Result<String> {
    let value: String = value.trim().nfc().collect();
    if value.chars().any(|c| c.is_control()) {
        return Err(Error::invalid(field, Rule::ControlCharacters));
    }
    let n = value.chars().count();
    if n > max_chars {
        return Err(Error::invalid_because(
            field,
            Rule::TooLong { max: max_chars },
            format!("is too long ({n} characters; at most {max_chars})"),
        ));
    }
    Ok(value)
}

pub fn required(field: &str, value: &str, max_chars: usize) -> Result<String> {
    let v = clean(field, value, max_chars)?;
    if v.is_empty() {
        return Err(Error::invalid(field, Rule::Required));
    }
    Ok(v)
}

pub fn optional(field: &str, value: Option<&str>, max_chars: usize) -> Result<Option<String>> {
    match value {
        None => Ok(None),
        Some(v) => {
            let v = clean(field, v, max_chars)?;
            Ok((!v.is_empty()).then_some(v))
        }
    }
}

pub fn email(field: &str, value: Option<&str>) -> Result<Option<String>> {
    let Some(v) = optional(field, value, 254)? else {
        return Ok(None);
    };
    if !email_address::EmailAddress::is_valid(&v) || !v.contains('.') {
        return Err(Error::invalid_because(
            field,
            Rule::Email,
            format!("{v:?} is not a valid email address"),
        ));
    }
    Ok(Some(v))
}

pub fn phone(field: &str, value: Option<&str>) -> Result<Option<String>> {
    let Some(v) = optional(field, value, 32)? else {
        return Ok(None);
    };
    let ok_chars = v
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '-' | '(' | ')' | '.'));
    let digits = v.chars().filter(char::is_ascii_digit).count();
    if !ok_chars || !(5..=17).contains(&digits) || v[1..].contains('+') {
        return Err(Error::invalid_because(
            field,
            Rule::Phone,
            format!("{v:?} is not a valid phone number"),
        ));
    }
    Ok(Some(v))
}

/// Each word's first letter followed by a bullet per further letter: `Ada Lovelace` → `A•• L•••••••`.
pub fn mask(s: &str) -> String {
    s.split_whitespace()
        .map(|w| {
            let mut chars = w.chars();
            let first = chars.next().map(String::from).unwrap_or_default();
            first + &"•".repeat(chars.count().min(12))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Lower-cased, accent-free form used for search: "Zoë O'Brien" → "zoe o'brien".
pub fn fold(s: &str) -> String {
    s.nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

pub fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_is_kept_verbatim() {
        for s in [
            "<script>alert(1)</script>",
            "Robert'); DROP TABLE visits;--",
            "\"quoted\" & 'single'",
            "Zoë 🦀 Łukasz",
            "שלום עליכם",
            "مرحبا",
        ] {
            assert_eq!(clean("name", s, 300).expect("valid"), s);
        }
    }

    #[test]
    fn control_characters_and_overlong_text_are_rejected() {
        assert!(clean("name", "a\u{0}b", 10).is_err());
        assert!(clean("name", "a\u{1b}[31mred", 50).is_err());
        let long = "x".repeat(301);
        let err = clean("name", &long, 300).expect_err("too long");
        assert!(err.to_string().contains("301"), "says how long: {err}");
    }

    #[test]
    fn emails_and_phones_are_checked() {
        assert!(email("email", Some("ann@example.com")).is_ok());
        assert!(email("email", Some("not-an-email")).is_err());
        assert!(email("email", Some("a@b")).is_err());
        assert_eq!(email("email", Some("  ")).expect("blank is none"), None);
        assert!(phone("phone", Some("+44 (0)20 7946 0958")).is_ok());
        assert!(phone("phone", Some("call me")).is_err());
        assert!(phone("phone", Some("12")).is_err());
    }

    #[test]
    fn fold_strips_case_and_accents() {
        assert_eq!(fold("Zoë ÅSE"), "zoe ase");
        assert_eq!(
            fold("Ørsted"),
            "ørsted",
            "letters that are not accents stay"
        );
    }

    #[test]
    fn masking_keeps_only_first_letters() {
        assert_eq!(mask("Ada Lovelace"), "A•• L•••••••");
        assert_eq!(mask("  Zoë  O'Brien "), "Z•• O••••••");
        assert_eq!(mask("李"), "李");
        assert_eq!(mask(""), "");
    }
}
