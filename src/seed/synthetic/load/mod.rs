//! What writes: one transaction that checks the database holds only synthetic data, then adds
//! organisations, applicants, vacancies, applications, the shortlisting vacancy and the hires,
//! in the order their rows refer to each other.

mod applications;
pub(super) mod batch;
mod hiring;
mod shortlisting;
mod vacancies;

use std::cell::Cell;
use std::time::{Duration as StdDuration, Instant};

use anyhow::{Context, bail};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
    PaginatorTrait, QueryFilter, Statement, TransactionTrait,
};
use time::{Date, Duration, OffsetDateTime};

use self::batch::{Batch, ID_TABLES, Ids, TABLES};
use super::plan::{Census, Options, drama_phone, pick, refusal, seconds, weighted};
use super::words::{ADJUSTMENTS, LOCAL_AUTHORITIES, organisation_name, person_name};
use super::{EMAIL_DOMAIN, NAME_PREFIX, synthetic_email};
use crate::auth::password;
use crate::db;
use crate::domain::london_time;
use crate::domain::profile::CareExperience;
use crate::domain::programme::CareDefinition;
use crate::domain::vacancy::{ReferenceType, VacancyKind};
use crate::domain::{NewPassword, Role};
use crate::entities::{
    applicant_profile, invitation, organisation, programme, user, user_role, vacancy,
};

async fn max_id(db: &impl ConnectionTrait, table: &str) -> anyhow::Result<i64> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) AS m FROM {table}"),
        ))
        .await?
        .context("MAX(id) returned no row")?;
    Ok(row.try_get::<i64>("", "m")?)
}

async fn census(db: &impl ConnectionTrait) -> anyhow::Result<Census> {
    let email_pattern = format!("%@{EMAIL_DOMAIN}");
    let name_pattern = format!("{NAME_PREFIX}%");
    let synthetic_organisations = Query::select()
        .column(organisation::Column::Id)
        .from(organisation::Entity)
        .and_where(organisation::Column::Name.like(name_pattern.as_str()))
        .to_owned();
    let synthetic_users = Query::select()
        .column(user::Column::Id)
        .from(user::Entity)
        .and_where(user::Column::Email.like(email_pattern.as_str()))
        .to_owned();
    Ok(Census {
        users: user::Entity::find()
            .filter(user::Column::Email.not_like(email_pattern.as_str()))
            .count(db)
            .await?,
        organisations: organisation::Entity::find()
            .filter(organisation::Column::Name.not_like(name_pattern.as_str()))
            .count(db)
            .await?,
        programmes: programme::Entity::find()
            .filter(programme::Column::Name.not_like(name_pattern.as_str()))
            .count(db)
            .await?,
        vacancies: vacancy::Entity::find()
            .filter(
                Condition::any()
                    .add(vacancy::Column::OrganisationId.not_in_subquery(synthetic_organisations))
                    .add(vacancy::Column::CreatedBy.not_in_subquery(synthetic_users)),
            )
            .count(db)
            .await?,
        invitations: invitation::Entity::find()
            .filter(invitation::Column::Email.not_like(email_pattern.as_str()))
            .count(db)
            .await?,
    })
}

async fn count_users_like(db: &impl ConnectionTrait, kind: &str) -> anyhow::Result<u64> {
    Ok(user::Entity::find()
        .filter(user::Column::Email.like(format!("{kind}%@{EMAIL_DOMAIN}").as_str()))
        .count(db)
        .await?)
}

/// What a run added, and how fast.
#[derive(Clone, Debug)]
pub struct Report {
    /// Rows inserted, in every table.
    pub rows: u64,
    /// Applications inserted, the shortlisting vacancy's included.
    pub applications: u64,
    /// Employment records inserted: the started applications' and `--hires`.
    pub employments: u64,
    /// Time from the start to the commit.
    pub elapsed: StdDuration,
    /// The random generator's seed, to repeat the run.
    pub seed: u64,
    /// The vacancy being shortlisted, when one was asked for.
    pub shortlisting: Option<ShortlistingReport>,
}

/// The vacancy added for `--shortlisting-applications`, and what its panel has done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ShortlistingReport {
    /// The vacancy's ID: its board is at `/shortlisting/{vacancy_id}`.
    pub vacancy_id: i32,
    /// The email of the panel's lead (the organisation's usual hiring manager).
    pub lead_email: String,
    /// The emails of the two other panel members, added for it.
    pub member_emails: Vec<String>,
    /// The vacancy's criteria.
    pub criteria: u64,
    /// Sent applications.
    pub applications: u64,
    /// Panel members' scores, one per criterion.
    pub scores: u64,
    /// The lead's final scores, one per criterion.
    pub finals: u64,
    /// Decisions recorded.
    pub decisions: u64,
}

impl Report {
    /// Rows a second.
    pub fn rows_per_second(&self) -> f64 {
        self.rows as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// Applications a minute.
    pub fn applications_per_minute(&self) -> f64 {
        self.applications as f64 * 60.0 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// A manager's organisation, as the later rows need it.
struct Org {
    id: i32,
    manager_id: i32,
    manager_name: String,
    manager_email: String,
}

/// An applicant, as their applications need them.
struct Applicant {
    id: i32,
    care: CareExperience,
}

/// A vacancy, as its applications need it.
struct Vac {
    id: i32,
    organisation: usize,
    organisation_id: i32,
    title: &'static str,
    kind: VacancyKind,
    band: &'static str,
    programme_id: Option<i32>,
    positions: i32,
    /// Offers accepted so far: never more than the positions.
    accepted: Cell<i32>,
    ring_fenced: bool,
    open: bool,
    care_definition: Option<String>,
    published_at: OffsetDateTime,
    /// When it stopped taking applications: its closing time, when it was closed, or now.
    ended_at: OffsetDateTime,
    criteria: Vec<i32>,
    references: Vec<ReferenceType>,
}

/// Checks the database holds only synthetic data, then adds the rows `options` asks for.
pub async fn seed(db: &DatabaseConnection, options: &Options) -> anyhow::Result<Report> {
    let counts = options.counts;
    options.check().map_err(anyhow::Error::msg)?;
    let started = Instant::now();
    let seed = options.seed.unwrap_or_else(|| rand::rng().random());
    let mut rng = StdRng::seed_from_u64(seed);
    // Offers, checks and employment come from a generator of their own, so that the
    // applications a seed gives do not depend on them.
    let extra = StdRng::seed_from_u64(seed ^ 0x9e37_79b9_7f4a_7c15);

    // One hash of a random password nobody is told: nobody can sign in as a synthetic user.
    let secret: String = (&mut rng)
        .sample_iter(rand::distr::Alphanumeric)
        .take(32)
        .map(char::from)
        .collect();
    let secret = NewPassword::parse(&secret, &secret, "").map_err(|(_, m)| anyhow::anyhow!(m))?;
    let password_hash = password::hash(&password::HashGate::for_tools(), &secret).await?;
    let lead_password_hash = match &options.lead_password {
        Some(lead_password) => {
            Some(password::hash(&password::HashGate::for_tools(), lead_password).await?)
        }
        None => None,
    };

    let txn = db.begin().await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared(&format!(
            "LOCK TABLE {}, invitations IN EXCLUSIVE MODE",
            TABLES.join(", ")
        ))
        .await?;
    }
    if let Some(reason) = refusal(&census(&txn).await?) {
        bail!(reason);
    }
    let now = db::now();
    let mut seeder = Seeder {
        rng,
        extra,
        now,
        today: london_time::from_utc(now).date(),
        password_hash,
        organisations: Ids(max_id(&txn, "organisations").await?),
        users: Ids(max_id(&txn, "users").await?),
        programmes: Ids(max_id(&txn, "programmes").await?),
        vacancies: Ids(max_id(&txn, "vacancies").await?),
        criteria: Ids(max_id(&txn, "vacancy_criteria").await?),
        applications: Ids(max_id(&txn, "applications").await?),
        answers: Ids(max_id(&txn, "application_answers").await?),
        referees: Ids(max_id(&txn, "application_referees").await?),
        stage_changes: Ids(max_id(&txn, "application_stage_changes").await?),
        panel_members: Ids(max_id(&txn, "panel_members").await?),
        scores: Ids(max_id(&txn, "shortlist_scores").await?),
        finals: Ids(max_id(&txn, "final_scores").await?),
        offer_checks: Ids(max_id(&txn, "offer_checks").await?),
        employments: Ids(max_id(&txn, "employment_records").await?),
        checkpoints: Ids(max_id(&txn, "employment_checkpoints").await?),
        employments_written: 0,
        rows: 0,
    };
    println!("Seeding synthetic data (seed {seed}; pass --seed {seed} to repeat it)");
    let organisations = seeder.organisations(&txn, counts.organisations).await?;
    let applicants = seeder.applicants(&txn, counts.applicants).await?;
    let vacancies = seeder
        .vacancies(&txn, &organisations, counts.vacancies, counts.open)
        .await?;
    let applications = seeder
        .applications(
            &txn,
            &organisations,
            &applicants,
            &vacancies,
            counts.applications,
        )
        .await?;
    let shortlisting = seeder
        .shortlisting(
            &txn,
            &organisations,
            &applicants,
            counts.shortlisting_applications,
            lead_password_hash,
        )
        .await?;
    seeder.hires(&txn, &organisations, counts.hires).await?;
    // The stage history above was written in batches, not change by change, so the dashboard's
    // summaries are counted again from the whole of it (db::reports::summaries).
    println!("  counting the dashboard's summaries");
    crate::db::reports::summaries::rebuild(&txn).await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        for table in ID_TABLES {
            txn.execute_unprepared(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), MAX(id)) FROM {table} \
                 HAVING MAX(id) IS NOT NULL"
            ))
            .await?;
        }
    }
    println!("  committing");
    txn.commit().await?;
    if db.get_database_backend() == DbBackend::Postgres {
        // Fresh statistics, so the planner sees the tables as they now are, as it would after
        // autovacuum's next visit.
        println!("  analysing");
        db.execute_unprepared(&format!("ANALYZE {}", TABLES.join(", ")))
            .await?;
    }
    Ok(Report {
        rows: seeder.rows,
        applications: applications + shortlisting.as_ref().map_or(0, |s| s.applications),
        employments: seeder.employments_written,
        elapsed: started.elapsed(),
        seed,
        shortlisting,
    })
}

/// The state of one run: the random generator, the next IDs, and rows written so far.
struct Seeder {
    rng: StdRng,
    /// For offers, checks and employment.
    extra: StdRng,
    now: OffsetDateTime,
    /// Today in London.
    today: Date,
    password_hash: String,
    organisations: Ids,
    users: Ids,
    programmes: Ids,
    vacancies: Ids,
    criteria: Ids,
    applications: Ids,
    answers: Ids,
    referees: Ids,
    stage_changes: Ids,
    panel_members: Ids,
    scores: Ids,
    finals: Ids,
    offer_checks: Ids,
    employments: Ids,
    checkpoints: Ids,
    employments_written: u64,
    rows: u64,
}

impl Seeder {
    fn user(
        &mut self,
        id: i32,
        email: String,
        full_name: String,
        organisation_id: Option<i32>,
    ) -> user::ActiveModel {
        let created = self.now - seconds(&mut self.rng, Duration::days(1), Duration::days(700));
        user::ActiveModel {
            id: Set(id),
            email: Set(email),
            full_name: Set(full_name),
            password_hash: Set(self.password_hash.clone()),
            email_verified_at: Set(Some(created + Duration::minutes(5))),
            is_active: Set(true),
            organisation_id: Set(organisation_id),
            created_at: Set(created),
            updated_at: Set(created),
            deleted_at: Set(None),
        }
    }

    fn role(&self, user_id: i32, role: Role) -> user_role::ActiveModel {
        user_role::ActiveModel {
            user_id: Set(user_id),
            role: Set(role),
            granted_at: Set(self.now),
        }
    }

    /// Organisations, each with one hiring manager.
    async fn organisations(
        &mut self,
        db: &impl ConnectionTrait,
        count: u32,
    ) -> anyhow::Result<Vec<Org>> {
        let existing = organisation::Entity::find()
            .filter(organisation::Column::Name.like(format!("{NAME_PREFIX}%").as_str()))
            .count(db)
            .await?;
        let managers_before = count_users_like(db, "manager").await?;
        let mut orgs = Batch::<organisation::ActiveModel>::new();
        let mut users = Batch::<user::ActiveModel>::new();
        let mut roles = Batch::<user_role::ActiveModel>::new();
        let mut out = Vec::new();
        for i in 0..u64::from(count) {
            let id = self.organisations.next()?;
            orgs.push(organisation::ActiveModel {
                id: Set(id),
                name: Set(organisation_name(existing + i)),
                // Synthetic codes start with X, which no real organisation's does.
                ods_code: Set(Some(format!("X{:04}", existing + i + 1))),
                created_at: Set(self.now - Duration::days(800)),
                deactivated_at: Set(None),
                updated_at: Set(None),
            });
            let manager_id = self.users.next()?;
            let email = synthetic_email("manager", managers_before + i + 1);
            let manager_name = person_name(&mut self.rng);
            users.push(self.user(manager_id, email.clone(), manager_name.clone(), Some(id)));
            roles.push(self.role(manager_id, Role::HiringManager));
            out.push(Org {
                id,
                manager_id,
                manager_name,
                manager_email: email,
            });
        }
        orgs.flush(db).await?;
        users.flush(db).await?;
        roles.flush(db).await?;
        self.rows += orgs.written + users.written + roles.written;
        println!(
            "  organisations: {} (with {} hiring managers)",
            orgs.written, users.written
        );
        Ok(out)
    }

    /// Applicants, with their role and profile.
    async fn applicants(
        &mut self,
        db: &impl ConnectionTrait,
        count: u32,
    ) -> anyhow::Result<Vec<Applicant>> {
        let before = count_users_like(db, "applicant").await?;
        let mut users = Batch::<user::ActiveModel>::new();
        let mut roles = Batch::<user_role::ActiveModel>::new();
        let mut profiles = Batch::<applicant_profile::ActiveModel>::new();
        let mut out = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
        for i in 0..u64::from(count) {
            let id = self.users.next()?;
            let name = person_name(&mut self.rng);
            let email = synthetic_email("applicant", before + i + 1);
            users.push(self.user(id, email, name, None));
            roles.push(self.role(id, Role::Applicant));
            let care = weighted(
                &mut self.rng,
                &[
                    (CareExperience::Yes, 60),
                    (CareExperience::No, 28),
                    (CareExperience::PreferNotToSay, 12),
                ],
            );
            let declared = care == CareExperience::Yes;
            let has_adviser = declared && self.rng.random_bool(0.6);
            profiles.push(applicant_profile::ActiveModel {
                user_id: Set(id),
                phone: Set(drama_phone(&mut self.rng, true)),
                contact_preference: Set((*pick(&mut self.rng, &["email", "phone", "text"])).into()),
                care_experience: Set(care),
                local_authority: Set(if declared {
                    (*pick(&mut self.rng, &LOCAL_AUTHORITIES)).to_owned()
                } else {
                    String::new()
                }),
                adviser_name: Set(if has_adviser {
                    person_name(&mut self.rng)
                } else {
                    String::new()
                }),
                adviser_contact: Set(if has_adviser {
                    drama_phone(&mut self.rng, false)
                } else {
                    String::new()
                }),
                adjustments: Set(if self.rng.random_bool(0.12) {
                    (*pick(&mut self.rng, &ADJUSTMENTS)).to_owned()
                } else {
                    String::new()
                }),
                updated_at: Set(self.now),
            });
            out.push(Applicant { id, care });
            if users.is_full() || profiles.is_full() || roles.is_full() {
                users.flush(db).await?;
                roles.flush(db).await?;
                profiles.flush(db).await?;
            }
        }
        users.flush(db).await?;
        roles.flush(db).await?;
        profiles.flush(db).await?;
        self.rows += users.written + roles.written + profiles.written;
        println!("  applicants: {} (with roles and profiles)", users.written);
        Ok(out)
    }

    /// The synthetic programmes, created on the first run.
    async fn programmes(
        &mut self,
        db: &impl ConnectionTrait,
    ) -> anyhow::Result<Vec<(i32, String)>> {
        let existing = programme::Entity::find()
            .filter(programme::Column::Name.like(format!("{NAME_PREFIX}%").as_str()))
            .all(db)
            .await?;
        if !existing.is_empty() {
            return Ok(existing
                .into_iter()
                .map(|p| (p.id, p.care_definition.as_str().to_owned()))
                .collect());
        }
        let mut batch = Batch::<programme::ActiveModel>::new();
        let mut out = Vec::new();
        for (name, definition, target) in [
            (
                "Care Leaver Pathway",
                CareDefinition::StatutoryCareLeaver,
                25,
            ),
            (
                "Care Experienced Apprenticeships",
                CareDefinition::CareExperienced,
                40,
            ),
        ] {
            let id = self.programmes.next()?;
            let contact = person_name(&mut self.rng);
            batch.push(programme::ActiveModel {
                id: Set(id),
                name: Set(format!("{NAME_PREFIX}{name}")),
                description: Set(
                    "Synthetic programme for load testing: organisations working together to recruit care leavers."
                        .into(),
                ),
                target_hires: Set(target),
                care_definition: Set(definition),
                contact_name: Set(contact),
                contact_role: Set("Programme lead".into()),
                contact_email: Set(synthetic_email("programme", u64::try_from(id).unwrap_or(0))),
                contact_phone: Set(drama_phone(&mut self.rng, false)),
                created_at: Set(self.now - Duration::days(800)),
                updated_at: Set(self.now - Duration::days(800)),
            });
            out.push((id, definition.as_str().to_owned()));
        }
        batch.flush(db).await?;
        self.rows += batch.written;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::application::{self, Stage};
    use crate::domain::shortlisting::{Score, minimum};
    use crate::entities::{
        application as application_entity, final_score, shortlist_decision, vacancy_criterion,
    };
    use crate::seed::synthetic::Counts;

    async fn memory_database() -> DatabaseConnection {
        use migration::{Migrator, MigratorTrait};
        let db = db::connect("sqlite::memory:").await.unwrap();
        Migrator::up(&db, None).await.unwrap();
        db
    }

    fn options(shortlisting_applications: u32) -> Options {
        Options {
            counts: Counts {
                organisations: 2,
                vacancies: 6,
                open: 1,
                applicants: 80,
                applications: 40,
                shortlisting_applications,
                hires: 0,
            },
            seed: Some(7),
            lead_password: None,
        }
    }

    #[tokio::test]
    async fn the_shortlisting_vacancy_follows_the_guaranteed_interview_rule() {
        use crate::domain::shortlisting::{
            Candidate, Exception, Proposal, check_decision, invited_automatically,
        };
        let db = memory_database().await;
        let report = seed(&db, &options(60)).await.unwrap();
        let shortlisting = report.shortlisting.unwrap();
        assert_eq!(shortlisting.applications, 60);
        assert_eq!(report.applications, 40 + 60);
        let vacancy = vacancy::Entity::find_by_id(shortlisting.vacancy_id)
            .one(&db)
            .await
            .unwrap()
            .unwrap();
        assert!(vacancy.closes_at < db::now(), "the vacancy has closed");
        let criteria = vacancy_criterion::Entity::find()
            .filter(vacancy_criterion::Column::VacancyId.eq(vacancy.id))
            .all(&db)
            .await
            .unwrap();
        let apps = application_entity::Entity::find()
            .filter(application_entity::Column::VacancyId.eq(vacancy.id))
            .all(&db)
            .await
            .unwrap();
        let finals = final_score::Entity::find().all(&db).await.unwrap();
        let decisions = shortlist_decision::Entity::find().all(&db).await.unwrap();
        assert_eq!(apps.len(), 60);
        assert!(apps.iter().any(|a| a.guaranteed_interview == Some(true)));
        assert!(!decisions.is_empty() && decisions.len() < 30);
        for app in &apps {
            assert!(
                matches!(app.stage, Stage::Submitted | Stage::Shortlisting),
                "{app:?}"
            );
            let essential: Vec<Option<Score>> = criteria
                .iter()
                .filter(|c| c.essential)
                .map(|c| {
                    finals
                        .iter()
                        .find(|f| f.application_id == app.id && f.criterion_id == c.id)
                        .and_then(|f| Score::from_stored(i32::from(f.score)))
                })
                .collect();
            let candidate = Candidate {
                opted_in: app.guaranteed_interview == Some(true),
                minimum: minimum(&essential),
                within_cap: false,
            };
            let automatic = invited_automatically(candidate, Exception::NotApproved);
            let decision = decisions.iter().find(|d| d.application_id == app.id);
            // The rule has invited every application it must, and only the lead's decisions
            // move an application on.
            assert_eq!(decision.is_some_and(|d| d.automatic), automatic, "{app:?}");
            assert_eq!(
                app.stage == Stage::Shortlisting,
                decision.is_some_and(|d| !d.automatic),
                "{app:?}"
            );
            if let Some(d) = decision.filter(|d| !d.automatic) {
                let proposal = if d.invited {
                    Proposal::Invite
                } else {
                    Proposal::NotShortlisted {
                        feedback_words: application::word_count(&d.feedback),
                    }
                };
                assert_eq!(
                    check_decision(candidate, Exception::NotApproved, true, proposal),
                    Ok(()),
                    "{d:?}"
                );
            }
        }
    }

    #[tokio::test]
    async fn a_seed_gives_the_same_data_with_or_without_the_shortlisting_vacancy() {
        let without = memory_database().await;
        let with = memory_database().await;
        seed(&without, &options(0)).await.unwrap();
        seed(&with, &options(25)).await.unwrap();
        let applications = |db: DatabaseConnection| async move {
            application_entity::Entity::find()
                .all(&db)
                .await
                .unwrap()
                .into_iter()
                .map(|a| (a.id, a.vacancy_id, a.applicant_id, a.stage))
                .collect::<Vec<_>>()
        };
        let before = applications(without).await;
        let after = applications(with).await;
        assert_eq!(before.len(), 40);
        assert_eq!(after.len(), 65);
        assert_eq!(after.get(..40), Some(&before[..]));
    }
}
