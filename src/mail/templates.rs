//! Every email the service sends. Each has a plain-text template (`.txt`, not escaped) and an
//! HTML template (`.html`, escaped) under `templates/emails/`, filled from one struct.

use askama::Template;

use crate::domain::email::Email;

/// An email's content, rendered into both parts.
pub trait EmailContent {
    /// The subject line.
    fn subject(&self) -> String;
    /// Renders (plain text, HTML).
    fn render_parts(&self) -> askama::Result<(String, String)>;

    /// Renders the email to `to`.
    fn to_email(&self, to: &str) -> askama::Result<Email> {
        let (text, html) = self.render_parts()?;
        Ok(Email {
            to: to.to_owned(),
            subject: self.subject(),
            text,
            html,
            calendar: None,
        })
    }
}

/// Declares an email: its fields, subject and its two templates (plain text, HTML).
macro_rules! email {
    ($(#[$doc:meta])* $name:ident, $text:literal, $html:literal, |$s:ident| $subject:expr, { $($(#[$fdoc:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Debug)]
        pub struct $name {
            $($(#[$fdoc])* pub $field: $ty,)*
        }

        const _: () = {
            #[derive(Template)]
            #[template(path = $text)]
            struct Text<'a> { m: &'a $name }

            #[derive(Template)]
            #[template(path = $html)]
            struct Html<'a> { m: &'a $name }

            impl EmailContent for $name {
                fn subject(&self) -> String {
                    let $s = self;
                    $subject
                }
                fn render_parts(&self) -> askama::Result<(String, String)> {
                    Ok((Text { m: self }.render()?, Html { m: self }.render()?))
                }
            }
        };
    };
}

email!(
    /// Sent on registration: confirm the email address.
    VerifyEmail, "emails/verify_email.txt", "emails/verify_email.html", |_m| "Confirm your email address".to_owned(), {
        /// The person's name.
        name: String,
        /// The confirmation link.
        link: String,
    }
);

email!(
    /// Sent when someone tries to register with an address that already has an account.
    AlreadyRegistered, "emails/already_registered.txt", "emails/already_registered.html", |_m| "You already have an account".to_owned(), {
        /// The person's name.
        name: String,
        /// The sign-in page.
        sign_in_link: String,
        /// The forgotten-password page.
        reset_link: String,
    }
);

email!(
    /// A password reset link.
    ResetPassword, "emails/reset_password.txt", "emails/reset_password.html", |_m| "Reset your password".to_owned(), {
        /// The person's name.
        name: String,
        /// The reset link, valid for an hour.
        link: String,
    }
);

email!(
    /// Confirms a password change, so someone who did not make it can act.
    PasswordChanged, "emails/password_changed.txt", "emails/password_changed.html", |_m| "Your password has been changed".to_owned(), {
        /// The person's name.
        name: String,
        /// The forgotten-password page.
        reset_link: String,
    }
);

email!(
    /// An invitation for a member of staff to create their account.
    Invitation, "emails/invitation.txt", "emails/invitation.html", |_m| "You have been invited to use SPECTRA".to_owned(), {
        /// The invitee's name.
        name: String,
        /// Who invited them.
        invited_by: String,
        /// What they will be able to do.
        roles: Vec<String>,
        /// The organisation, for hiring managers.
        organisation: Option<String>,
        /// The link to create the account.
        link: String,
        /// When the link stops working, in words.
        expires: String,
    }
);

email!(
    /// Tells an applicant what has just happened to their application (sent, invited to
    /// interview, interview booked…), with what happens next. Its subject says what happened.
    ApplicationStatus, "emails/application_status.txt", "emails/application_status.html", |m| m.subject.clone(), {
        /// The subject: what happened, in words ("Your interview for Porter is booked").
        subject: String,
        /// The applicant's name.
        name: String,
        /// What happened, in a sentence naming the job, organisation and reference.
        summary: String,
        /// What happens next.
        what_next: String,
        /// Details, each under its own heading ("Your interview", "Feedback from the panel").
        sections: Vec<Section>,
        /// Something to do, with its link: ("You can change or cancel your time here", link).
        action: Option<(String, String)>,
        /// The named contact: name, role, email and phone in one line.
        contact: String,
        /// The application's page.
        link: String,
    }
);

/// A part of an email under its own heading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// The heading.
    pub heading: String,
    /// Its paragraphs.
    pub paragraphs: Vec<String>,
}

email!(
    /// Tells the lead of a vacancy's shortlisting panel what the Executive Champion decided
    /// about their request for the high-volume exception.
    ExceptionDecided, "emails/exception_decided.txt", "emails/exception_decided.html", |m| format!("High-volume exception {}: {}", if m.approved { "approved" } else { "refused" }, m.title), {
        /// The lead's name.
        name: String,
        /// The vacancy's title.
        title: String,
        /// The organisation.
        organisation: String,
        /// Whether the champion approved it.
        approved: bool,
        /// The most people who may be interviewed, as asked for.
        cap: i32,
        /// The champion's note, or empty.
        note: String,
        /// The vacancy's shortlisting page.
        link: String,
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_part_escapes_and_text_part_does_not() {
        let email = VerifyEmail {
            name: "Jo <b>& co</b>".into(),
            link: "http://x/verify-email/abc".into(),
        }
        .to_email("jo@example.org")
        .unwrap();
        assert!(
            email.html.contains("Jo &#60;b&#62;&#38; co&#60;/b&#62;")
                || email.html.contains("Jo &lt;b&gt;&amp; co&lt;/b&gt;")
        );
        assert!(email.text.contains("Jo <b>& co</b>"));
        assert!(email.text.contains("http://x/verify-email/abc"));
        assert!(email.html.contains("href=\"http://x/verify-email/abc\""));
        assert_eq!(email.subject, "Confirm your email address");
    }

    #[test]
    fn checkpoint_reminders_list_the_checkpoints_and_say_which_kind() {
        let reminder = |overdue: bool, more: usize| CheckpointReminder {
            name: "Morgan".into(),
            organisation: "Alder Hey".into(),
            overdue,
            lines: vec![
                "E-000012: Porter, started 4 January 2027. 3-month checkpoint, due 4 April 2027"
                    .into(),
            ],
            more,
            link: "http://x/manage/employees".into(),
        };
        let due = reminder(false, 0).to_email("hm@example.org").unwrap();
        assert_eq!(due.subject, "Retention checkpoints to record: Alder Hey");
        assert!(
            due.text
                .contains("have fallen due:\n\n- E-000012: Porter, started 4 January 2027.")
        );
        assert!(!due.text.contains("more."));
        assert!(
            due.text
                .contains("Record them here: http://x/manage/employees")
        );
        assert!(due.html.contains("<li>E-000012: Porter"));
        let overdue = reminder(true, 3).to_email("hm@example.org").unwrap();
        assert_eq!(overdue.subject, "Overdue retention checkpoints: Alder Hey");
        assert!(overdue.text.contains("more than 14 days ago"));
        assert!(overdue.text.contains("and 3 more."));
        assert!(overdue.html.contains("href=\"http://x/manage/employees\""));
    }

    #[test]
    fn exception_decided_says_what_the_champion_decided() {
        let decided = |approved: bool| ExceptionDecided {
            name: "Morgan".into(),
            title: "Porter".into(),
            organisation: "Alder Hey".into(),
            approved,
            cap: 4,
            note: String::new(),
            link: "http://x/shortlisting/3".into(),
        };
        let approved = decided(true).to_email("lead@example.org").unwrap();
        assert_eq!(approved.subject, "High-volume exception approved: Porter");
        assert!(
            approved
                .text
                .contains("The most people you may now interview is 4")
        );
        assert!(!approved.text.contains("Their note"));
        let refused = decided(false).to_email("lead@example.org").unwrap();
        assert_eq!(refused.subject, "High-volume exception refused: Porter");
        assert!(refused.html.contains("Interviews are not limited"));
        assert!(refused.html.contains("href=\"http://x/shortlisting/3\""));
    }
}

email!(
    /// Every message of the mentoring pilot: approval, introductions, endings.
    MentoringNotice, "emails/mentoring_notice.txt", "emails/mentoring_notice.html", |m| m.subject.clone(), {
        /// The subject line.
        subject: String,
        /// The person's name.
        name: String,
        /// The message, a paragraph each.
        paragraphs: Vec<String>,
        /// Where to go next, if anywhere.
        link: Option<String>,
    }
);

email!(
    /// A notice to staff about something that happened on a vacancy they work on (an applicant
    /// withdrew and their interview was cancelled, say).
    StaffNotice, "emails/staff_notice.txt", "emails/staff_notice.html", |m| m.subject.clone(), {
        /// The subject line.
        subject: String,
        /// The person's name.
        name: String,
        /// The message, a paragraph each.
        paragraphs: Vec<String>,
        /// Where to go next, if anywhere.
        link: Option<String>,
    }
);

email!(
    /// Reminds a hiring manager of their organisation's retention checkpoints: those that fell
    /// due, or (worded apart) those still unrecorded 14 days later. It names nobody: each line
    /// gives the employment reference, role and start date.
    CheckpointReminder, "emails/checkpoint_reminder.txt", "emails/checkpoint_reminder.html", |m| if m.overdue { format!("Overdue retention checkpoints: {}", m.organisation) } else { format!("Retention checkpoints to record: {}", m.organisation) }, {
        /// The manager's name.
        name: String,
        /// Their organisation.
        organisation: String,
        /// Whether these checkpoints are overdue (the second reminder).
        overdue: bool,
        /// One line per checkpoint.
        lines: Vec<String>,
        /// How many more checkpoints there are beyond the lines listed.
        more: usize,
        /// The page where they record checkpoints.
        link: String,
    }
);

email!(
    /// Tells someone who has started an application (a draft, or sent) that the vacancy's
    /// closing date has moved later, or that a vacancy closed early has reopened.
    ClosingDateChanged, "emails/closing_date_changed.txt", "emails/closing_date_changed.html", |m| if m.reopened { format!("{} is open for applications again", m.title) } else { format!("{} now closes later, on {}", m.title, m.closes) }, {
        /// The applicant's name.
        name: String,
        /// The vacancy's title.
        title: String,
        /// The organisation.
        organisation: String,
        /// The new closing date and time, in words.
        closes: String,
        /// The vacancy had closed early and takes applications again.
        reopened: bool,
        /// Their application has been sent (otherwise it is unfinished).
        sent: bool,
        /// The named contact: name, role, email and phone in one line.
        contact: String,
        /// Their application's page.
        link: String,
    }
);
