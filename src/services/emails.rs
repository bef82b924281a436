//! The emails the use cases queue, each in the transaction of the change that causes it.

use sea_orm::ConnectionTrait;

use crate::config::Config;
use crate::db::{organisations, outbox, users};
use crate::domain::application::{self, Stage};
use crate::entities::{application as application_entity, vacancy};
use crate::mail::templates::{ApplicationStatus, EmailContent};

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
    /// Feedback from the panel, or empty.
    pub feedback: &'a str,
    /// A calendar invitation to attach.
    pub calendar: Option<String>,
}

impl StatusEmail<'_> {
    /// Queues the email. Call it in the transaction that made the change.
    pub async fn queue(self, db: &impl ConnectionTrait, config: &Config) -> anyhow::Result<()> {
        let v = self.vacancy;
        let message = ApplicationStatus {
            name: self.name.to_owned(),
            title: v.title.clone(),
            organisation: self.organisation.to_owned(),
            reference: application::reference(self.application_id),
            status: self.stage.label().to_owned(),
            what_next: self.stage.what_next().to_owned(),
            feedback: self.feedback.to_owned(),
            contact: format!(
                "{}, {}, at {} or on {}",
                v.contact_name, v.contact_role, v.contact_email, v.contact_phone
            ),
            link: config.link(&format!("/applications/{}", self.application_id)),
        }
        .to_email(self.email)?;
        let message = crate::mail::Email {
            calendar: self.calendar,
            ..message
        };
        outbox::enqueue(db, &message).await?;
        Ok(())
    }
}

/// Queues the status email of an application moved to `stage`.
pub async fn email_applicant(
    txn: &impl ConnectionTrait,
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
