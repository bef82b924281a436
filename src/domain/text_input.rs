//! What any text typed into the service may hold (docs/DOMAIN.md §9): no control characters,
//! apart from the tab and the line breaks a long answer needs. A control character shows as
//! nothing (or as a box), can hide or reorder what a reader sees, and one of them, NUL, cannot
//! be stored by Postgres at all. This is the one rule for every field: the web layer applies it
//! to every form and query string (`web::text_guard`), and file imports to every cell.

/// Whether a character is refused in typed text: a Unicode control character (C0, DEL, C1)
/// other than tab, line feed and carriage return.
pub fn is_refused(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// Whether a text holds a refused character.
pub fn has_refused(text: &str) -> bool {
    text.chars().any(is_refused)
}

/// What to tell someone whose text held a refused character, naming where it was.
pub fn refusal(place: &str) -> String {
    format!(
        "{place} has a hidden character that cannot be stored (often copied in from another program): type it again, or paste it as plain text"
    )
}

/// What someone typed, split into its paragraphs: one per line, trimmed, blank lines dropped,
/// so line breaks survive on a page without inline styles.
pub fn paragraphs(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn paragraphs_are_the_lines_typed_without_blank_ones() {
        assert_eq!(paragraphs("One.\r\n\r\n Two. \n"), ["One.", "Two."]);
        assert!(paragraphs("  \n\t\n").is_empty());
    }

    use super::*;

    #[test]
    fn tabs_and_line_breaks_are_allowed() {
        assert!(!has_refused("Line one\r\nLine two\n\tindented"));
    }

    #[test]
    fn every_other_control_character_is_refused() {
        for c in ('\u{0}'..='\u{1F}')
            .chain(['\u{7F}'])
            .chain('\u{80}'..='\u{9F}')
        {
            let expected = !matches!(c, '\t' | '\n' | '\r');
            assert_eq!(has_refused(&format!("a{c}b")), expected, "{:?}", c);
        }
    }

    #[test]
    fn letters_punctuation_and_emoji_from_any_script_are_allowed() {
        for text in [
            "Siobhán O’Neill",
            "Straße",
            "Ａlder Hey",
            "日本語",
            "🙂",
            "£5 & 10%",
        ] {
            assert!(!has_refused(text), "{text}");
        }
    }

    #[test]
    fn the_message_names_the_place() {
        assert!(refusal("Job role").starts_with("Job role has a hidden character"));
    }
}
