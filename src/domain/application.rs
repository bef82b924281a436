//! Applications: the pipeline's stages and the moves between them (DOMAIN.md §6), the steps
//! of the application form, and the parsing of what an applicant types at each step.

use crate::domain::profile::CareExperience;
use crate::domain::vacancy::{FieldError, ReferenceType};

/// Where an application is in the recruitment pipeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stage {
    /// Being written; only the applicant sees it.
    Draft,
    /// Sent, waiting for shortlisting to start.
    Submitted,
    /// The panel is scoring it.
    Shortlisting,
    /// Shortlisted (or guaranteed an interview): the applicant may book a slot.
    InvitedToInterview,
    /// Not taken forward at shortlisting. An end state.
    NotShortlisted,
    /// The applicant has booked an interview slot.
    InterviewBooked,
    /// The interview has happened.
    Interviewed,
    /// Offered the post, subject to the pre-employment checks.
    ConditionalOffer,
    /// Every pre-employment check is complete.
    ChecksComplete,
    /// Hired: an end state.
    Started,
    /// The applicant withdrew: an end state, reachable from any open stage.
    Withdrawn,
    /// Not successful: an end state, reachable from any open stage after submission.
    Unsuccessful,
}

impl Stage {
    /// Every stage, in pipeline order.
    pub const ALL: [Stage; 12] = [
        Stage::Draft,
        Stage::Submitted,
        Stage::Shortlisting,
        Stage::InvitedToInterview,
        Stage::NotShortlisted,
        Stage::InterviewBooked,
        Stage::Interviewed,
        Stage::ConditionalOffer,
        Stage::ChecksComplete,
        Stage::Started,
        Stage::Withdrawn,
        Stage::Unsuccessful,
    ];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Draft => "draft",
            Stage::Submitted => "submitted",
            Stage::Shortlisting => "shortlisting",
            Stage::InvitedToInterview => "invited_to_interview",
            Stage::NotShortlisted => "not_shortlisted",
            Stage::InterviewBooked => "interview_booked",
            Stage::Interviewed => "interviewed",
            Stage::ConditionalOffer => "conditional_offer",
            Stage::ChecksComplete => "checks_complete",
            Stage::Started => "started",
            Stage::Withdrawn => "withdrawn",
            Stage::Unsuccessful => "unsuccessful",
        }
    }

    /// Reads a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The stage in plain words.
    pub fn label(self) -> &'static str {
        match self {
            Stage::Draft => "Not sent yet",
            Stage::Submitted => "Sent",
            Stage::Shortlisting => "Being reviewed",
            Stage::InvitedToInterview => "Invited to interview",
            Stage::NotShortlisted => "Not taken forward",
            Stage::InterviewBooked => "Interview booked",
            Stage::Interviewed => "Interviewed",
            Stage::ConditionalOffer => "Offered the job, subject to checks",
            Stage::ChecksComplete => "Checks complete",
            Stage::Started => "Started work",
            Stage::Withdrawn => "Withdrawn",
            Stage::Unsuccessful => "Not successful",
        }
    }

    /// The NHS.UK tag colour modifier for the stage.
    pub fn tag_colour(self) -> &'static str {
        match self {
            Stage::Draft => "nhsuk-tag--grey",
            Stage::Submitted | Stage::Shortlisting => "nhsuk-tag--blue",
            Stage::InvitedToInterview | Stage::InterviewBooked | Stage::Interviewed => {
                "nhsuk-tag--purple"
            }
            Stage::ConditionalOffer | Stage::ChecksComplete | Stage::Started => "nhsuk-tag--green",
            Stage::NotShortlisted | Stage::Unsuccessful | Stage::Withdrawn => "nhsuk-tag--white",
        }
    }

    /// What happens next, told to the applicant.
    pub fn what_next(self) -> &'static str {
        match self {
            Stage::Draft => {
                "Your application is saved. You can carry on with it at any time before the closing date."
            }
            Stage::Submitted => {
                "The hiring team will look at your application after the closing date. We will email you when anything changes."
            }
            Stage::Shortlisting => {
                "The hiring team is reading applications. We will email you when they have decided."
            }
            Stage::InvitedToInterview => {
                "You have been invited to an interview. When the panel has set the interview times, we will email you a link to choose one."
            }
            Stage::NotShortlisted => {
                "You have not been taken forward this time. Feedback is available: ask the contact for this job."
            }
            Stage::InterviewBooked => {
                "Your interview is booked. You can change or cancel your time online up to 24 hours before it."
            }
            Stage::Interviewed => {
                "The panel found you appointable. If the job is offered to you, we will email you."
            }
            Stage::ConditionalOffer => {
                "You have been offered the job. Accept or decline the offer online. The offer depends on the pre-employment checks, which the team will help you with."
            }
            Stage::ChecksComplete => {
                "Your checks are complete, so your offer is no longer conditional. The team will agree a start date with you."
            }
            Stage::Started => "Welcome to the NHS.",
            Stage::Withdrawn => {
                "You have withdrawn this application. Nothing more will happen with it."
            }
            Stage::Unsuccessful => {
                "You have not been successful this time. Feedback is available: ask the contact for this job."
            }
        }
    }

    /// Whether nothing more can happen to the application.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Stage::NotShortlisted | Stage::Started | Stage::Withdrawn | Stage::Unsuccessful
        )
    }

    /// Whether the applicant may withdraw: from any open stage, right up to being hired.
    pub fn can_withdraw(self) -> bool {
        !self.is_final()
    }
}

/// Whether an application may move from `from` to `to` (DOMAIN.md §6). Withdrawn is reachable
/// from any open stage; unsuccessful from any open stage once submitted.
pub fn can_move(from: Stage, to: Stage) -> bool {
    use Stage::*;
    if from.is_final() {
        return false;
    }
    match to {
        Withdrawn => true,
        Unsuccessful => from != Draft,
        _ => matches!(
            (from, to),
            (Draft, Submitted)
                | (Submitted, Shortlisting)
                | (Shortlisting, InvitedToInterview)
                | (Shortlisting, NotShortlisted)
                | (InvitedToInterview, InterviewBooked)
                | (InterviewBooked, InvitedToInterview)
                | (InterviewBooked, Interviewed)
                | (Interviewed, ConditionalOffer)
                | (ConditionalOffer, ChecksComplete)
                | (ChecksComplete, Started)
        ),
    }
}

/// A step of the application form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Evidence against each criterion of the person specification.
    Evidence,
    /// One or two referees.
    References,
    /// Support needed to apply, be interviewed or work.
    Adjustments,
    /// Opting in to the guaranteed interview scheme (care-experienced applicants only).
    GuaranteedInterview,
    /// Check your answers.
    Check,
    /// The declaration, then submit.
    Declaration,
}

impl Step {
    /// The step's address under the application.
    pub fn slug(self) -> &'static str {
        match self {
            Step::Evidence => "evidence",
            Step::References => "references",
            Step::Adjustments => "support",
            Step::GuaranteedInterview => "guaranteed-interview",
            Step::Check => "check",
            Step::Declaration => "declaration",
        }
    }

    /// The step's title.
    pub fn title(self) -> &'static str {
        match self {
            Step::Evidence => "Show how you meet the person specification",
            Step::References => "References",
            Step::Adjustments => "Support you need",
            Step::GuaranteedInterview => "Guaranteed interview scheme",
            Step::Check => "Check your answers",
            Step::Declaration => "Declaration",
        }
    }
}

/// The steps of one applicant's form, in order. The guaranteed interview step is offered only
/// to applicants who declared care experience (DOMAIN.md §5).
pub fn steps(declared: Option<CareExperience>) -> Vec<Step> {
    let mut steps = vec![Step::Evidence, Step::References, Step::Adjustments];
    if can_opt_in(declared) {
        steps.push(Step::GuaranteedInterview);
    }
    steps.extend([Step::Check, Step::Declaration]);
    steps
}

/// Whether the applicant may opt in to the guaranteed interview scheme.
pub fn can_opt_in(declared: Option<CareExperience>) -> bool {
    declared == Some(CareExperience::Yes)
}

/// The step to resume at: the first not yet completed, but never past checking answers.
pub fn resume_step(steps: &[Step], reached: i32) -> Step {
    let done = usize::try_from(reached).unwrap_or(0);
    let check = steps
        .iter()
        .position(|s| *s == Step::Check)
        .unwrap_or(steps.len().saturating_sub(1));
    steps
        .get(done.min(check))
        .copied()
        .unwrap_or(Step::Evidence)
}

/// What an application holds so far, for deciding which steps are still to do.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Every essential criterion has some evidence.
    pub evidence_done: bool,
    /// At least one referee is given.
    pub referees_done: bool,
    /// The guaranteed interview question is answered (yes or no).
    pub opt_in_answered: bool,
}

/// The steps before checking answers that still need an answer. Support needed is optional,
/// so it is never missing.
pub fn incomplete_steps(steps: &[Step], progress: Progress) -> Vec<Step> {
    steps
        .iter()
        .copied()
        .filter(|step| match step {
            Step::Evidence => !progress.evidence_done,
            Step::References => !progress.referees_done,
            Step::GuaranteedInterview => !progress.opt_in_answered,
            Step::Adjustments | Step::Check | Step::Declaration => false,
        })
        .collect()
}

/// Whether an applicant may apply for a vacancy, as far as ring-fencing goes (DOMAIN.md §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Eligibility {
    /// They may apply.
    Eligible,
    /// They must first fill in their profile, which holds the care-experience question.
    NeedsProfile,
    /// The vacancy is ring-fenced and they have not declared care experience.
    RingFenced,
}

/// Decides [`Eligibility`] from the vacancy's ring-fence and the applicant's declaration
/// (`None` when they have no profile yet).
pub fn eligibility(ring_fenced: bool, declared: Option<CareExperience>) -> Eligibility {
    match (declared, ring_fenced) {
        (None, _) => Eligibility::NeedsProfile,
        (Some(CareExperience::Yes), _) | (Some(_), false) => Eligibility::Eligible,
        (Some(_), true) => Eligibility::RingFenced,
    }
}

/// Most words of evidence for one criterion.
pub const EVIDENCE_WORDS: usize = 300;
/// Most characters of evidence for one criterion, whatever the words.
const EVIDENCE_CHARS: usize = 4_000;
/// Most characters of evidence for one criterion that "Save and come back later" keeps: the
/// word limit is checked only on continuing, but a draft still needs a bound (about 3,000
/// words, well inside the 2 MB a form may send).
pub const EVIDENCE_SAVE_CHARS: usize = 20_000;

/// Counts words as people do: runs of characters between spaces.
pub fn word_count(text: &str) -> usize {
    text.split_whitespace().count()
}

/// Evidence by criterion ID, as stored.
pub type Evidence = Vec<(i32, String)>;
/// Problems with the evidence, by the criterion's position in the form.
pub type EvidenceErrors = Vec<(usize, String)>;

/// One criterion's answer as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypedEvidence {
    /// The criterion's ID.
    pub criterion_id: i32,
    /// The criterion in words, for naming it in an error.
    pub criterion: String,
    /// Whether it is essential.
    pub essential: bool,
    /// What the applicant typed.
    pub text: String,
}

/// Evidence that failed a check: the problems, and the answers that passed, which are saved
/// anyway so that nothing good is lost (an answer over the limits is left out, so the one
/// stored before stays).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvidenceProblems {
    /// The problems, by the criterion's position in the form.
    pub errors: EvidenceErrors,
    /// The answers that passed, by criterion ID.
    pub keep: Evidence,
}

/// Checks the evidence for each criterion. When `complete` (continuing), every essential
/// criterion needs some evidence and the word limit applies; saving for later keeps an answer
/// of any length up to [`EVIDENCE_SAVE_CHARS`]. Errors are keyed by the criterion's position
/// in the form and name the criterion.
pub fn parse_evidence(
    answers: &[TypedEvidence],
    complete: bool,
) -> Result<Evidence, EvidenceProblems> {
    let mut errors = Vec::new();
    let mut keep = Vec::new();
    for (i, answer) in answers.iter().enumerate() {
        let text = answer.text.trim();
        let words = word_count(text);
        let chars = text.chars().count();
        if chars > EVIDENCE_SAVE_CHARS {
            errors.push((
                i,
                format!(
                    "Your answer for '{}' is too long to save. Use {} characters or fewer.",
                    answer.criterion,
                    spaced_thousands(EVIDENCE_SAVE_CHARS)
                ),
            ));
            continue;
        }
        if complete && (words > EVIDENCE_WORDS || chars > EVIDENCE_CHARS) {
            errors.push((
                i,
                format!(
                    "Your answer for '{}' has {words} words. Use {EVIDENCE_WORDS} words or fewer.",
                    answer.criterion
                ),
            ));
            continue;
        }
        if complete && answer.essential && text.is_empty() {
            errors.push((
                i,
                format!(
                    "Tell us how you meet '{}'. It can be from school, volunteering, caring, hobbies or everyday life.",
                    answer.criterion
                ),
            ));
        }
        keep.push((answer.criterion_id, text.to_owned()));
    }
    if errors.is_empty() {
        Ok(keep)
    } else {
        Err(EvidenceProblems { errors, keep })
    }
}

/// 20000 as "20,000".
fn spaced_thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// One referee as typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RefereeForm {
    /// Reference type name.
    pub kind: String,
    /// Their name.
    pub name: String,
    /// How they know the applicant.
    pub relationship: String,
    /// Their email.
    pub email: String,
    /// Their phone.
    pub phone: String,
}

impl RefereeForm {
    fn is_blank(&self) -> bool {
        [
            &self.kind,
            &self.name,
            &self.relationship,
            &self.email,
            &self.phone,
        ]
        .iter()
        .all(|v| v.trim().is_empty())
    }
}

/// A checked referee.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Referee {
    /// Kind of referee.
    pub kind: ReferenceType,
    /// Name.
    pub name: String,
    /// Relationship to the applicant.
    pub relationship: String,
    /// Email, or empty.
    pub email: String,
    /// Phone, or empty.
    pub phone: String,
}

/// How many referees the form takes.
pub const REFEREE_SLOTS: usize = 2;

/// Checks the referees. A blank slot is skipped; a started one must be whole. When
/// `complete`, at least one referee is needed. There is no rule about years of employment
/// history (DOMAIN.md §6). Field names are `referee{N}_{field}`, N from 1.
pub fn parse_referees(
    forms: &[RefereeForm],
    accepted: &[ReferenceType],
    complete: bool,
) -> Result<Vec<Referee>, Vec<FieldError>> {
    const FIELDS: [[&str; 5]; REFEREE_SLOTS] = [
        [
            "referee1_kind",
            "referee1_name",
            "referee1_relationship",
            "referee1_email",
            "referee1_phone",
        ],
        [
            "referee2_kind",
            "referee2_name",
            "referee2_relationship",
            "referee2_email",
            "referee2_phone",
        ],
    ];
    let mut errors: Vec<FieldError> = Vec::new();
    let mut referees = Vec::new();
    for (form, [kind_f, name_f, rel_f, email_f, phone_f]) in forms.iter().zip(FIELDS) {
        if form.is_blank() {
            continue;
        }
        let kind = ReferenceType::parse(form.kind.trim()).filter(|k| accepted.contains(k));
        if kind.is_none() {
            errors.push((kind_f, "Choose who the referee is".to_owned()));
        }
        let name = form.name.trim();
        if name.is_empty() {
            errors.push((name_f, "Enter the referee's name".to_owned()));
        } else if name.chars().count() > 200 {
            errors.push((
                name_f,
                "The name must be 200 characters or fewer".to_owned(),
            ));
        }
        let relationship = form.relationship.trim();
        if relationship.is_empty() {
            errors.push((
                rel_f,
                "Tell us how they know you, for example \"my personal adviser for 2 years\""
                    .to_owned(),
            ));
        } else if relationship.chars().count() > 200 {
            errors.push((rel_f, "This must be 200 characters or fewer".to_owned()));
        }
        let email = form.email.trim();
        let phone = form.phone.trim();
        if email.is_empty() && phone.is_empty() {
            errors.push((
                email_f,
                "Enter an email address or a phone number for the referee".to_owned(),
            ));
        }
        if !email.is_empty() && crate::domain::EmailAddress::parse(email).is_err() {
            errors.push((
                email_f,
                "Enter an email address in the correct format, like name@example.com".to_owned(),
            ));
        }
        let digits = phone.chars().filter(char::is_ascii_digit).count();
        if !phone.is_empty()
            && (!(10..=15).contains(&digits)
                || phone
                    .chars()
                    .any(|c| !(c.is_ascii_digit() || " +()-".contains(c))))
        {
            errors.push((
                phone_f,
                "Enter a phone number, like 0151 496 0000".to_owned(),
            ));
        }
        if let Some(kind) = kind {
            referees.push(Referee {
                kind,
                name: name.to_owned(),
                relationship: relationship.to_owned(),
                email: email.to_owned(),
                phone: phone.to_owned(),
            });
        }
    }
    if complete && errors.is_empty() && referees.is_empty() {
        errors.push((
            "referee1_kind",
            "Give at least one referee. It does not have to be an employer.".to_owned(),
        ));
    }
    if errors.is_empty() {
        Ok(referees)
    } else {
        Err(errors)
    }
}

/// The referees to keep when the referee step fails a check: each slot that is whole and
/// right on its own, and for a slot with a problem the referee stored at its place before
/// (`stored`, in order), so nothing good is lost. A slot left blank is dropped.
pub fn referees_to_keep(
    forms: &[RefereeForm],
    accepted: &[ReferenceType],
    stored: &[Referee],
) -> Vec<Referee> {
    forms
        .iter()
        .enumerate()
        .filter(|(_, form)| !form.is_blank())
        .filter_map(
            |(i, form)| match parse_referees(std::slice::from_ref(form), accepted, false) {
                Ok(mut one) => one.pop(),
                Err(_) => stored.get(i).cloned(),
            },
        )
        .collect()
}

/// Most characters of the adjustments answer.
pub const MAX_ADJUSTMENTS: usize = crate::domain::profile::MAX_ADJUSTMENTS;

/// Checks the adjustments answer; it may be empty.
pub fn parse_adjustments(text: &str) -> Result<String, FieldError> {
    let text = text.trim();
    if text.chars().count() > MAX_ADJUSTMENTS {
        Err((
            "adjustments",
            format!("This must be {MAX_ADJUSTMENTS} characters or fewer"),
        ))
    } else {
        Ok(text.to_owned())
    }
}

/// Checks the guaranteed interview answer, when `complete` it must be given.
pub fn parse_opt_in(answer: &str, complete: bool) -> Result<Option<bool>, FieldError> {
    match answer.trim() {
        "yes" => Ok(Some(true)),
        "no" => Ok(Some(false)),
        _ if !complete => Ok(None),
        _ => Err((
            "guaranteed_interview",
            "Choose yes if you want a guaranteed interview when you meet the essential criteria"
                .to_owned(),
        )),
    }
}

/// Most characters of a withdrawal reason.
pub const MAX_WITHDRAWAL_REASON: usize = 1_000;

/// How long an application spent in each stage, from the times it entered them (oldest
/// first): until the next change, or until `now` for the stage it is still in. A final stage
/// has no length.
pub fn time_in_stages(
    entered: &[(Stage, time::OffsetDateTime)],
    now: time::OffsetDateTime,
) -> Vec<Option<time::Duration>> {
    entered
        .iter()
        .enumerate()
        .map(|(i, (stage, at))| match entered.get(i + 1) {
            Some((_, next)) => Some(*next - *at),
            None if stage.is_final() => None,
            None => Some(now - *at),
        })
        .collect()
}

/// What happened, in words for the applicant, when their application moved from `from` to
/// `to`; `by_applicant` when they made the change themselves.
pub fn event(from: Option<Stage>, to: Stage, by_applicant: bool) -> &'static str {
    match (from, to) {
        (_, Stage::Draft) => "You started your application",
        (_, Stage::Submitted) => "You sent your application",
        (_, Stage::Shortlisting) => "The hiring team started reading the applications",
        (Some(Stage::InterviewBooked), Stage::InvitedToInterview) if by_applicant => {
            "You cancelled your interview booking"
        }
        (Some(Stage::InterviewBooked), Stage::InvitedToInterview) => {
            "Your interview booking was cancelled"
        }
        (_, Stage::InvitedToInterview) => "You were invited to an interview",
        (_, Stage::NotShortlisted) => "You were not taken forward to interview",
        (_, Stage::InterviewBooked) if by_applicant => "You booked your interview",
        (_, Stage::InterviewBooked) => "Your interview was booked",
        (_, Stage::Interviewed) => "You had your interview",
        (_, Stage::ConditionalOffer) => "You were offered the job, subject to checks",
        (_, Stage::ChecksComplete) => "Your pre-employment checks were completed",
        (_, Stage::Started) => "You started work",
        (_, Stage::Withdrawn) if by_applicant => "You withdrew your application",
        (_, Stage::Withdrawn) => "Your application was withdrawn",
        (_, Stage::Unsuccessful) => "You were not successful this time",
    }
}

/// A length of time in plain words, to the day.
pub fn describe_duration(d: time::Duration) -> String {
    match d.whole_days() {
        days if days < 1 => "less than a day".to_owned(),
        1 => "1 day".to_owned(),
        days => format!("{days} days"),
    }
}

/// The public reference of an application, such as `SPX-000123`.
pub fn reference(id: i32) -> String {
    format!("SPX-{id:06}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use Stage::*;

    #[test]
    fn stages_round_trip_and_have_words() {
        for s in Stage::ALL {
            assert_eq!(Stage::parse(s.as_str()), Some(s));
            assert!(!s.label().is_empty());
            assert!(!s.what_next().is_empty());
            assert!(s.tag_colour().starts_with("nhsuk-tag--"));
        }
        assert_eq!(Stage::parse("hired"), None);
    }

    #[test]
    fn the_pipeline_moves_forward_one_stage_at_a_time() {
        let path = [
            Draft,
            Submitted,
            Shortlisting,
            InvitedToInterview,
            InterviewBooked,
            Interviewed,
            ConditionalOffer,
            ChecksComplete,
            Started,
        ];
        for pair in path.windows(2) {
            assert!(can_move(pair[0], pair[1]), "{pair:?}");
            assert!(!can_move(pair[1], pair[0]) || pair[0] == InvitedToInterview);
        }
        assert!(can_move(Shortlisting, NotShortlisted));
        assert!(!can_move(Draft, Shortlisting));
        assert!(!can_move(Submitted, ConditionalOffer));
        assert!(!can_move(Draft, Started));
    }

    #[test]
    fn every_pair_of_stages_is_decided_as_the_brief_says() {
        for from in Stage::ALL {
            for to in Stage::ALL {
                let allowed = can_move(from, to);
                if from.is_final() {
                    assert!(!allowed, "{from:?} is final but may move to {to:?}");
                } else if to == Withdrawn {
                    assert!(allowed, "{from:?} must be withdrawable");
                } else if to == Unsuccessful {
                    assert_eq!(allowed, from != Draft, "{from:?} -> Unsuccessful");
                } else if from == to {
                    assert!(!allowed, "{from:?} to itself");
                }
            }
        }
    }

    #[test]
    fn withdrawing_is_possible_until_hired() {
        for s in Stage::ALL {
            assert_eq!(
                s.can_withdraw(),
                !matches!(s, Started | Withdrawn | Unsuccessful | NotShortlisted),
                "{s:?}"
            );
        }
    }

    #[test]
    fn the_scheme_step_is_only_for_those_who_declared_care_experience() {
        let yes = steps(Some(CareExperience::Yes));
        assert_eq!(yes.len(), 6);
        assert!(yes.contains(&Step::GuaranteedInterview));
        for other in [
            None,
            Some(CareExperience::No),
            Some(CareExperience::PreferNotToSay),
        ] {
            let s = steps(other);
            assert_eq!(s.len(), 5);
            assert!(!s.contains(&Step::GuaranteedInterview));
            assert!(!can_opt_in(other));
        }
        assert_eq!(yes.last(), Some(&Step::Declaration));
    }

    #[test]
    fn resuming_goes_to_the_first_unfinished_step_but_not_past_checking() {
        let s = steps(Some(CareExperience::No));
        assert_eq!(resume_step(&s, 0), Step::Evidence);
        assert_eq!(resume_step(&s, 1), Step::References);
        assert_eq!(resume_step(&s, 3), Step::Check);
        assert_eq!(resume_step(&s, 5), Step::Check);
        assert_eq!(resume_step(&s, -1), Step::Evidence);
    }

    #[test]
    fn steps_left_to_do_come_from_what_is_stored() {
        let yes = steps(Some(CareExperience::Yes));
        assert_eq!(
            incomplete_steps(&yes, Progress::default()),
            [Step::Evidence, Step::References, Step::GuaranteedInterview]
        );
        let done = Progress {
            evidence_done: true,
            referees_done: true,
            opt_in_answered: true,
        };
        assert!(incomplete_steps(&yes, done).is_empty());
        let no = steps(Some(CareExperience::No));
        let without_opt_in = Progress {
            opt_in_answered: false,
            ..done
        };
        assert!(incomplete_steps(&no, without_opt_in).is_empty());
        assert_eq!(
            incomplete_steps(&yes, without_opt_in),
            [Step::GuaranteedInterview]
        );
    }

    #[test]
    fn ring_fenced_vacancies_take_only_declared_care_experience() {
        use CareExperience as C;
        assert_eq!(eligibility(true, Some(C::Yes)), Eligibility::Eligible);
        assert_eq!(eligibility(true, Some(C::No)), Eligibility::RingFenced);
        assert_eq!(
            eligibility(true, Some(C::PreferNotToSay)),
            Eligibility::RingFenced
        );
        assert_eq!(eligibility(true, None), Eligibility::NeedsProfile);
        assert_eq!(eligibility(false, None), Eligibility::NeedsProfile);
        for c in CareExperience::ALL {
            assert_eq!(eligibility(false, Some(c)), Eligibility::Eligible);
        }
    }

    #[test]
    fn evidence_has_a_word_limit_and_essentials_need_an_answer_to_continue() {
        let typed = |id: i32, essential: bool, text: &str| TypedEvidence {
            criterion_id: id,
            criterion: format!("Criterion {id}"),
            essential,
            text: text.to_owned(),
        };
        let answers = vec![
            typed(10, true, "  I volunteered at a food bank.  "),
            typed(11, false, ""),
        ];
        assert_eq!(
            parse_evidence(&answers, true).unwrap(),
            vec![
                (10, "I volunteered at a food bank.".to_owned()),
                (11, String::new())
            ]
        );
        let missing = vec![typed(10, true, " ")];
        let problems = parse_evidence(&missing, true).unwrap_err();
        assert_eq!(problems.errors[0].0, 0);
        assert!(
            problems.errors[0]
                .1
                .starts_with("Tell us how you meet 'Criterion 10'."),
            "{}",
            problems.errors[0].1
        );
        assert!(parse_evidence(&missing, false).is_ok());
        let long = "word ".repeat(EVIDENCE_WORDS + 1);
        let over = vec![typed(10, true, "ok"), typed(11, false, &long)];
        // Saving for later keeps an answer over the word limit; continuing refuses it.
        assert_eq!(
            parse_evidence(&over, false).map(|kept| kept[1].1.len()),
            Ok(long.trim().len())
        );
        let problems = parse_evidence(&over, true).unwrap_err();
        assert_eq!(problems.errors[0].0, 1);
        assert!(problems.errors[0].1.contains("301 words"));
        assert!(problems.errors[0].1.contains("'Criterion 11'"));
        let exactly = "word ".repeat(EVIDENCE_WORDS);
        assert!(parse_evidence(&[typed(11, false, &exactly)], true).is_ok());
        assert_eq!(word_count(" one  two\nthree "), 3);
    }

    #[test]
    fn saving_for_later_has_only_a_size_cap() {
        let typed = |text: &str| TypedEvidence {
            criterion_id: 1,
            criterion: "Kindness".into(),
            essential: true,
            text: text.to_owned(),
        };
        let at_cap = "x".repeat(EVIDENCE_SAVE_CHARS);
        assert!(parse_evidence(&[typed(&at_cap)], false).is_ok());
        let over = "x".repeat(EVIDENCE_SAVE_CHARS + 1);
        let problems = parse_evidence(&[typed(&over)], false).unwrap_err();
        assert_eq!(
            problems.errors[0].1,
            "Your answer for 'Kindness' is too long to save. Use 20,000 characters or fewer."
        );
        assert!(problems.keep.is_empty());
        // 4,001 characters in one word: over the character limit only when continuing.
        let one_long_word = "y".repeat(EVIDENCE_CHARS + 1);
        assert!(parse_evidence(&[typed(&one_long_word)], false).is_ok());
        assert!(parse_evidence(&[typed(&one_long_word)], true).is_err());
        assert_eq!(spaced_thousands(1_234_567), "1,234,567");
        assert_eq!(spaced_thousands(999), "999");
    }

    #[test]
    fn evidence_that_fails_a_check_still_keeps_every_good_answer() {
        let typed = |id: i32, text: &str| TypedEvidence {
            criterion_id: id,
            criterion: format!("Criterion {id}"),
            essential: true,
            text: text.to_owned(),
        };
        let long = "word ".repeat(EVIDENCE_WORDS + 1);
        let answers = vec![typed(1, " I care. "), typed(2, ""), typed(3, &long)];
        let problems = parse_evidence(&answers, true).unwrap_err();
        let at: Vec<usize> = problems.errors.iter().map(|(i, _)| *i).collect();
        assert_eq!(at, [1, 2]);
        // The good answer and the blank one are kept; the one over the limit is not.
        assert_eq!(
            problems.keep,
            vec![(1, "I care.".to_owned()), (2, String::new())]
        );
    }

    #[test]
    fn referees_that_fail_a_check_keep_each_whole_slot_and_the_stored_one_for_a_bad_slot() {
        let all = ReferenceType::ALL;
        let stored_second = Referee {
            kind: ReferenceType::Character,
            name: "Jo Bloggs".into(),
            relationship: "Neighbour".into(),
            email: "jo@example.org".into(),
            phone: String::new(),
        };
        let half = RefereeForm {
            name: "Jo".into(),
            ..RefereeForm::default()
        };
        let kept = referees_to_keep(&[adviser(), half.clone()], &all, &[]);
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].name, "Sam Patel");
        let first = parse_referees(&[adviser()], &all, true).unwrap().remove(0);
        let kept = referees_to_keep(
            &[adviser(), half],
            &all,
            &[first.clone(), stored_second.clone()],
        );
        assert_eq!(kept, vec![first, stored_second]);
        let kept = referees_to_keep(&[RefereeForm::default(), adviser()], &all, &[]);
        assert_eq!(kept.len(), 1, "a blank slot is dropped");
    }

    fn adviser() -> RefereeForm {
        RefereeForm {
            kind: "personal_adviser".into(),
            name: "Sam Patel".into(),
            relationship: "My personal adviser since I was 16".into(),
            email: "sam@example.org".into(),
            phone: String::new(),
        }
    }

    #[test]
    fn one_referee_of_any_accepted_kind_is_enough() {
        let all = ReferenceType::ALL;
        let referees = parse_referees(&[adviser(), RefereeForm::default()], &all, true).unwrap();
        assert_eq!(referees.len(), 1);
        assert_eq!(referees[0].kind, ReferenceType::PersonalAdviser);
        let errors = parse_referees(
            &[RefereeForm::default(), RefereeForm::default()],
            &all,
            true,
        )
        .unwrap_err();
        assert_eq!(errors[0].0, "referee1_kind");
        assert!(parse_referees(&[RefereeForm::default()], &all, false).is_ok());
    }

    #[test]
    fn a_started_referee_must_be_whole_and_of_an_accepted_kind() {
        let only_employers = [ReferenceType::Employer];
        let errors = parse_referees(&[adviser()], &only_employers, false).unwrap_err();
        assert_eq!(errors[0].0, "referee1_kind");
        let half = RefereeForm {
            name: "Jo".into(),
            ..RefereeForm::default()
        };
        let errors = parse_referees(&[adviser(), half], &ReferenceType::ALL, false).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            fields,
            ["referee2_kind", "referee2_relationship", "referee2_email"]
        );
        let bad = RefereeForm {
            email: "not an email".into(),
            phone: "call me".into(),
            ..adviser()
        };
        let errors = parse_referees(&[bad], &ReferenceType::ALL, true).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|(f, _)| *f).collect();
        assert_eq!(fields, ["referee1_email", "referee1_phone"]);
        let phone_only = RefereeForm {
            email: String::new(),
            phone: "0151 496 0000".into(),
            ..adviser()
        };
        assert!(parse_referees(&[phone_only], &ReferenceType::ALL, true).is_ok());
    }

    #[test]
    fn adjustments_and_opt_in_are_checked() {
        assert_eq!(parse_adjustments("  quiet room "), Ok("quiet room".into()));
        assert!(parse_adjustments(&"x".repeat(MAX_ADJUSTMENTS + 1)).is_err());
        assert_eq!(parse_opt_in("yes", true), Ok(Some(true)));
        assert_eq!(parse_opt_in("no", true), Ok(Some(false)));
        assert_eq!(parse_opt_in("", false), Ok(None));
        assert!(parse_opt_in("maybe", true).is_err());
    }

    #[test]
    fn time_in_each_stage_runs_to_the_next_change_or_now() {
        use time::macros::datetime;
        let entered = [
            (Draft, datetime!(2026-11-01 09:00 UTC)),
            (Submitted, datetime!(2026-11-03 10:00 UTC)),
            (Shortlisting, datetime!(2026-11-10 10:00 UTC)),
        ];
        let now = datetime!(2026-11-10 15:00 UTC);
        let spans = time_in_stages(&entered, now);
        let words: Vec<String> = spans
            .iter()
            .flatten()
            .map(|d| describe_duration(*d))
            .collect();
        assert_eq!(words, ["2 days", "7 days", "less than a day"]);
        let ended = [
            (Submitted, datetime!(2026-11-03 10:00 UTC)),
            (Withdrawn, datetime!(2026-11-04 10:00 UTC)),
        ];
        let spans = time_in_stages(&ended, now);
        assert_eq!(spans[0].map(describe_duration).as_deref(), Some("1 day"));
        assert_eq!(spans[1], None, "a final stage has no length");
        assert!(time_in_stages(&[], now).is_empty());
    }

    #[test]
    fn each_change_is_told_as_what_happened() {
        assert_eq!(event(None, Draft, true), "You started your application");
        assert_eq!(
            event(Some(Draft), Submitted, true),
            "You sent your application"
        );
        assert_eq!(
            event(Some(InterviewBooked), InvitedToInterview, true),
            "You cancelled your interview booking"
        );
        assert_eq!(
            event(Some(Shortlisting), InvitedToInterview, false),
            "You were invited to an interview"
        );
        assert_eq!(
            event(Some(Submitted), Withdrawn, false),
            "Your application was withdrawn"
        );
        for to in Stage::ALL {
            for from in Stage::ALL {
                let words = event(Some(from), to, false);
                assert!(!words.is_empty());
                assert_ne!(words, to.label(), "{to:?} reads as a stage, not an event");
            }
        }
    }

    #[test]
    fn references_are_padded() {
        assert_eq!(reference(123), "SPX-000123");
    }
}
