//! The plain-language check shown to hiring managers before they publish a vacancy. It advises
//! and never blocks: restrictive or hard-to-read adverts shut care leavers out.

/// Sentences longer than this many words are flagged.
pub const LONG_SENTENCE_WORDS: usize = 25;

/// NHS and office jargon, with a plainer way to say it.
const JARGON: &[(&str, &str)] = &[
    ("agenda for change", "say \"NHS pay scale\", or explain it"),
    (
        "whole time equivalent",
        "say \"full-time\" or give the hours",
    ),
    (
        "multidisciplinary",
        "say \"working with different kinds of staff\"",
    ),
    (
        "stakeholders",
        "say who you mean, for example \"patients and staff\"",
    ),
    (
        "stakeholder",
        "say who you mean, for example \"patients and staff\"",
    ),
    ("utilise", "say \"use\""),
    ("facilitate", "say \"help\" or \"run\""),
    ("liaise", "say \"work with\" or \"talk to\""),
    ("commence", "say \"start\""),
    ("in accordance with", "say \"following\""),
    ("competencies", "say \"skills\""),
    ("deliverables", "say what needs to be done"),
    ("proactive", "say what you want the person to do"),
    ("dynamic", "say what the job is actually like"),
    ("self-starter", "say what the person will do on their own"),
    ("key performance indicators", "say what will be measured"),
];

/// Acronyms everyone knows, which need no explanation.
const KNOWN_ACRONYMS: &[&str] = &["NHS", "UK", "GP", "A&E", "IT", "ID"];

/// Requirements that keep care leavers out of entry-level posts, and why.
const RESTRICTIVE: &[(&str, &str)] = &[
    ("years of experience", "asks for years of experience"),
    ("years' experience", "asks for years of experience"),
    ("years experience", "asks for years of experience"),
    ("year's experience", "asks for experience"),
    ("previous experience", "asks for previous experience"),
    ("proven track record", "asks for a track record"),
    ("degree", "asks for a degree"),
    ("educated to", "asks for a level of education"),
];

/// One finding of jargon.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Jargon {
    /// The word or phrase found.
    pub term: String,
    /// What to say instead.
    pub suggestion: &'static str,
}

/// The check's findings.
#[derive(Clone, Debug, PartialEq)]
pub struct PlainLanguageReport {
    /// Estimated reading age in years (Flesch–Kincaid grade + 5), if there is text to read.
    pub reading_age: Option<u32>,
    /// Sentences over [`LONG_SENTENCE_WORDS`] words.
    pub long_sentences: Vec<String>,
    /// Jargon found.
    pub jargon: Vec<Jargon>,
    /// Acronyms used without being spelled out.
    pub unexplained_acronyms: Vec<String>,
    /// Requirements that may exclude people, for entry-level posts only.
    pub restrictive_requirements: Vec<String>,
}

impl PlainLanguageReport {
    /// Whether there is nothing to advise about (a reading age of 12 or under counts as plain).
    pub fn is_clear(&self) -> bool {
        self.reading_age.is_none_or(|age| age <= 12)
            && self.long_sentences.is_empty()
            && self.jargon.is_empty()
            && self.unexplained_acronyms.is_empty()
            && self.restrictive_requirements.is_empty()
    }
}

/// Checks an advert. `entry_level` is true for apprenticeships and band 2–3 posts, where asking
/// for experience or degrees is flagged.
pub fn check(text: &str, entry_level: bool) -> PlainLanguageReport {
    let sentences = sentences(text);
    let word_count: usize = sentences.iter().map(|s| words(s).len()).sum();
    let reading_age = (word_count > 0).then(|| {
        let syllables: usize = sentences
            .iter()
            .flat_map(|s| words(s))
            .map(|w| syllables(&w))
            .sum();
        let grade = 0.39 * (word_count as f64 / sentences.len() as f64)
            + 11.8 * (syllables as f64 / word_count as f64)
            - 15.59;
        // Grade 1 is age 6; nobody reads before 5.
        (grade + 5.0).round().clamp(5.0, 25.0) as u32
    });
    let long_sentences = sentences
        .iter()
        .filter(|s| words(s).len() > LONG_SENTENCE_WORDS)
        .map(|s| s.trim().to_owned())
        .collect();

    let lower = text.to_lowercase();
    let mut jargon: Vec<Jargon> = Vec::new();
    for (term, suggestion) in JARGON {
        if contains_phrase(&lower, term) && !jargon.iter().any(|j| j.term.contains(term)) {
            jargon.push(Jargon {
                term: (*term).to_owned(),
                suggestion,
            });
        }
    }

    let mut unexplained_acronyms: Vec<String> = Vec::new();
    for token in text.split(|c: char| !(c.is_alphanumeric() || c == '&')) {
        let letters = token.chars().filter(|c| c.is_alphabetic()).count();
        let is_acronym = (2..=6).contains(&token.len())
            && letters >= 2
            && token
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '&');
        let explained =
            text.contains(&format!("({token})")) || text.contains(&format!("{token} ("));
        if is_acronym
            && !explained
            && !KNOWN_ACRONYMS.contains(&token)
            && !unexplained_acronyms.iter().any(|a| a == token)
        {
            unexplained_acronyms.push(token.to_owned());
        }
    }

    let mut restrictive_requirements: Vec<String> = Vec::new();
    if entry_level {
        for (phrase, why) in RESTRICTIVE {
            if contains_phrase(&lower, phrase) && !restrictive_requirements.iter().any(|r| r == why)
            {
                restrictive_requirements.push((*why).to_owned());
            }
        }
    }

    PlainLanguageReport {
        reading_age,
        long_sentences,
        jargon,
        unexplained_acronyms,
        restrictive_requirements,
    }
}

fn contains_phrase(haystack: &str, phrase: &str) -> bool {
    haystack.match_indices(phrase).any(|(i, _)| {
        let before = haystack[..i].chars().next_back();
        let after = haystack[i + phrase.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

fn sentences(text: &str) -> Vec<String> {
    text.split(['.', '!', '?', '\n'])
        .map(str::trim)
        .filter(|s| !words(s).is_empty())
        .map(str::to_owned)
        .collect()
}

fn words(sentence: &str) -> Vec<String> {
    sentence
        .split_whitespace()
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .filter(|w| w.chars().any(char::is_alphabetic))
        .collect()
}

/// Counts syllables by vowel groups, a standard approximation for English.
fn syllables(word: &str) -> usize {
    let chars: Vec<char> = word.chars().filter(|c| c.is_alphabetic()).collect();
    let is_vowel = |c: char| "aeiouy".contains(c);
    let mut groups = 0;
    let mut previous = false;
    for &c in &chars {
        let vowel = is_vowel(c);
        if vowel && !previous {
            groups += 1;
        }
        previous = vowel;
    }
    let silent_e = chars.len() > 2
        && chars.last() == Some(&'e')
        && !chars.ends_with(&['l', 'e'])
        && groups > 1;
    (groups - usize::from(silent_e)).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_syllables_roughly_right() {
        for (word, expected) in [
            ("cat", 1),
            ("table", 2),
            ("hospital", 3),
            ("care", 1),
            ("patient", 2),
            ("nurse", 1),
            ("the", 1),
        ] {
            assert_eq!(syllables(word), expected, "{word}");
        }
    }

    #[test]
    fn short_plain_text_reads_young() {
        let report = check(
            "You will help patients. You will work with a friendly team. We will train you.",
            true,
        );
        assert!(
            report.reading_age.is_some_and(|a| a <= 9),
            "{:?}",
            report.reading_age
        );
        assert!(report.is_clear());
    }

    #[test]
    fn dense_text_reads_old_and_long_sentences_are_flagged() {
        let dense = "The postholder will be responsible for the comprehensive coordination of multidisciplinary administrative \
            responsibilities, ensuring organisational effectiveness, operational efficiency, and continuous \
            improvement across interdependent departmental functions within the directorate.";
        let report = check(dense, false);
        assert!(
            report.reading_age.is_some_and(|a| a >= 20),
            "{:?}",
            report.reading_age
        );
        assert_eq!(report.long_sentences.len(), 1);
        assert!(report.jargon.iter().any(|j| j.term == "multidisciplinary"));
        assert!(!report.is_clear());
    }

    #[test]
    fn flags_unexplained_acronyms_but_not_explained_or_known_ones() {
        let report = check(
            "Band 3 AfC post. You will join the MDT. Continuing professional development (CPD) is funded. NHS and GP.",
            false,
        );
        assert_eq!(report.unexplained_acronyms, vec!["MDT".to_owned()]);
        let report = check("WTE 0.8. The WTE is set.", false);
        assert_eq!(report.unexplained_acronyms, vec!["WTE".to_owned()]);
    }

    #[test]
    fn flags_restrictive_requirements_only_for_entry_level_posts() {
        let text = "You must have 3 years of experience and a degree in health.";
        assert_eq!(
            check(text, true).restrictive_requirements,
            vec![
                "asks for years of experience".to_owned(),
                "asks for a degree".to_owned()
            ]
        );
        assert!(check(text, false).restrictive_requirements.is_empty());
        assert!(
            check("Degreeless pathways welcome.", true)
                .restrictive_requirements
                .is_empty(),
            "whole words only"
        );
    }

    #[test]
    fn jargon_matches_whole_phrases_once() {
        let report = check(
            "Stakeholder engagement with stakeholders. We utilise tools.",
            false,
        );
        let terms: Vec<&str> = report.jargon.iter().map(|j| j.term.as_str()).collect();
        assert_eq!(terms, ["stakeholders", "utilise"]);
    }

    #[test]
    fn empty_text_has_no_reading_age() {
        assert_eq!(check("", true).reading_age, None);
        assert!(check("   ", true).is_clear());
    }
}
