//! Vacancies: their vocabularies, and the parsing of the manager's form into a checked
//! [`VacancyInput`]. Nothing is stored unless every field is right.

use time::OffsetDateTime;

use crate::domain::{EmailAddress, london_time};

/// What kind of post it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VacancyKind {
    /// A job.
    Job,
    /// An apprenticeship, with adjusted entry requirements.
    Apprenticeship,
    /// A placement.
    Placement,
}

impl VacancyKind {
    /// Every kind, in the order offered.
    pub const ALL: [VacancyKind; 3] = [
        VacancyKind::Job,
        VacancyKind::Apprenticeship,
        VacancyKind::Placement,
    ];

    /// Stored and submitted name.
    pub fn as_str(self) -> &'static str {
        match self {
            VacancyKind::Job => "job",
            VacancyKind::Apprenticeship => "apprenticeship",
            VacancyKind::Placement => "placement",
        }
    }

    /// Reads a stored or submitted name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// Shown to people.
    pub fn label(self) -> &'static str {
        match self {
            VacancyKind::Job => "Job",
            VacancyKind::Apprenticeship => "Apprenticeship",
            VacancyKind::Placement => "Placement",
        }
    }

    /// Shown in the list's filter, where people choose which posts to see.
    pub fn plural_label(self) -> &'static str {
        match self {
            VacancyKind::Job => "Jobs",
            VacancyKind::Apprenticeship => "Apprenticeships",
            VacancyKind::Placement => "Placements",
        }
    }
}

/// Agenda for Change pay bands.
pub const BANDS: [&str; 11] = ["2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9"];

/// Whether a post is entry level: an apprenticeship, or band 2 or 3.
pub fn is_entry_level(kind: VacancyKind, band: &str) -> bool {
    kind == VacancyKind::Apprenticeship || matches!(band, "2" | "3")
}

/// Who may give a reference (DOMAIN.md §6): not only employers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReferenceType {
    /// A current or past employer.
    Employer,
    /// A personal adviser or leaving-care worker.
    PersonalAdviser,
    /// A teacher, tutor, youth worker or volunteering supervisor.
    EducationOrCommunity,
    /// A character referee of some standing in the community.
    Character,
}

impl ReferenceType {
    /// Every type, in the order offered.
    pub const ALL: [ReferenceType; 4] = [
        ReferenceType::Employer,
        ReferenceType::PersonalAdviser,
        ReferenceType::EducationOrCommunity,
        ReferenceType::Character,
    ];

    /// Stored and submitted name.
    pub fn as_str(self) -> &'static str {
        match self {
            ReferenceType::Employer => "employer",
            ReferenceType::PersonalAdviser => "personal_adviser",
            ReferenceType::EducationOrCommunity => "education_or_community",
            ReferenceType::Character => "character",
        }
    }

    /// Reads a stored or submitted name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// Shown to people.
    pub fn label(self) -> &'static str {
        match self {
            ReferenceType::Employer => "An employer",
            ReferenceType::PersonalAdviser => "A personal adviser or leaving care worker",
            ReferenceType::EducationOrCommunity => {
                "A teacher, tutor, youth worker or volunteering supervisor"
            }
            ReferenceType::Character => {
                "Someone who knows you well and is respected in the community (a character reference)"
            }
        }
    }
}

/// Why a vacancy must accept every kind of referee, if it must (DOMAIN.md §6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlexibleReferences {
    /// Only people who have been in care may apply.
    RingFenced,
    /// It belongs to a programme. Every programme in spectra recruits care leavers: each one
    /// stores which definition of care experience it uses (DOMAIN.md §3).
    CareLeaverProgramme,
}

impl FlexibleReferences {
    /// Whether a vacancy must accept every kind of referee, and why. Ring-fencing is named
    /// first, as it is the reason a manager sees on the form.
    pub fn required(ring_fenced: bool, in_programme: bool) -> Option<Self> {
        if ring_fenced {
            Some(FlexibleReferences::RingFenced)
        } else if in_programme {
            Some(FlexibleReferences::CareLeaverProgramme)
        } else {
            None
        }
    }

    /// The field error shown when some kinds are not ticked.
    pub fn message(self) -> &'static str {
        match self {
            FlexibleReferences::RingFenced => {
                "A vacancy only for people who have been in care must accept every kind of referee. Tick all 4 kinds"
            }
            FlexibleReferences::CareLeaverProgramme => {
                "A vacancy in a programme for care leavers must accept every kind of referee. Tick all 4 kinds"
            }
        }
    }
}

/// Checks that a vacancy that must take flexible references accepts every kind of referee:
/// care leavers often have no employer to ask, so "employer only" would shut them out.
pub fn check_flexible_references(
    ring_fenced: bool,
    in_programme: bool,
    accepted: &[ReferenceType],
) -> Result<(), FieldError> {
    match FlexibleReferences::required(ring_fenced, in_programme) {
        Some(why) if ReferenceType::ALL.iter().any(|r| !accepted.contains(r)) => {
            Err(("reference_options", why.message().to_owned()))
        }
        _ => Ok(()),
    }
}

/// Reads a stored, comma-separated list of reference types (an empty text is none); None if
/// a name is not one of them.
pub fn stored_references(stored: &str) -> Option<Vec<ReferenceType>> {
    stored
        .split(',')
        .filter(|name| !name.is_empty())
        .map(ReferenceType::parse)
        .collect()
}

/// The most characters the entry requirements may have.
pub const MAX_ENTRY_REQUIREMENTS: usize = 2_000;

/// The error shown when an apprenticeship has no entry requirements.
pub const ENTRY_REQUIREMENTS_NEEDED: &str =
    "Enter the entry requirements of the apprenticeship, and the adjustments the programme makes";

/// Turns Windows and old Mac line endings into `\n`, so stored text has one kind of line break,
/// and trims the text as a whole.
pub fn normalise_lines(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .trim()
        .to_owned()
}

/// Checks the entry requirements for a post of this kind: an apprenticeship must state them
/// (DOMAIN.md §1, tailored apprenticeships); other kinds have none, so anything typed is dropped.
pub fn entry_requirements_for(kind: VacancyKind, text: &str) -> Result<String, FieldError> {
    if kind != VacancyKind::Apprenticeship {
        return Ok(String::new());
    }
    let text = normalise_lines(text);
    if text.is_empty() {
        Err(("entry_requirements", ENTRY_REQUIREMENTS_NEEDED.to_owned()))
    } else if text.chars().count() > MAX_ENTRY_REQUIREMENTS {
        Err((
            "entry_requirements",
            format!("Entry requirements must be {MAX_ENTRY_REQUIREMENTS} characters or fewer"),
        ))
    } else {
        Ok(text)
    }
}

/// A stored vacancy, as far as publishing needs to know it.
#[derive(Clone, Copy, Debug)]
pub struct PublishCheck<'a> {
    /// Its kind.
    pub kind: VacancyKind,
    /// Whether it is ring-fenced.
    pub ring_fenced: bool,
    /// Whether it belongs to a programme.
    pub in_programme: bool,
    /// The reference types it accepts.
    pub references: &'a [ReferenceType],
    /// Its entry requirements.
    pub entry_requirements: &'a str,
}

/// What must change before a stored draft may be published. The form enforces the same rules;
/// this catches drafts saved before a rule existed.
pub fn publish_problems(check: PublishCheck<'_>) -> Vec<FieldError> {
    let mut problems = Vec::new();
    if let Err(e) =
        check_flexible_references(check.ring_fenced, check.in_programme, check.references)
    {
        problems.push(e);
    }
    if let Err(e) = entry_requirements_for(check.kind, check.entry_requirements) {
        problems.push(e);
    }
    problems
}

/// Where a vacancy is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VacancyStatus {
    /// Being written; only its organisation sees it.
    Draft,
    /// Advertised until its closing time.
    Published,
    /// Closed early by the manager.
    Closed,
}

impl VacancyStatus {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            VacancyStatus::Draft => "draft",
            VacancyStatus::Published => "published",
            VacancyStatus::Closed => "closed",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        [
            VacancyStatus::Draft,
            VacancyStatus::Published,
            VacancyStatus::Closed,
        ]
        .into_iter()
        .find(|s| s.as_str() == name)
    }
}

/// "Closed early on 7 December 2026" for a vacancy a manager closed before its closing date,
/// in place of the date it was advertised to close; `None` otherwise.
pub fn closed_early(
    status: VacancyStatus,
    closed_early_at: Option<OffsetDateTime>,
) -> Option<String> {
    match (status, closed_early_at) {
        (VacancyStatus::Closed, Some(at)) => {
            Some(format!("Closed early on {}", london_time::describe_day(at)))
        }
        _ => None,
    }
}

/// Whether a vacancy takes applications at `now`: published and before its closing time.
/// Checked on the server at every submission, not only by a job that closes vacancies.
pub fn is_open(status: VacancyStatus, closes_at: OffsetDateTime, now: OffsetDateTime) -> bool {
    status == VacancyStatus::Published && now < closes_at
}

/// One line of the person specification.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CriterionInput {
    /// Essential (the minimum criteria) or desirable.
    pub essential: bool,
    /// What the applicant should show.
    pub text: String,
}

/// The manager's form, as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct VacancyForm {
    /// Job title.
    pub title: String,
    /// Programme ID, or empty.
    pub programme: String,
    /// Kind name.
    pub kind: String,
    /// Band.
    pub band: String,
    /// Hours and working pattern.
    pub working_pattern: String,
    /// Salary in words.
    pub salary: String,
    /// Where the work is.
    pub location: String,
    /// How many people will be hired.
    pub positions: String,
    /// Closing date: day.
    pub closes_day: String,
    /// Closing date: month.
    pub closes_month: String,
    /// Closing date: year.
    pub closes_year: String,
    /// Closing time, HH:MM, London time.
    pub closes_time: String,
    /// "yes" when ring-fenced.
    pub ring_fenced: String,
    /// Plain-language summary.
    pub summary: String,
    /// Full description.
    pub description: String,
    /// Entry requirements and the adjustments made, for apprenticeships.
    pub entry_requirements: String,
    /// Essential criteria, one per line.
    pub essential_criteria: String,
    /// Desirable criteria, one per line.
    pub desirable_criteria: String,
    /// Named contact's name.
    pub contact_name: String,
    /// Named contact's role.
    pub contact_role: String,
    /// Named contact's email.
    pub contact_email: String,
    /// Named contact's phone.
    pub contact_phone: String,
}

/// A checked vacancy, ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VacancyInput {
    /// Job title.
    pub title: String,
    /// Programme, if any (its existence is checked by the caller).
    pub programme_id: Option<i32>,
    /// Kind.
    pub kind: VacancyKind,
    /// Band.
    pub band: String,
    /// Hours and working pattern.
    pub working_pattern: String,
    /// Salary.
    pub salary: String,
    /// Location.
    pub location: String,
    /// Number of positions.
    pub positions: i32,
    /// Closing time, UTC.
    pub closes_at: OffsetDateTime,
    /// Ring-fenced to care-experienced applicants.
    pub ring_fenced: bool,
    /// Summary.
    pub summary: String,
    /// Description.
    pub description: String,
    /// Entry requirements in plain words, with the adjustments the programme makes; empty
    /// unless the post is an apprenticeship.
    pub entry_requirements: String,
    /// The person specification, essential criteria first, in order.
    pub criteria: Vec<CriterionInput>,
    /// Reference types accepted.
    pub reference_options: Vec<ReferenceType>,
    /// Contact name.
    pub contact_name: String,
    /// Contact role.
    pub contact_role: String,
    /// Contact email.
    pub contact_email: String,
    /// Contact phone.
    pub contact_phone: String,
}

/// A field and what is wrong with it.
pub type FieldError = (&'static str, String);

fn required(
    errors: &mut Vec<FieldError>,
    field: &'static str,
    value: &str,
    what: &str,
    max: usize,
) -> String {
    let value = value.trim();
    if value.is_empty() {
        errors.push((field, format!("Enter {what}")));
    } else if value.chars().count() > max {
        errors.push((
            field,
            format!("{} must be {max} characters or fewer", capitalise(what)),
        ));
    }
    value.to_owned()
}

fn capitalise(what: &str) -> String {
    let what = what.trim_start_matches("the ").trim_start_matches("a ");
    let mut chars = what.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
        .unwrap_or_default()
}

fn criteria_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.trim().trim_start_matches(['-', '*', '•']).trim())
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The most criteria a person specification may have.
pub const MAX_CRITERIA: usize = 20;

impl VacancyInput {
    /// Checks the whole form, returning every field error at once. `reference_options` are the
    /// ticked boxes; `now` is used to refuse closing times in the past.
    pub fn parse(
        form: &VacancyForm,
        reference_options: &[String],
        now: OffsetDateTime,
    ) -> Result<Self, Vec<FieldError>> {
        let mut errors: Vec<FieldError> = Vec::new();
        let title = required(&mut errors, "title", &form.title, "the job title", 200);
        let programme_id = parse_programme(&mut errors, &form.programme);
        let kind = VacancyKind::parse(form.kind.trim());
        if kind.is_none() {
            errors.push((
                "kind",
                "Choose whether this is a job, an apprenticeship or a placement".into(),
            ));
        }
        let entry_requirements = kind
            .map(|kind| entry_requirements_for(kind, &form.entry_requirements))
            .transpose()
            .map_err(|e| errors.push(e))
            .ok()
            .flatten()
            .unwrap_or_default();
        let band = form.band.trim().to_lowercase();
        if !BANDS.contains(&band.as_str()) {
            errors.push(("band", "Choose the Agenda for Change band".into()));
        }
        let working_pattern = required(
            &mut errors,
            "working_pattern",
            &form.working_pattern,
            "the hours and working pattern",
            200,
        );
        let salary = required(&mut errors, "salary", &form.salary, "the salary", 200);
        let location = required(
            &mut errors,
            "location",
            &form.location,
            "where the job is",
            200,
        );
        let positions = parse_positions(&mut errors, &form.positions);
        let closes_at = parse_closing(form, now).map_err(|e| errors.push(e)).ok();
        let summary = required(
            &mut errors,
            "summary",
            &form.summary,
            "a short summary",
            600,
        );
        // Browsers send line breaks as \r\n; paragraphs are split on blank lines.
        let description = required(
            &mut errors,
            "description",
            &normalise_lines(&form.description),
            "a description of the job",
            10_000,
        );

        let criteria = parse_criteria(&mut errors, form);

        let ring_fenced = form.ring_fenced == "yes";
        let references = parse_references(&mut errors, form, reference_options, ring_fenced);

        let contact_name = required(
            &mut errors,
            "contact_name",
            &form.contact_name,
            "the contact's name",
            200,
        );
        let contact_role = required(
            &mut errors,
            "contact_role",
            &form.contact_role,
            "the contact's job title",
            200,
        );
        let contact_email = parse_contact_email(&mut errors, &form.contact_email);
        let contact_phone = parse_contact_phone(&mut errors, &form.contact_phone);

        match (kind, closes_at) {
            (Some(kind), Some(closes_at)) if errors.is_empty() => Ok(Self {
                title,
                programme_id,
                kind,
                band,
                working_pattern,
                salary,
                location,
                positions,
                closes_at,
                ring_fenced,
                summary,
                description,
                entry_requirements,
                criteria,
                reference_options: references,
                contact_name,
                contact_role,
                contact_email,
                contact_phone,
            }),
            _ => Err(errors),
        }
    }
}

/// The programme chosen, if any, by its ID.
fn parse_programme(errors: &mut Vec<FieldError>, programme: &str) -> Option<i32> {
    match programme.trim() {
        "" => None,
        p => match p.parse::<i32>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.push(("programme", "Choose a programme from the list".into()));
                None
            }
        },
    }
}

/// How many positions, from 1 to 100 (1 when the answer cannot be used).
fn parse_positions(errors: &mut Vec<FieldError>, positions: &str) -> i32 {
    match positions.trim().parse::<i32>() {
        Ok(n) if (1..=100).contains(&n) => n,
        Ok(_) => {
            errors.push((
                "positions",
                "Number of positions must be between 1 and 100".into(),
            ));
            1
        }
        Err(_) => {
            errors.push((
                "positions",
                "Enter the number of positions as a number, like 2".into(),
            ));
            1
        }
    }
}

/// The essential criteria, then the desirable ones: one a line, at least one essential, at
/// most [`MAX_CRITERIA`] in all, each 500 characters or fewer.
fn parse_criteria(errors: &mut Vec<FieldError>, form: &VacancyForm) -> Vec<CriterionInput> {
    let essential = criteria_lines(&form.essential_criteria);
    let desirable = criteria_lines(&form.desirable_criteria);
    if essential.is_empty() {
        errors.push((
            "essential_criteria",
            "Enter at least one essential criterion".into(),
        ));
    }
    if essential.len() + desirable.len() > MAX_CRITERIA {
        errors.push((
            "essential_criteria",
            format!("A person specification can have up to {MAX_CRITERIA} criteria"),
        ));
    }
    for (field, lines) in [
        ("essential_criteria", &essential),
        ("desirable_criteria", &desirable),
    ] {
        if lines.iter().any(|l| l.chars().count() > 500) {
            errors.push((
                field,
                "Each criterion must be 500 characters or fewer".into(),
            ));
        }
    }
    essential
        .into_iter()
        .map(|text| CriterionInput {
            essential: true,
            text,
        })
        .chain(desirable.into_iter().map(|text| CriterionInput {
            essential: false,
            text,
        }))
        .collect()
}

/// The kinds of referee ticked, each once; a ring-fenced or programme vacancy must accept
/// every kind (DOMAIN.md §6).
fn parse_references(
    errors: &mut Vec<FieldError>,
    form: &VacancyForm,
    reference_options: &[String],
    ring_fenced: bool,
) -> Vec<ReferenceType> {
    let mut references = Vec::new();
    for name in reference_options {
        match ReferenceType::parse(name) {
            Some(r) if !references.contains(&r) => references.push(r),
            Some(_) => {}
            None => errors.push((
                "reference_options",
                "Choose reference types from the list".into(),
            )),
        }
    }
    if references.is_empty() && reference_options.is_empty() {
        errors.push((
            "reference_options",
            "Choose at least one kind of referee you will accept".into(),
        ));
    } else if !errors.iter().any(|(f, _)| *f == "reference_options")
        && let Err(e) =
            check_flexible_references(ring_fenced, !form.programme.trim().is_empty(), &references)
    {
        errors.push(e);
    }
    references
}

/// The contact's email address, in the form we store it.
fn parse_contact_email(errors: &mut Vec<FieldError>, contact_email: &str) -> String {
    match EmailAddress::parse(contact_email) {
        Ok(e) => e.to_string(),
        Err(_) => {
            errors.push((
                "contact_email",
                "Enter the contact's email address, like name@nhs.net".into(),
            ));
            String::new()
        }
    }
}

/// The contact's phone number: 10 to 15 digits, with spaces, `+`, brackets and dashes.
fn parse_contact_phone(errors: &mut Vec<FieldError>, contact_phone: &str) -> String {
    let contact_phone = contact_phone.trim().to_owned();
    let digits = contact_phone.chars().filter(char::is_ascii_digit).count();
    if !(10..=15).contains(&digits)
        || contact_phone
            .chars()
            .any(|c| !(c.is_ascii_digit() || " +()-".contains(c)))
    {
        errors.push((
            "contact_phone",
            "Enter the contact's phone number, like 0151 228 4811".into(),
        ));
    }
    contact_phone
}

fn parse_closing(form: &VacancyForm, now: OffsetDateTime) -> Result<OffsetDateTime, FieldError> {
    let (day, month, year) = (
        form.closes_day.trim(),
        form.closes_month.trim(),
        form.closes_year.trim(),
    );
    if day.is_empty() && month.is_empty() && year.is_empty() {
        return Err(("closes_day", "Enter the closing date".into()));
    }
    let time_text = if form.closes_time.trim().is_empty() {
        "23:59"
    } else {
        form.closes_time.trim()
    };
    let closes_at =
        london_time::parse_local(day, month, year, time_text).map_err(|bad| match bad {
            london_time::BadInput::Date => (
                "closes_day",
                "Closing date must be a real date, like 5 12 2026".to_owned(),
            ),
            london_time::BadInput::Time => (
                "closes_time",
                "Enter the closing time using the 24-hour clock, like 17:00".to_owned(),
            ),
        })?;
    if closes_at <= now {
        return Err(("closes_day", "Closing date must be in the future".into()));
    }
    Ok(closes_at)
}

/// A field of the manager's form that changed on a published vacancy, named as the manager
/// sees it (for the audit log and the confirmation).
pub type ChangedField = (&'static str, &'static str);

/// What a change to a published vacancy does, once the rule allows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishedChange {
    /// The fields that change: (form field, words), in the form's order.
    pub fields: Vec<ChangedField>,
    /// The closing date moves later, so everyone who has started an application is told.
    pub closing_date_moved: bool,
    /// The closing time to store: the form's, or the stored one when the form names the same
    /// minute (the form has no seconds).
    pub closes_at: OffsetDateTime,
}

/// The time to the minute, as the form shows it.
fn to_the_minute(t: OffsetDateTime) -> OffsetDateTime {
    t - time::Duration::seconds(i64::from(t.second()))
        - time::Duration::nanoseconds(i64::from(t.nanosecond()))
}

/// What may change once a vacancy is published, and what may not. Applicants write their
/// evidence against the criteria and check the ring-fence, programme, kind and band before they
/// start, so those stay as advertised; so do accepted referees already named (a kind may be
/// added, not removed) and positions (more, not fewer). Words, contact details, location and
/// a later closing date may change. Every refused field gets its own error; `before` is the
/// vacancy as stored, `after` the manager's parsed form.
pub fn published_change(
    before: &VacancyInput,
    after: &VacancyInput,
) -> Result<PublishedChange, Vec<FieldError>> {
    let closes_at = if to_the_minute(after.closes_at) == to_the_minute(before.closes_at) {
        before.closes_at
    } else {
        after.closes_at
    };
    let errors = refusals(before, after, closes_at);
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(PublishedChange {
        fields: changed_fields(before, after, closes_at),
        closing_date_moved: closes_at > before.closes_at,
        closes_at,
    })
}

/// One error for each field a published vacancy may not change as `after` would; `closes_at`
/// is the closing time `after` asks for.
fn refusals(
    before: &VacancyInput,
    after: &VacancyInput,
    closes_at: OffsetDateTime,
) -> Vec<FieldError> {
    let mut errors: Vec<FieldError> = Vec::new();
    if after.programme_id != before.programme_id {
        errors.push((
            "programme",
            "The programme cannot change once the vacancy is published".into(),
        ));
    }
    if after.kind != before.kind {
        errors.push((
            "kind",
            format!(
                "The type of post cannot change once the vacancy is published: it stays {}",
                before.kind.label().to_lowercase()
            ),
        ));
    }
    if after.band != before.band {
        errors.push((
            "band",
            format!(
                "The band cannot change once the vacancy is published: people applied for band {}",
                before.band
            ),
        ));
    }
    if after.ring_fenced != before.ring_fenced {
        errors.push((
            "ring_fenced",
            if before.ring_fenced {
                "This vacancy stays only for people who have been in care: that cannot change once it is published"
            } else {
                "This vacancy stays open to everyone: that cannot change once it is published"
            }
            .into(),
        ));
    }
    let lines = |input: &VacancyInput, essential: bool| -> Vec<String> {
        input
            .criteria
            .iter()
            .filter(|c| c.essential == essential)
            .map(|c| c.text.clone())
            .collect()
    };
    for (field, essential, what) in [
        ("essential_criteria", true, "essential"),
        ("desirable_criteria", false, "desirable"),
    ] {
        if lines(before, essential) != lines(after, essential) {
            errors.push((
                field,
                format!(
                    "The {what} criteria cannot change once the vacancy is published: applicants write their answers to them"
                ),
            ));
        }
    }
    if let Some(dropped) = before
        .reference_options
        .iter()
        .find(|r| !after.reference_options.contains(r))
    {
        errors.push((
            "reference_options",
            format!(
                "You can accept more kinds of referee, but not stop accepting one once the vacancy is published. Tick \"{}\" again",
                dropped.label()
            ),
        ));
    }
    if after.positions < before.positions {
        errors.push((
            "positions",
            format!(
                "You can add positions, but not take them away once the vacancy is published: it has {}",
                before.positions
            ),
        ));
    }
    if closes_at < before.closes_at {
        errors.push((
            "closes_day",
            format!(
                "The closing date can only move later once the vacancy is published. It closes on {}. To stop applications now, close the vacancy instead",
                london_time::describe(before.closes_at)
            ),
        ));
    }
    errors
}

/// The fields that change, in the form's order.
fn changed_fields(
    before: &VacancyInput,
    after: &VacancyInput,
    closes_at: OffsetDateTime,
) -> Vec<ChangedField> {
    let candidates: [(bool, ChangedField); 14] = [
        (before.title != after.title, ("title", "Job title")),
        (
            before.working_pattern != after.working_pattern,
            ("working_pattern", "Hours and working pattern"),
        ),
        (before.salary != after.salary, ("salary", "Salary")),
        (
            before.location != after.location,
            ("location", "Where the job is"),
        ),
        (
            before.positions != after.positions,
            ("positions", "Number of positions"),
        ),
        (
            before.closes_at != closes_at,
            ("closes_day", "Closing date"),
        ),
        (before.summary != after.summary, ("summary", "Summary")),
        (
            before.description != after.description,
            ("description", "Description"),
        ),
        (
            before.entry_requirements != after.entry_requirements,
            ("entry_requirements", "Entry requirements"),
        ),
        (
            before.reference_options != after.reference_options,
            ("reference_options", "Referees you will accept"),
        ),
        (
            before.contact_name != after.contact_name,
            ("contact_name", "Contact's name"),
        ),
        (
            before.contact_role != after.contact_role,
            ("contact_role", "Contact's job title"),
        ),
        (
            before.contact_email != after.contact_email,
            ("contact_email", "Contact's email address"),
        ),
        (
            before.contact_phone != after.contact_phone,
            ("contact_phone", "Contact's phone number"),
        ),
    ];
    candidates
        .into_iter()
        .filter_map(|(changed, field)| changed.then_some(field))
        .collect()
}

/// Why a closed vacancy cannot take applications again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReopenRefusal {
    /// It is a draft, or still taking applications.
    NotClosed,
    /// The panel has begun deciding, or has finished: applicants would be judged unevenly.
    ShortlistingStarted,
    /// The new closing date is not in the future.
    ClosingDateNotLater,
}

/// Whether a vacancy that no longer takes applications (closed early, or past its closing date)
/// may reopen until `new_closes_at`: only before shortlisting starts, and only to a date in
/// the future.
pub fn check_reopen(
    status: VacancyStatus,
    closes_at: OffsetDateTime,
    shortlisting_started: bool,
    new_closes_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Result<(), ReopenRefusal> {
    if status == VacancyStatus::Draft || is_open(status, closes_at, now) {
        return Err(ReopenRefusal::NotClosed);
    }
    if shortlisting_started {
        return Err(ReopenRefusal::ShortlistingStarted);
    }
    if new_closes_at <= now {
        return Err(ReopenRefusal::ClosingDateNotLater);
    }
    Ok(())
}

/// Reads a new closing date typed as day, month, year and time (London time), refusing one
/// that is not in the future. The field errors are the form's.
pub fn parse_new_closing(
    day: &str,
    month: &str,
    year: &str,
    time: &str,
    now: OffsetDateTime,
) -> Result<OffsetDateTime, FieldError> {
    parse_closing(
        &VacancyForm {
            closes_day: day.to_owned(),
            closes_month: month.to_owned(),
            closes_year: year.to_owned(),
            closes_time: time.to_owned(),
            ..VacancyForm::default()
        },
        now,
    )
}

#[cfg(test)]
mod published_tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-23 09:00 UTC);

    fn stored() -> VacancyInput {
        VacancyInput {
            title: "Porter".into(),
            programme_id: Some(1),
            kind: VacancyKind::Job,
            band: "2".into(),
            working_pattern: "37.5 hours".into(),
            salary: "£24,465".into(),
            location: "Liverpool".into(),
            positions: 2,
            closes_at: datetime!(2026-12-05 17:00 UTC),
            ring_fenced: true,
            summary: "Move patients.".into(),
            description: "You will move patients.".into(),
            entry_requirements: String::new(),
            criteria: vec![
                CriterionInput {
                    essential: true,
                    text: "Kind to people".into(),
                },
                CriterionInput {
                    essential: false,
                    text: "Some caring experience".into(),
                },
            ],
            reference_options: ReferenceType::ALL.to_vec(),
            contact_name: "Pat Lee".into(),
            contact_role: "Manager".into(),
            contact_email: "pat@nhs.net".into(),
            contact_phone: "0151 228 4811".into(),
        }
    }

    fn fields(change: &PublishedChange) -> Vec<&'static str> {
        change.fields.iter().map(|(f, _)| *f).collect()
    }

    #[test]
    fn nothing_changed_is_an_empty_change() {
        let change = published_change(&stored(), &stored()).unwrap();
        assert!(change.fields.is_empty());
        assert!(!change.closing_date_moved);
    }

    #[test]
    fn words_contact_location_and_a_later_closing_date_may_change() {
        let after = VacancyInput {
            title: "Hospital porter".into(),
            summary: "Move patients safely.".into(),
            description: "You will move patients and equipment.".into(),
            location: "Alder Hey".into(),
            contact_phone: "0151 228 4812".into(),
            positions: 3,
            closes_at: datetime!(2026-12-12 17:00 UTC),
            ..stored()
        };
        let change = published_change(&stored(), &after).unwrap();
        assert_eq!(
            fields(&change),
            [
                "title",
                "location",
                "positions",
                "closes_day",
                "summary",
                "description",
                "contact_phone"
            ]
        );
        assert!(change.closing_date_moved);
        let same_date = VacancyInput {
            title: "Hospital porter".into(),
            ..stored()
        };
        assert!(
            !published_change(&stored(), &same_date)
                .unwrap()
                .closing_date_moved
        );
    }

    #[test]
    fn the_same_minute_is_the_same_closing_date() {
        let before = VacancyInput {
            closes_at: datetime!(2026-12-05 17:00:42.5 UTC),
            ..stored()
        };
        let change = published_change(&before, &stored()).unwrap();
        assert!(
            change.fields.is_empty() && !change.closing_date_moved,
            "{change:?}"
        );
        assert_eq!(change.closes_at, before.closes_at);
    }

    #[test]
    fn an_earlier_closing_date_is_refused_with_the_current_one() {
        let after = VacancyInput {
            closes_at: datetime!(2026-12-01 17:00 UTC),
            ..stored()
        };
        let errors = published_change(&stored(), &after).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].0, "closes_day");
        assert!(errors[0].1.contains("only move later"), "{}", errors[0].1);
        assert!(errors[0].1.contains("5 December 2026"), "{}", errors[0].1);
    }

    #[test]
    fn criteria_ring_fence_programme_kind_band_referees_and_fewer_positions_are_refused() {
        let after = VacancyInput {
            programme_id: None,
            kind: VacancyKind::Placement,
            band: "3".into(),
            ring_fenced: false,
            positions: 1,
            criteria: vec![
                CriterionInput {
                    essential: true,
                    text: "Kind to everyone".into(),
                },
                CriterionInput {
                    essential: false,
                    text: "Some caring experience".into(),
                },
            ],
            reference_options: vec![ReferenceType::Employer],
            title: "Allowed on its own".into(),
            ..stored()
        };
        let errors = published_change(&stored(), &after).unwrap_err();
        let refused: Vec<&str> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            refused,
            [
                "programme",
                "kind",
                "band",
                "ring_fenced",
                "essential_criteria",
                "reference_options",
                "positions"
            ]
        );
        let desirable = VacancyInput {
            criteria: vec![stored().criteria[0].clone()],
            ..stored()
        };
        assert_eq!(
            published_change(&stored(), &desirable).unwrap_err()[0].0,
            "desirable_criteria"
        );
        // Reordering criteria changes what the panel scores against: refused too.
        let mut two = stored();
        two.criteria.insert(
            1,
            CriterionInput {
                essential: true,
                text: "Willing to learn".into(),
            },
        );
        let mut swapped = two.clone();
        swapped.criteria.swap(0, 1);
        assert_eq!(
            published_change(&two, &swapped).unwrap_err()[0].0,
            "essential_criteria"
        );
    }

    #[test]
    fn a_referee_kind_may_be_added() {
        let before = VacancyInput {
            ring_fenced: false,
            programme_id: None,
            reference_options: vec![ReferenceType::Employer],
            ..stored()
        };
        let after = VacancyInput {
            reference_options: vec![ReferenceType::Employer, ReferenceType::Character],
            ..before.clone()
        };
        assert_eq!(
            fields(&published_change(&before, &after).unwrap()),
            ["reference_options"]
        );
    }

    #[test]
    fn a_vacancy_reopens_only_when_closed_before_shortlisting_to_a_future_date() {
        let past = NOW - time::Duration::days(1);
        let future = NOW + time::Duration::days(7);
        let ok = |status, closes, started, new| check_reopen(status, closes, started, new, NOW);
        assert_eq!(ok(VacancyStatus::Closed, future, false, future), Ok(()));
        assert_eq!(ok(VacancyStatus::Published, past, false, future), Ok(()));
        assert_eq!(
            ok(VacancyStatus::Published, future, false, future),
            Err(ReopenRefusal::NotClosed)
        );
        assert_eq!(
            ok(VacancyStatus::Draft, past, false, future),
            Err(ReopenRefusal::NotClosed)
        );
        assert_eq!(
            ok(VacancyStatus::Closed, past, true, future),
            Err(ReopenRefusal::ShortlistingStarted)
        );
        assert_eq!(
            ok(VacancyStatus::Closed, past, false, NOW),
            Err(ReopenRefusal::ClosingDateNotLater)
        );
    }

    #[test]
    fn a_new_closing_date_is_read_like_the_forms() {
        assert_eq!(
            parse_new_closing("5", "12", "2026", "", NOW),
            Ok(datetime!(2026-12-05 23:59 UTC))
        );
        assert_eq!(
            parse_new_closing("5", "12", "2025", "17:00", NOW)
                .unwrap_err()
                .0,
            "closes_day"
        );
        assert_eq!(
            parse_new_closing("", "", "", "", NOW).unwrap_err().0,
            "closes_day"
        );
        assert_eq!(
            parse_new_closing("5", "12", "2026", "5pm", NOW)
                .unwrap_err()
                .0,
            "closes_time"
        );
    }
}

#[cfg(test)]
mod closed_early_tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn only_a_vacancy_closed_by_hand_says_it_closed_early() {
        let at = Some(datetime!(2026-12-07 10:00 UTC));
        assert_eq!(
            closed_early(VacancyStatus::Closed, at).as_deref(),
            Some("Closed early on 7 December 2026")
        );
        assert_eq!(closed_early(VacancyStatus::Published, at), None);
        assert_eq!(closed_early(VacancyStatus::Closed, None), None);
        assert_eq!(closed_early(VacancyStatus::Draft, None), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-23 09:00 UTC);

    fn good() -> VacancyForm {
        VacancyForm {
            title: "Healthcare support worker apprentice".into(),
            programme: String::new(),
            kind: "apprenticeship".into(),
            band: "2".into(),
            working_pattern: "37.5 hours a week, days".into(),
            salary: "£24,465 a year".into(),
            location: "Alder Hey, Liverpool".into(),
            positions: "2".into(),
            closes_day: "5".into(),
            closes_month: "12".into(),
            closes_year: "2026".into(),
            closes_time: "17:00".into(),
            ring_fenced: "yes".into(),
            summary: "Help care for children.".into(),
            description: "You will help nurses care for children.".into(),
            entry_requirements: "No GCSEs needed.\r\nYou can take Functional Skills English and maths during the apprenticeship.\r\n".into(),
            essential_criteria: "Kind to people\n- Willing to learn\n\n".into(),
            desirable_criteria: "Some caring experience, paid or unpaid".into(),
            contact_name: "Pat Lee".into(),
            contact_role: "Ward manager".into(),
            contact_email: "Pat.Lee@nhs.net".into(),
            contact_phone: "0151 228 4811".into(),
        }
    }

    fn refs() -> Vec<String> {
        ReferenceType::ALL
            .iter()
            .map(|r| r.as_str().to_owned())
            .collect()
    }

    fn names(kinds: &[ReferenceType]) -> Vec<String> {
        kinds.iter().map(|r| r.as_str().to_owned()).collect()
    }

    #[test]
    fn a_complete_form_parses() {
        let v = VacancyInput::parse(&good(), &refs(), NOW).unwrap();
        assert_eq!(v.kind, VacancyKind::Apprenticeship);
        assert_eq!(v.closes_at, datetime!(2026-12-05 17:00 UTC));
        assert!(v.ring_fenced);
        assert_eq!(v.contact_email, "pat.lee@nhs.net");
        assert_eq!(v.criteria.len(), 3);
        assert_eq!(
            v.criteria[1],
            CriterionInput {
                essential: true,
                text: "Willing to learn".into()
            }
        );
        assert!(!v.criteria[2].essential);
        assert_eq!(v.reference_options, ReferenceType::ALL.to_vec());
        assert_eq!(
            v.entry_requirements,
            "No GCSEs needed.\nYou can take Functional Skills English and maths during the apprenticeship."
        );
    }

    #[test]
    fn ring_fenced_vacancies_must_accept_every_kind_of_referee() {
        for ticked in [
            vec![ReferenceType::Employer],
            vec![ReferenceType::PersonalAdviser, ReferenceType::Character],
            vec![
                ReferenceType::Employer,
                ReferenceType::PersonalAdviser,
                ReferenceType::EducationOrCommunity,
            ],
        ] {
            let errors = VacancyInput::parse(&good(), &names(&ticked), NOW).unwrap_err();
            assert_eq!(
                errors,
                vec![(
                    "reference_options",
                    FlexibleReferences::RingFenced.message().to_owned()
                )],
                "{ticked:?}"
            );
        }
    }

    #[test]
    fn a_care_leaver_programmes_vacancies_must_accept_every_kind_of_referee() {
        let in_programme = VacancyForm {
            ring_fenced: "no".into(),
            programme: "3".into(),
            ..good()
        };
        let errors = VacancyInput::parse(&in_programme, &names(&[ReferenceType::Employer]), NOW)
            .unwrap_err();
        assert_eq!(
            errors,
            vec![(
                "reference_options",
                FlexibleReferences::CareLeaverProgramme.message().to_owned()
            )]
        );
        assert!(errors[0].1.contains("programme for care leavers"));
        let all = VacancyInput::parse(&in_programme, &refs(), NOW).unwrap();
        assert_eq!(all.programme_id, Some(3));
        assert_eq!(all.reference_options, ReferenceType::ALL.to_vec());
    }

    #[test]
    fn other_vacancies_may_accept_employers_only() {
        let open_to_all = VacancyForm {
            ring_fenced: "no".into(),
            ..good()
        };
        let v = VacancyInput::parse(&open_to_all, &names(&[ReferenceType::Employer]), NOW).unwrap();
        assert_eq!(v.reference_options, vec![ReferenceType::Employer]);
    }

    #[test]
    fn the_flexible_references_rule_covers_every_combination() {
        let employer_only = [ReferenceType::Employer];
        for (ring_fenced, in_programme) in
            [(false, false), (true, false), (false, true), (true, true)]
        {
            let needed = ring_fenced || in_programme;
            assert_eq!(
                check_flexible_references(ring_fenced, in_programme, &employer_only).is_err(),
                needed
            );
            assert!(
                check_flexible_references(ring_fenced, in_programme, &ReferenceType::ALL).is_ok()
            );
            assert_eq!(
                FlexibleReferences::required(ring_fenced, in_programme).is_some(),
                needed
            );
        }
    }

    #[test]
    fn apprenticeships_need_entry_requirements_and_other_kinds_drop_them() {
        for blank in ["", "  \r\n \n "] {
            let missing = VacancyForm {
                entry_requirements: blank.into(),
                ..good()
            };
            assert_eq!(
                VacancyInput::parse(&missing, &refs(), NOW).unwrap_err(),
                vec![("entry_requirements", ENTRY_REQUIREMENTS_NEEDED.to_owned())]
            );
        }
        let too_long = VacancyForm {
            entry_requirements: "x".repeat(MAX_ENTRY_REQUIREMENTS + 1),
            ..good()
        };
        assert_eq!(
            VacancyInput::parse(&too_long, &refs(), NOW).unwrap_err()[0].0,
            "entry_requirements"
        );
        let job = VacancyForm {
            kind: "job".into(),
            entry_requirements: "Left over from when this was an apprenticeship".into(),
            ..good()
        };
        assert_eq!(
            VacancyInput::parse(&job, &refs(), NOW)
                .unwrap()
                .entry_requirements,
            ""
        );
        let job_without = VacancyForm {
            kind: "placement".into(),
            entry_requirements: String::new(),
            ..good()
        };
        assert!(VacancyInput::parse(&job_without, &refs(), NOW).is_ok());
    }

    #[test]
    fn line_breaks_are_normalised() {
        assert_eq!(normalise_lines("a\r\nb\rc\n\nd\r\n"), "a\nb\nc\n\nd");
        let form = VacancyForm {
            description: "First paragraph.\r\n\r\nSecond paragraph.".into(),
            ..good()
        };
        assert_eq!(
            VacancyInput::parse(&form, &refs(), NOW)
                .unwrap()
                .description,
            "First paragraph.\n\nSecond paragraph."
        );
    }

    #[test]
    fn publishing_checks_the_stored_draft_again() {
        let ready = PublishCheck {
            kind: VacancyKind::Apprenticeship,
            ring_fenced: true,
            in_programme: true,
            references: &ReferenceType::ALL,
            entry_requirements: "No GCSEs needed.",
        };
        assert!(publish_problems(ready).is_empty());
        let fields = |check| {
            publish_problems(check)
                .into_iter()
                .map(|(f, _)| f)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            fields(PublishCheck {
                references: &[ReferenceType::Employer],
                entry_requirements: "",
                ..ready
            }),
            ["reference_options", "entry_requirements"]
        );
        assert!(
            fields(PublishCheck {
                kind: VacancyKind::Job,
                ring_fenced: false,
                in_programme: false,
                references: &[ReferenceType::Employer],
                entry_requirements: "",
            })
            .is_empty()
        );
        assert_eq!(
            stored_references("employer,character"),
            Some(vec![ReferenceType::Employer, ReferenceType::Character])
        );
        assert_eq!(stored_references(""), Some(Vec::new()));
        assert_eq!(
            stored_references("employer,bogus,character"),
            None,
            "an unknown name is not skipped"
        );
    }

    #[test]
    fn summer_closing_times_are_stored_in_utc() {
        let form = VacancyForm {
            closes_day: "1".into(),
            closes_month: "7".into(),
            closes_year: "2027".into(),
            closes_time: "12:00".into(),
            ..good()
        };
        assert_eq!(
            VacancyInput::parse(&form, &refs(), NOW).unwrap().closes_at,
            datetime!(2027-07-01 11:00 UTC)
        );
    }

    #[test]
    fn an_empty_form_reports_every_field() {
        let errors = VacancyInput::parse(&VacancyForm::default(), &[], NOW).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|(f, _)| *f).collect();
        for field in [
            "title",
            "kind",
            "band",
            "working_pattern",
            "salary",
            "location",
            "positions",
            "closes_day",
            "summary",
            "description",
            "essential_criteria",
            "reference_options",
            "contact_name",
            "contact_role",
            "contact_email",
            "contact_phone",
        ] {
            assert!(fields.contains(&field), "{field} missing from {fields:?}");
        }
    }

    #[test]
    fn refuses_past_and_impossible_dates_and_bad_times() {
        let past = VacancyForm {
            closes_year: "2025".into(),
            ..good()
        };
        assert_eq!(
            VacancyInput::parse(&past, &refs(), NOW).unwrap_err(),
            vec![(
                "closes_day",
                "Closing date must be in the future".to_owned()
            )]
        );
        let impossible = VacancyForm {
            closes_day: "31".into(),
            closes_month: "2".into(),
            ..good()
        };
        assert_eq!(
            VacancyInput::parse(&impossible, &refs(), NOW).unwrap_err()[0].0,
            "closes_day"
        );
        let bad_time = VacancyForm {
            closes_time: "5pm".into(),
            ..good()
        };
        assert_eq!(
            VacancyInput::parse(&bad_time, &refs(), NOW).unwrap_err()[0].0,
            "closes_time"
        );
        let default_time = VacancyForm {
            closes_time: String::new(),
            ..good()
        };
        assert_eq!(
            VacancyInput::parse(&default_time, &refs(), NOW)
                .unwrap()
                .closes_at,
            datetime!(2026-12-05 23:59 UTC)
        );
    }

    #[test]
    fn enforces_limits() {
        let long = VacancyForm {
            title: "x".repeat(201),
            positions: "0".into(),
            ..good()
        };
        let errors = VacancyInput::parse(&long, &refs(), NOW).unwrap_err();
        assert!(errors.contains(&(
            "title",
            "Job title must be 200 characters or fewer".to_owned()
        )));
        assert!(errors.iter().any(|(f, _)| *f == "positions"));
        let many = VacancyForm {
            essential_criteria: (0..21).map(|i| format!("criterion {i}\n")).collect(),
            ..good()
        };
        assert!(VacancyInput::parse(&many, &refs(), NOW).is_err());
        let bogus_ref = VacancyInput::parse(&good(), &["boss".into()], NOW).unwrap_err();
        assert_eq!(bogus_ref[0].0, "reference_options");
        let bad_phone = VacancyForm {
            contact_phone: "call me".into(),
            ..good()
        };
        assert_eq!(
            VacancyInput::parse(&bad_phone, &refs(), NOW).unwrap_err()[0].0,
            "contact_phone"
        );
    }

    #[test]
    fn open_means_published_and_before_the_closing_time() {
        let closes = datetime!(2026-12-05 17:00 UTC);
        assert!(is_open(
            VacancyStatus::Published,
            closes,
            closes - time::Duration::seconds(1)
        ));
        assert!(!is_open(VacancyStatus::Published, closes, closes));
        assert!(!is_open(VacancyStatus::Draft, closes, NOW));
        assert!(!is_open(VacancyStatus::Closed, closes, NOW));
    }

    #[test]
    fn entry_level_posts_are_apprenticeships_and_bands_2_and_3() {
        assert!(is_entry_level(VacancyKind::Apprenticeship, "5"));
        assert!(is_entry_level(VacancyKind::Job, "3"));
        assert!(!is_entry_level(VacancyKind::Job, "4"));
    }

    #[test]
    fn vocabularies_round_trip() {
        for k in VacancyKind::ALL {
            assert_eq!(VacancyKind::parse(k.as_str()), Some(k));
        }
        for r in ReferenceType::ALL {
            assert_eq!(ReferenceType::parse(r.as_str()), Some(r));
            assert!(!r.label().is_empty());
        }
        for k in VacancyKind::ALL {
            assert!(k.plural_label().starts_with(k.label()));
        }
        for s in ["draft", "published", "closed"] {
            assert_eq!(VacancyStatus::parse(s).map(VacancyStatus::as_str), Some(s));
        }
    }
}
