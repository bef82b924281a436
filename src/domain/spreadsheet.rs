//! Values in CSV files that people open in a spreadsheet: a value starting with `=`, `+`, `-`
//! or `@` would be run as a formula, so it is written with an apostrophe before it, which
//! spreadsheets hide and our readers remove again.

/// The characters that start a formula.
const FORMULA_STARTS: [char; 4] = ['=', '+', '-', '@'];

/// A value made safe to open in a spreadsheet.
pub fn escape(value: &str) -> String {
    if value.starts_with(FORMULA_STARTS) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

/// Removes the apostrophe that [`escape`] puts before a value a spreadsheet would run.
pub fn unescape(value: &str) -> &str {
    match value.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_made_harmless_and_read_back() {
        for value in ["=1+1", "+44 151", "-3", "@SUM(A1)"] {
            let escaped = escape(value);
            assert!(escaped.starts_with('\''), "{value}");
            assert_eq!(unescape(&escaped), value);
        }
        assert_eq!(escape("Porter"), "Porter");
        assert_eq!(unescape("Porter"), "Porter");
        // An apostrophe before anything else is the value's own.
        assert_eq!(unescape("'tis"), "'tis");
    }
}
