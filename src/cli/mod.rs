//! The command line: `serve`, `migrate`, `create-user`, `demo`, `seed-synthetic`, `match`,
//! `retention`, `esr`, `privacy`, `audit` and `db`.

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use migration::{Migrator, MigratorTrait};
use sea_orm::TransactionTrait;
use serde_json::json;
use tokio::net::TcpListener;
use tracing_subscriber::EnvFilter;

use crate::config::{Config, HELP};
use crate::db::audit::AuditAction;
use crate::db::{self, organisations, users};
use crate::domain::audit_subject::AuditSubject;
use crate::domain::{EmailAddress, FullName, NewPassword, Role, role};
use crate::seed::demo;
use crate::seed::synthetic::{self, Counts};
use crate::{auth, server};

pub mod audit;
pub mod esr;
pub mod matching;
pub mod retention;

/// spectra: care leavers into NHS jobs in Cheshire & Merseyside.
#[derive(Debug, Parser)]
#[command(name = "spectra", version, about, after_help = HELP)]
pub struct Cli {
    /// What to do; without one, `serve`.
    #[command(subcommand)]
    command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
enum Command {
    /// Apply pending migrations, then serve.
    Serve,
    /// Manage the database schema.
    Migrate {
        /// up, down or status.
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// Create an account from the command line (the first admin). The password is read from
    /// standard input, or asked for twice when standard input is a terminal.
    CreateUser {
        /// Email address to sign in with.
        #[arg(long)]
        email: String,
        /// Full name.
        #[arg(long)]
        name: String,
        /// Roles, comma-separated [default: admin]. One of: applicant, hiring_manager, mentor,
        /// mentee, coordinator, champion, admin.
        #[arg(long, default_value = "admin")]
        roles: String,
        /// Organisation name, for a hiring manager (created if new).
        #[arg(long)]
        organisation: Option<String>,
    },
    /// Serve with demo data loaded (idempotent), and a banner on every page.
    Demo,
    /// Fill the database with realistic random synthetic data, for load tests and benchmarks
    /// (docs/BENCHMARKS.md). Refuses a database that holds anything not synthetic; on one
    /// already seeded it adds more. Users' emails are at @synthetic.invalid and nobody can
    /// sign in as them, except the shortlisting panel's lead given --lead-password-stdin.
    SeedSynthetic {
        /// Organisations to add, each with one hiring manager (the first gets two more with
        /// --shortlisting-applications).
        #[arg(long)]
        organisations: u32,
        /// Vacancies to add, spread over the new organisations.
        #[arg(long)]
        vacancies: u32,
        /// Applicants to add, each with a profile (most declare care experience).
        #[arg(long)]
        applicants: u32,
        /// Applications to add, spread evenly over the new applicants and the new vacancies
        /// they may apply for.
        #[arg(long)]
        applications: u32,
        /// How many of the new vacancies are open (published, closing in the future); the rest
        /// are closed [default: 5% of --vacancies].
        #[arg(long)]
        open: Option<u32>,
        /// Seed of the random generator, to repeat a run exactly [default: random, printed].
        #[arg(long)]
        seed: Option<u64>,
        /// Also add one closed vacancy of the first new organisation with this many sent
        /// applications (by as many of the new applicants) being shortlisted by a panel of
        /// three of its hiring managers, with scores, some final scores and a few decisions.
        /// Its ID is printed.
        #[arg(long, default_value_t = 0)]
        shortlisting_applications: u32,
        /// Set the password of that panel's lead, read from standard input (or asked for twice
        /// on a terminal), so a benchmark can sign in as them. Needs
        /// --shortlisting-applications.
        #[arg(long)]
        lead_password_stdin: bool,
        /// Also add this many employment records of the new organisations, started over the
        /// last five years (SPECTRA hires and existing staff from ESR), with their checkpoints,
        /// leavers and moves within the NHS. The started applications have theirs anyway.
        #[arg(long, default_value_t = 0)]
        hires: u32,
    },
    /// Mentor matching on CSV files, without configuration or database: prints the optimal
    /// assignment as one line of JSON. A malformed file stops it with a message naming the
    /// file and line, and exit code 2.
    Match {
        /// What to do.
        #[command(subcommand)]
        action: MatchAction,
    },
    /// ESR extracts: existing staff who say they are care experienced, and leavers.
    Esr {
        /// What to do.
        #[command(subcommand)]
        action: EsrAction,
    },
    /// Retention: the figures from a CSV file, without configuration or database (`km`), and
    /// the checkpoint reminders (`remind`).
    Retention {
        /// What to do.
        #[command(subcommand)]
        action: RetentionAction,
    },
    /// Privacy: purging the personal data of applications that ended long enough ago.
    Privacy {
        /// What to do.
        #[command(subcommand)]
        action: PrivacyAction,
    },
    /// The champion's dashboard's summary tables (the funnel and the time in each stage).
    Reports {
        /// What to do.
        #[command(subcommand)]
        action: ReportsAction,
    },
    /// The audit log's hash chain.
    Audit {
        /// What to do.
        #[command(subcommand)]
        action: AuditCommand,
    },
    /// The service's database role (Postgres; docs/DATABASE-ROLES.md).
    Db {
        /// What to do.
        #[command(subcommand)]
        action: DbAction,
    },
}

/// Audit log actions.
#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Walk the audit log's hash chain and print either OK, the number of events and the
    /// newest event's hash (the head: record it somewhere this service cannot write), or the
    /// first broken link: which event, and whether it looks edited, deleted or inserted. Reads
    /// DATABASE_URL and writes nothing. Exit code 0 when intact, 1 when broken, 2 when the log
    /// could not be checked.
    Verify {
        /// A head hash printed by an earlier check: the check fails unless an event still has
        /// it, so nothing up to that event was changed, even by the database's owner.
        #[arg(long)]
        anchor: Option<String>,
    },
}

/// Actions on the dashboard's summaries.
#[derive(Debug, Subcommand)]
enum ReportsAction {
    /// Count the summaries again from the whole stage history, in one transaction: after
    /// restoring a backup, or after writing stage history by other means than the service.
    Rebuild,
    /// Compare the summaries with the stage history and print how many figures differ. Writes
    /// nothing. Exit code 0 when they agree, 1 when they differ or cannot be compared.
    Check,
}

/// Database role actions.
#[derive(Debug, Subcommand)]
enum DbAction {
    /// Postgres: apply pending migrations, then grant ROLE exactly what `serve` needs: read
    /// and write the rows of every table, only read and add to audit_events, only read
    /// seaql_migrations, use the sequences; the same on tables later migrations create. Run
    /// it as the schema's owner (MIGRATION_DATABASE_URL, or DATABASE_URL when that is unset),
    /// again after each upgrade. ROLE must exist, own nothing, and be neither a superuser nor
    /// a member of the owner.
    GrantAppRole {
        /// The role `serve` connects as (DATABASE_URL's user), e.g. spectra_app.
        role: String,
    },
}

/// Privacy actions.
#[derive(Debug, Subcommand)]
enum PrivacyAction {
    /// Erase the personal data (answers, referees, support needs, notes, feedback, emails) of
    /// applications that ended unsuccessful or withdrawn more than PURGE_AFTER_DAYS days ago
    /// and are not purged yet (the server does this every hour). Stages, decisions, scores and
    /// employment records are kept. Prints how many were purged.
    Purge {
        /// List what would be purged (application, vacancy, final stage, decision date; no
        /// names) and write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// ESR extract actions.
#[derive(Debug, Subcommand)]
enum EsrAction {
    /// Import an ESR extract: a CSV with the header assignment_number,organisation_code,
    /// job_role,staff_group,band,start_date,end_date,leaving_reason,care_experienced. Prints
    /// what it changes, then imports it. A file with any bad row lists each as FILE:LINE:
    /// reason on standard error, writes nothing and exits with code 2.
    Import {
        /// The CSV file.
        file: PathBuf,
        /// Print what would change, and write nothing.
        #[arg(long)]
        dry_run: bool,
    },
}

/// Retention actions.
#[derive(Debug, Subcommand)]
enum RetentionAction {
    /// The Kaplan–Meier retention curve with 95% confidence intervals, retention at 3, 6, 12
    /// and 24 months, and the leaver rate over the 12 months to --as-of. Prints {"n", "events",
    /// "curve", "retention", "leaver_rate_12m"}.
    Km {
        /// CSV file with the header id,start_date,end_date,moved_within_nhs: one employment a
        /// row, dates YYYY-MM-DD, end_date empty while in post (else the leaving date, or the
        /// date of the move when moved_within_nhs is yes), moved_within_nhs yes, no, true,
        /// false or empty.
        #[arg(long)]
        employments: PathBuf,
        /// The date to compute the figures as of, YYYY-MM-DD.
        #[arg(long)]
        as_of: String,
    },
    /// Email hiring managers about checkpoints that fell due, or are 14 days overdue, and were
    /// not reminded yet (the server does this every hour): each checkpoint is reminded once
    /// per kind, however often it runs. The emails are queued for the running service to send.
    Remind {
        /// The day to run as, YYYY-MM-DD [default: today in London].
        #[arg(long)]
        today: Option<String>,
    },
}

/// Mentor matching actions.
#[derive(Debug, Subcommand)]
enum MatchAction {
    /// Match mentees with mentors: most mentees matched, then the highest total score, within
    /// every mentor's capacity. Prints {"matched", "total_score", "pairs", "unmatched_mentees"}.
    Solve {
        /// CSV file with the header mentor_id,capacity: how many mentees each mentor can take.
        #[arg(long)]
        capacities: PathBuf,
        /// CSV file with the header mentor_id,mentee_id,score: the allowed pairs, each scored
        /// 0 to 1000. A pair not listed is not allowed.
        #[arg(long)]
        scores: PathBuf,
    },
    /// Score every pair of the coordinator's files with the default weights, apply the hard
    /// rules (exclusions and required wishes), and solve. Prints the same JSON as `solve`, with
    /// each pair's breakdown by criterion.
    Plan {
        /// mentors.csv: id,name,email,organisation,grade,specialty,capacity,meeting_modes,
        /// availability,lived_experience,gender.
        #[arg(long)]
        mentors: PathBuf,
        /// mentees.csv: id,name,email,university,year_of_study,specialty_interests,
        /// meeting_modes,availability,lived_experience_preference,gender_preference,
        /// gender_preference_strength.
        #[arg(long)]
        mentees: PathBuf,
        /// exclusions.csv: mentor_id,mentee_id,reason. Pairs never to match.
        #[arg(long)]
        exclusions: Option<PathBuf>,
        /// Also write the allowed pairs' scores here, in the format `solve` reads.
        #[arg(long)]
        emit_scores: Option<PathBuf>,
    },
}

/// Migration actions.
#[derive(Debug, Subcommand)]
enum MigrateAction {
    /// Apply pending migrations.
    Up,
    /// Roll back migrations.
    Down {
        /// How many to roll back.
        #[arg(long, default_value_t = 1)]
        steps: u32,
    },
    /// List migrations and whether each is applied.
    Status,
}

/// Parses the command line and runs it.
pub async fn run() -> ExitCode {
    let cli = Cli::parse();
    let command = match cli.command {
        // Matching reads its files only: no configuration, no database, no logging set-up.
        Some(Command::Match { action }) => return run_match(action),
        // So does `retention km`.
        Some(Command::Retention {
            action: RetentionAction::Km { employments, as_of },
        }) => return retention::km(&employments, &as_of),
        Some(Command::Esr {
            action: EsrAction::Import { file, dry_run },
        }) => {
            init_tracing();
            return esr::import(&file, dry_run).await;
        }
        // Its own exit codes: 1 for a broken chain, 2 when it cannot check.
        Some(Command::Audit {
            action: AuditCommand::Verify { anchor },
        }) => {
            init_tracing();
            return audit::verify(anchor.as_deref()).await;
        }
        other => other.unwrap_or(Command::Serve),
    };
    init_tracing();
    match execute(command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("spectra: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}

/// Runs a `match` command, printing its result; exit code 2 for bad input.
fn run_match(action: MatchAction) -> ExitCode {
    match action {
        MatchAction::Solve { capacities, scores } => {
            matching::finish(matching::solve_files(&capacities, &scores))
        }
        MatchAction::Plan {
            mentors,
            mentees,
            exclusions,
            emit_scores,
        } => matching::finish(matching::plan_files(
            &mentors,
            &mentees,
            exclusions.as_deref(),
            emit_scores.as_deref(),
        )),
    }
}

async fn execute(command: Command) -> anyhow::Result<()> {
    let mut config = Config::from_env()?;
    match command {
        // `run` handles it before reading the configuration, which it must not need.
        Command::Match { .. } => anyhow::bail!("`match` does not run here"),
        Command::Esr { .. } => anyhow::bail!("`esr` does not run here"),
        Command::Audit { .. } => anyhow::bail!("`audit` does not run here"),
        Command::Db {
            action: DbAction::GrantAppRole { role },
        } => audit::grant_app_role(&config, &role).await,
        Command::Serve => serve(config).await,
        Command::Retention { action } => match action {
            RetentionAction::Km { .. } => anyhow::bail!("`retention km` does not run here"),
            RetentionAction::Remind { today } => remind(&config, today.as_deref()).await,
        },
        Command::Privacy {
            action: PrivacyAction::Purge { dry_run },
        } => purge(&config, dry_run).await,
        Command::Reports { action } => reports(&config, action).await,
        Command::Demo => {
            config.demo = true;
            let db = server::prepare_database(&config).await?;
            let password = std::env::var("SPECTRA_DEMO_PASSWORD")
                .ok()
                .filter(|p| !p.is_empty())
                .unwrap_or_else(|| demo::DEFAULT_PASSWORD.to_owned());
            demo::load(&db, &password).await?;
            println!("Demo data loaded. Every demo account's password is: {password}");
            for (email, what) in demo::ACCOUNTS.iter().map(|a| (a.email, a.description)) {
                println!("  {email:<32} {what}");
            }
            run_server(config, db).await
        }
        Command::Migrate { action } => {
            let db = db::connect(config.migration_url()).await?;
            match action {
                MigrateAction::Up => Migrator::up(&db, None).await?,
                MigrateAction::Down { steps } => Migrator::down(&db, Some(steps)).await?,
                MigrateAction::Status => {
                    for m in Migrator::get_migration_with_status(&db).await? {
                        println!("{:<50} {:?}", m.name(), m.status());
                    }
                }
            }
            Ok(())
        }
        Command::CreateUser {
            email,
            name,
            roles,
            organisation,
        } => {
            let db = server::prepare_database(&config).await?;
            create_user(&db, &email, &name, &roles, organisation.as_deref()).await
        }
        Command::SeedSynthetic {
            organisations,
            vacancies,
            applicants,
            applications,
            open,
            seed,
            shortlisting_applications,
            lead_password_stdin,
            hires,
        } => {
            let counts = Counts {
                organisations,
                vacancies,
                open: open.unwrap_or_else(|| synthetic::default_open(vacancies)),
                applicants,
                applications,
                shortlisting_applications,
                hires,
            };
            let mut options = synthetic::Options {
                counts,
                seed,
                lead_password: None,
            };
            options.check().map_err(anyhow::Error::msg)?;
            if lead_password_stdin {
                if shortlisting_applications == 0 {
                    anyhow::bail!(synthetic::LEAD_PASSWORD_NEEDS_SHORTLISTING);
                }
                options.lead_password = Some(read_password("")?);
            }
            let db = server::prepare_database(&config).await?;
            let report = synthetic::seed(&db, &options).await?;
            println!(
                "Added {} rows ({} applications) in {:.1} s: {:.0} rows/s, {:.0} applications a minute.",
                report.rows,
                report.applications,
                report.elapsed.as_secs_f64(),
                report.rows_per_second(),
                report.applications_per_minute(),
            );
            if report.employments > 0 {
                println!(
                    "Employment records added: {} (with their checkpoints).",
                    report.employments
                );
            }
            if let Some(s) = &report.shortlisting {
                println!(
                    "Shortlisting vacancy ID: {} (board at /shortlisting/{}; panel lead {}{})",
                    s.vacancy_id,
                    s.vacancy_id,
                    s.lead_email,
                    if options.lead_password.is_some() {
                        ", with the password given"
                    } else {
                        ""
                    }
                );
            }
            Ok(())
        }
    }
}

/// Runs the checkpoint reminders once.
async fn remind(config: &Config, today: Option<&str>) -> anyhow::Result<()> {
    let today = match today {
        Some(text) => time::Date::parse(
            text,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .map_err(|_| anyhow::anyhow!("--today: {text:?} is not a date like 2027-01-31"))?,
        None => crate::services::retention::today(),
    };
    let db = server::prepare_database(config).await?;
    let summary = crate::services::retention::send_checkpoint_reminders(&db, config, today).await?;
    println!(
        "Checkpoint reminders for {today}: {} due, {} overdue; emails queued: {} (organisations: {}). The running service sends them.",
        summary.due, summary.overdue, summary.emails, summary.organisations
    );
    Ok(())
}

/// Purges the personal data that is due, or lists it on a dry run.
async fn purge(config: &Config, dry_run: bool) -> anyhow::Result<()> {
    let db = server::prepare_database(config).await?;
    let report = crate::services::privacy::purge_due(&db, config, db::now(), dry_run).await?;
    let days = config.purge_after_days;
    if dry_run {
        for due in &report.due {
            let decided = due.decided_at.date();
            println!(
                "{}  vacancy {} ({})  {}  decided {}",
                crate::domain::application::reference(due.id),
                due.vacancy_id,
                due.title,
                due.stage.as_str(),
                decided,
            );
        }
        println!(
            "Dry run: {} applications would be purged (ended more than {days} days ago). Nothing was changed.",
            report.due.len()
        );
    } else {
        println!(
            "Purged the personal data of {} applications (ended more than {days} days ago).",
            report.purged.len()
        );
    }
    Ok(())
}

async fn reports(config: &Config, action: ReportsAction) -> anyhow::Result<()> {
    let db = server::prepare_database(config).await?;
    match action {
        ReportsAction::Rebuild => {
            crate::services::report_summaries::rebuild(&db).await?;
            println!("The dashboard's summaries were counted again from the stage history.");
        }
        ReportsAction::Check => {
            let found = crate::services::report_summaries::check(&db).await?;
            if found.funnel + found.stays > 0 {
                anyhow::bail!(
                    "the dashboard's summaries differ from the stage history: {} funnel counts \
                     and {} stay counts; run `spectra reports rebuild`",
                    found.funnel,
                    found.stays
                );
            }
            println!("The dashboard's summaries agree with the stage history.");
        }
    }
    Ok(())
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let db = server::prepare_database(&config).await?;
    run_server(config, db).await
}

async fn run_server(config: Config, db: sea_orm::DatabaseConnection) -> anyhow::Result<()> {
    let listener = TcpListener::bind(config.bind_addr)
        .await
        .with_context(|| format!("cannot listen on BIND_ADDR {}", config.bind_addr))?;
    let base = config.base_url.clone();
    let running = server::start(config, db, listener, true).await?;
    tracing::info!(addr = %running.addr, "spectra is listening; open {base}");
    running.wait().await
}

fn read_password(email: &str) -> anyhow::Result<NewPassword> {
    let (first, second) = if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let second = rpassword::prompt_password("Password again: ")?;
        (first, second)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        let line = line.trim_end_matches(['\r', '\n']).to_owned();
        (line.clone(), line)
    };
    NewPassword::parse(&first, &second, email).map_err(|(_, message)| anyhow::anyhow!("{message}"))
}

async fn create_user(
    db: &sea_orm::DatabaseConnection,
    email: &str,
    name: &str,
    roles: &str,
    organisation: Option<&str>,
) -> anyhow::Result<()> {
    let email = EmailAddress::parse(email).map_err(|m| anyhow::anyhow!("--email: {m}"))?;
    let name = FullName::parse(name).map_err(|m| anyhow::anyhow!("--name: {m}"))?;
    let roles = role::parse_list(roles)
        .filter(|r| !r.is_empty())
        .context("--roles: give known role names, comma-separated")?;
    if users::find_by_email(db, email.as_str()).await?.is_some() {
        anyhow::bail!("an account with the email {email} already exists");
    }
    let organisation_id = match organisation {
        Some(name) => Some(organisations::ensure(db, name).await?.id),
        None if roles.contains(&Role::HiringManager) => {
            anyhow::bail!("--organisation is needed for a hiring manager")
        }
        None => None,
    };
    let password = read_password(email.as_str())?;
    let hash = auth::password::hash(&auth::password::HashGate::for_tools(), &password).await?;
    let txn = db.begin().await?;
    let user = users::create(
        &txn,
        users::NewUser {
            email: &email,
            full_name: name.as_str(),
            password_hash: hash,
            email_verified: true,
            organisation_id,
            roles: &roles,
        },
    )
    .await?;
    db::audit::record(
        &txn,
        None,
        AuditAction::AccountCreatedByCli,
        &AuditSubject::User(user.id),
        json!({ "roles": role::format_list(&roles) }),
    )
    .await?;
    txn.commit().await?;
    println!("Created {email} with roles: {}", role::format_list(&roles));
    Ok(())
}
