//! The emails the use cases queue, each in the transaction of the change that causes it. Each
//! says what happened in its subject and first line, and keeps its details under their own
//! headings: an interview's time under "Your interview", the panel's words under "Feedback
//! from the panel".

use sea_orm::DatabaseTransaction;

use crate::config::Config;
use crate::db::{organisations, outbox, users};
use crate::domain::application::{self, Stage};
use crate::domain::london_time;
use crate::entities::{application as application_entity, interview_slot, vacancy};
use crate::mail::templates::{ApplicationStatus, EmailContent, Section};

/// The email telling an applicant their application is now at a new stage, whoever moved it.
#[derive(Debug)]
pub struct StatusEmail<'a> {
    /// The applicant's name.
    pub name: &'a str,
    /// The applicant's email address.
    pub email: &'a str,
    /// The vacancy.
    pub vacancy: &'a vacancy::Model,
    /// The vacancy's organisation.
    pub organisation: &'a str,
    /// The application.
    pub application_id: i32,
    /// The new stage.
    pub stage: Stage,
    /// The panel's feedback (for a decision) or a note on the change, or empty.
    pub feedback: &'a str,
    /// A calendar invitation to attach.
    pub calendar: Option<String>,
}

/// The subject of the email about an application that has just moved to `stage`: what
/// happened, in words.
pub fn status_subject(stage: Stage, title: &str) -> String {
    match stage {
        Stage::Draft => format!("Your application for {title} is saved"),
        Stage::Submitted => format!("Your application for {title} has been sent"),
        Stage::Shortlisting => format!("Your application for {title} is being reviewed"),
        Stage::InvitedToInterview => format!("You are invited to an interview for {title}"),
        Stage::NotShortlisted => {
            format!("Your application for {title} has not been taken forward")
        }
        Stage::InterviewBooked => format!("Your interview for {title} is booked"),
        Stage::Interviewed => format!("Feedback from your interview for {title}"),
        Stage::ConditionalOffer => format!("You are offered the job of {title}"),
        Stage::ChecksComplete => format!("Your checks for {title} are complete"),
        Stage::Started => format!("Welcome to your new job as {title}"),
        Stage::Withdrawn => format!("Your application for {title} is withdrawn"),
        Stage::Unsuccessful => format!("Your application for {title} was not successful"),
    }
}

/// The first line of the email: what happened, naming the job, organisation and reference.
fn status_summary(stage: Stage, job: &str) -> String {
    match stage {
        Stage::Draft => format!("Your application for {job} is saved."),
        Stage::Submitted => format!("We have received your application for {job}."),
        Stage::Shortlisting => {
            format!("The hiring team has started reviewing your application for {job}.")
        }
        Stage::InvitedToInterview => {
            format!("Good news: you are invited to an interview for {job}.")
        }
        Stage::NotShortlisted => {
            format!("Your application for {job} has not been taken forward to interview this time.")
        }
        Stage::InterviewBooked => format!("Your interview for {job} is booked."),
        Stage::Interviewed => {
            format!("The panel has recorded the outcome of your interview for {job}.")
        }
        Stage::ConditionalOffer => format!("Good news: you are offered the job of {job}."),
        Stage::ChecksComplete => format!("Your pre-employment checks for {job} are complete."),
        Stage::Started => format!("You have started your new job: {job}."),
        Stage::Withdrawn => format!("Your application for {job} is withdrawn."),
        Stage::Unsuccessful => {
            format!("Your application for {job} has not been successful this time.")
        }
    }
}

/// The job in words: "Porter at Alder Hey (reference SPX-000012)".
fn job(vacancy: &vacancy::Model, organisation: &str, application_id: i32) -> String {
    format!(
        "{} at {organisation} (reference {})",
        vacancy.title,
        application::reference(application_id)
    )
}

/// The named contact in one line.
fn contact(v: &vacancy::Model) -> String {
    format!(
        "{}, {}, at {} or on {}",
        v.contact_name, v.contact_role, v.contact_email, v.contact_phone
    )
}

/// The vacancy's named contact, as a decline names them.
struct Contact<'a> {
    contact_name: &'a str,
    contact_role: &'a str,
    contact_email: &'a str,
}

impl<'a> From<&'a vacancy::Model> for Contact<'a> {
    fn from(v: &'a vacancy::Model) -> Self {
        Contact {
            contact_name: &v.contact_name,
            contact_role: &v.contact_role,
            contact_email: &v.contact_email,
        }
    }
}

/// Who to ask about the decision, by the contact's name and email: every decline says it.
/// With the panel's feedback quoted above, it offers to talk it through; without, it says how
/// to ask for feedback.
fn asking_for_feedback(v: &Contact<'_>, has_feedback: bool) -> Section {
    if has_feedback {
        Section {
            heading: "Questions about this feedback".to_owned(),
            paragraphs: vec![format!(
                "If you would like to talk it through, or anything is unclear, email {} ({}) at {}.",
                v.contact_name, v.contact_role, v.contact_email
            )],
        }
    } else {
        Section {
            heading: "Asking for feedback".to_owned(),
            paragraphs: vec![format!(
                "You can ask why you were not taken forward, and how to make your next application stronger. Email {} ({}) at {}.",
                v.contact_name, v.contact_role, v.contact_email
            )],
        }
    }
}

/// What the email about a move to `stage` holds beyond its summary: the panel's feedback
/// under its own heading on a decision, how to ask for feedback on a decline, and any other
/// note as it is.
fn stage_sections(stage: Stage, feedback: &str, v: &Contact<'_>) -> Vec<Section> {
    let mut sections = Vec::new();
    let decision = matches!(
        stage,
        Stage::NotShortlisted | Stage::Interviewed | Stage::Unsuccessful
    );
    if !feedback.is_empty() {
        sections.push(Section {
            heading: if decision {
                "Feedback from the panel".to_owned()
            } else {
                "Note".to_owned()
            },
            paragraphs: vec![feedback.to_owned()],
        });
    }
    if matches!(stage, Stage::NotShortlisted | Stage::Unsuccessful) {
        sections.push(asking_for_feedback(v, !feedback.is_empty()));
    }
    sections
}

/// Queues a message to the applicant.
async fn queue(
    txn: &DatabaseTransaction,
    to: &str,
    message: ApplicationStatus,
    calendar: Option<String>,
) -> anyhow::Result<()> {
    let message = crate::domain::email::Email {
        calendar,
        ..message.to_email(to)?
    };
    outbox::enqueue(txn, &message).await?;
    Ok(())
}

impl StatusEmail<'_> {
    /// Queues the email. Call it in the transaction that made the change.
    pub async fn queue(self, txn: &DatabaseTransaction, config: &Config) -> anyhow::Result<()> {
        let v = self.vacancy;
        let id = self.application_id;
        let action = match self.stage {
            Stage::InterviewBooked => Some((
                "You can change or cancel your time here".to_owned(),
                config.link(&format!("/applications/{id}/interview")),
            )),
            Stage::ConditionalOffer => Some((
                "Accept or decline the offer here".to_owned(),
                config.link(&format!("/applications/{id}/offer")),
            )),
            _ => None,
        };
        let message = ApplicationStatus {
            subject: status_subject(self.stage, &v.title),
            name: self.name.to_owned(),
            summary: status_summary(self.stage, &job(v, self.organisation, id)),
            // A decline's sections say how to ask for feedback; the page's words would repeat it.
            what_next: match self.stage {
                Stage::NotShortlisted | Stage::Unsuccessful => "Thank you for applying.".to_owned(),
                // The summary has said they are invited: say only what happens next.
                Stage::InvitedToInterview => "The panel will now set the interview times. When they have, we will email you a link to choose the time that suits you.".to_owned(),
                stage => stage.what_next().to_owned(),
            },
            sections: stage_sections(self.stage, self.feedback, &Contact::from(v)),
            action,
            contact: contact(v),
            link: config.link(&format!("/applications/{id}")),
        };
        queue(txn, self.email, message, self.calendar).await
    }
}

/// What has happened about an interview.
#[derive(Clone, Copy, Debug)]
pub enum InterviewNews<'a> {
    /// The panel has set the interview times: choose one.
    TimesReady,
    /// The applicant booked this time, or moved their booking to it.
    Booked {
        /// The time booked.
        slot: &'a interview_slot::Model,
        /// Whether it replaces an earlier booking.
        moved: bool,
        /// The support the applicant asked for in their application, or empty.
        adjustments: &'a str,
    },
    /// The applicant cancelled this time.
    Cancelled {
        /// The time cancelled.
        slot: &'a interview_slot::Model,
    },
}

/// An email to an applicant about their interview: the times are ready, or their booking.
#[derive(Debug)]
pub struct InterviewEmail<'a> {
    /// The applicant's name.
    pub name: &'a str,
    /// The applicant's email address.
    pub email: &'a str,
    /// The vacancy.
    pub vacancy: &'a vacancy::Model,
    /// The vacancy's organisation.
    pub organisation: &'a str,
    /// The application.
    pub application_id: i32,
    /// What happened.
    pub news: InterviewNews<'a>,
    /// A calendar invitation (or cancellation) to attach.
    pub calendar: Option<String>,
}

/// The interview's details, under their own heading.
fn interview_section(heading: &str, slot: &interview_slot::Model) -> Section {
    Section {
        heading: heading.to_owned(),
        paragraphs: vec![
            format!("When: {}", london_time::describe(slot.starts_at)),
            format!("How long: {} minutes", slot.minutes),
            format!("Where: {}", slot.place),
        ],
    }
}

/// What a booking email says beyond the time: what the interview is like, what to bring, the
/// support asked for, and who to contact. Generic, but true of every interview here.
fn booking_sections(
    slot: &interview_slot::Model,
    adjustments: &str,
    v: &vacancy::Model,
) -> Vec<Section> {
    let support = if adjustments.trim().is_empty() {
        format!(
            "You did not ask for any support. If you need any, for example extra time, a quiet room or someone with you, tell {} before the day.",
            v.contact_name
        )
    } else {
        format!(
            "You asked for this support, and the panel can see it: \"{}\". If you need anything else, tell {} before the day.",
            adjustments.trim(),
            v.contact_name
        )
    };
    vec![
        interview_section("Your interview", slot),
        Section {
            heading: "What the interview is like".to_owned(),
            paragraphs: vec![
                format!(
                    "It lasts about {} minutes. It is a conversation, not a test.",
                    slot.minutes
                ),
                "The panel will ask you about the evidence you gave in your application. Think of one or two real examples for each thing the job asks for. Examples from school, caring, volunteering or your own life all count.".to_owned(),
                "You can ask them questions too, about the job or the team.".to_owned(),
            ],
        },
        Section {
            heading: "What to bring".to_owned(),
            paragraphs: vec![
                "Photo ID, such as a passport, driving licence or provisional licence. If you do not have photo ID, tell the contact below: they will help.".to_owned(),
                "This email, or the time and place written down.".to_owned(),
            ],
        },
        Section {
            heading: "Support at your interview".to_owned(),
            paragraphs: vec![support],
        },
        Section {
            heading: "Who to contact".to_owned(),
            paragraphs: vec![format!(
                "{} ({}): email {} or call {}. Contact them if you are running late, feel unwell, or have any questions.",
                v.contact_name, v.contact_role, v.contact_email, v.contact_phone
            )],
        },
    ]
}

impl InterviewEmail<'_> {
    /// Queues the email. Call it in the transaction that made the change.
    pub async fn queue(self, txn: &DatabaseTransaction, config: &Config) -> anyhow::Result<()> {
        let v = self.vacancy;
        let id = self.application_id;
        let title = &v.title;
        let job = job(v, self.organisation, id);
        let choose = config.link(&format!("/applications/{id}/interview"));
        let (subject, summary, what_next, sections, action) = match self.news {
            InterviewNews::TimesReady => (
                format!("Choose your interview time for {title}"),
                format!("The interview times for {job} are ready."),
                "Choose the time that suits you. You can change or cancel it online up to 24 hours before your interview. If you need any support at the interview, contact the person named below.".to_owned(),
                Vec::new(),
                ("Choose your interview time here".to_owned(), choose),
            ),
            InterviewNews::Booked {
                slot,
                moved,
                adjustments,
            } => (
                if moved {
                    format!("Your interview for {title} has moved")
                } else {
                    format!("Your interview for {title} is booked")
                },
                if moved {
                    format!("Your interview for {job} has moved to {}.", london_time::describe(slot.starts_at))
                } else {
                    format!("Your interview for {job} is booked.")
                },
                "The calendar invitation is attached: open it to add the interview to your calendar.".to_owned(),
                booking_sections(slot, adjustments, v),
                (
                    "You can change or cancel your time here, up to 24 hours before it".to_owned(),
                    choose,
                ),
            ),
            InterviewNews::Cancelled { slot } => (
                format!("Your interview for {title} is cancelled"),
                format!("You cancelled your interview for {job}."),
                "You are still invited to an interview. Choose another time when you are ready.".to_owned(),
                vec![interview_section("The time you cancelled", slot)],
                ("Choose another time here".to_owned(), choose),
            ),
        };
        let message = ApplicationStatus {
            subject,
            name: self.name.to_owned(),
            summary,
            what_next,
            sections,
            action: Some(action),
            contact: contact(v),
            link: config.link(&format!("/applications/{id}")),
        };
        queue(txn, self.email, message, self.calendar).await
    }
}

/// Queues the status email of an application moved to `stage`.
pub async fn email_applicant(
    txn: &DatabaseTransaction,
    config: &Config,
    vacancy: &vacancy::Model,
    application: &application_entity::Model,
    stage: Stage,
    feedback: &str,
) -> anyhow::Result<()> {
    let Some(applicant) = users::find_by_id(txn, application.applicant_id).await? else {
        return Ok(());
    };
    let organisation = organisations::find(txn, vacancy.organisation_id)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    StatusEmail {
        name: &applicant.full_name,
        email: &applicant.email,
        vacancy,
        organisation: &organisation,
        application_id: application.id,
        stage,
        feedback,
        calendar: None,
    }
    .queue(txn, config)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::application::Stage;

    #[test]
    fn every_subject_says_what_happened_in_words() {
        for stage in Stage::ALL {
            let subject = status_subject(stage, "Porter");
            assert!(subject.contains("Porter"), "{subject}");
            assert!(!subject.contains(": "), "not \"Porter: Status\": {subject}");
            assert!(
                subject.starts_with("You")
                    || subject.starts_with("Feedback")
                    || subject.starts_with("Welcome"),
                "{subject}"
            );
        }
        assert_eq!(
            status_subject(Stage::Submitted, "Porter"),
            "Your application for Porter has been sent"
        );
        assert_eq!(
            status_subject(Stage::InvitedToInterview, "Porter"),
            "You are invited to an interview for Porter"
        );
        assert_eq!(
            status_subject(Stage::InterviewBooked, "Porter"),
            "Your interview for Porter is booked"
        );
    }

    #[test]
    fn feedback_has_its_own_heading_and_a_decline_says_whom_to_ask() {
        let v = Contact {
            contact_name: "Pat Lee",
            contact_role: "Care leaver lead",
            contact_email: "pat.lee@nhs.net",
        };
        let declined = stage_sections(Stage::NotShortlisted, "", &v);
        assert_eq!(declined.len(), 1);
        assert_eq!(declined[0].heading, "Asking for feedback");
        assert!(
            declined[0].paragraphs[0]
                .contains("Email Pat Lee (Care leaver lead) at pat.lee@nhs.net")
        );
        let with_feedback = stage_sections(Stage::Unsuccessful, "Practise examples.", &v);
        assert_eq!(with_feedback[0].heading, "Feedback from the panel");
        // The feedback is quoted above, so the email does not say it "is available".
        assert_eq!(with_feedback[1].heading, "Questions about this feedback");
        assert!(!with_feedback[1].paragraphs[0].contains("available"));
        assert!(stage_sections(Stage::Submitted, "", &v).is_empty());
    }
}
