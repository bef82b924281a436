//! Demo data for `spectra demo`: the partner organisations, one account per kind of user, and
//! the mentoring pilot's mentors and students. Loading is idempotent, so the demo can be
//! restarted on the same database.

use sea_orm::ActiveValue::Set;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, QueryFilter, TransactionTrait,
};
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time};

use crate::auth::password;
use crate::db::employment::{self, NewEmployment};
use crate::db::{
    self, applicant_profiles, applications, offers, organisations, programmes, users, vacancies,
};
use crate::domain::application::Stage;
use crate::domain::employment::{
    CheckpointOutcome, EndKind, OVERDUE_AFTER_DAYS, Route, add_months, checkpoint_due,
};
use crate::domain::london_time;
use crate::domain::profile::{CareExperience, ProfileInput};
use crate::domain::vacancy::{CriterionInput, ReferenceType, VacancyInput, VacancyKind};
use crate::domain::{EmailAddress, NewPassword, Role};
use crate::entities::{
    application, application_stage_change, employment_checkpoint, employment_record, final_score,
    interview_booking, interview_outcome, interview_slot, offer, offer_check, programme,
    shortlist_decision, shortlist_score, shortlisting, vacancy,
};

/// The password of every demo account unless `SPECTRA_DEMO_PASSWORD` says otherwise.
pub const DEFAULT_PASSWORD: &str = "demo-password-123";

/// The partner organisations (DOMAIN.md §1).
pub const ORGANISATIONS: [&str; 8] = [
    "Alder Hey Children's NHS FT",
    "Liverpool University Hospitals NHS FT",
    "Liverpool Women's NHS FT",
    "Liverpool Heart and Chest Hospital NHS FT",
    "The Clatterbridge Cancer Centre NHS FT",
    "The Walton Centre NHS FT",
    "Mersey Care NHS FT",
    "NHS Cheshire and Merseyside (the ICB)",
];

/// A demo account.
#[derive(Debug)]
pub struct DemoAccount {
    /// Sign-in address.
    pub email: &'static str,
    /// Name shown.
    pub name: &'static str,
    /// Roles held.
    pub roles: &'static [Role],
    /// Organisation, by name.
    pub organisation: Option<&'static str>,
    /// What the account is for, printed at start.
    pub description: &'static str,
}

/// Every demo account.
pub const ACCOUNTS: [DemoAccount; 10] = [
    DemoAccount {
        email: "admin@example.org",
        name: "Alex Admin",
        roles: &[Role::Admin],
        organisation: None,
        description: "administrator",
    },
    DemoAccount {
        email: "champion@example.org",
        name: "Chris Champion",
        roles: &[Role::Champion],
        organisation: None,
        description: "Executive Champion for Care Leavers",
    },
    DemoAccount {
        email: "coordinator@example.org",
        name: "Cam Coordinator",
        roles: &[Role::Coordinator],
        organisation: None,
        description: "mentoring coordinator",
    },
    DemoAccount {
        email: "manager.alderhey@example.org",
        name: "Morgan Manager",
        roles: &[Role::HiringManager],
        organisation: Some(ORGANISATIONS[0]),
        description: "hiring manager, Alder Hey",
    },
    DemoAccount {
        email: "manager2.alderhey@example.org",
        name: "Riley Colleague",
        roles: &[Role::HiringManager],
        organisation: Some(ORGANISATIONS[0]),
        description: "hiring manager, Alder Hey, on no shortlisting panel",
    },
    DemoAccount {
        email: "manager.luhft@example.org",
        name: "Lee Manager",
        roles: &[Role::HiringManager],
        organisation: Some(ORGANISATIONS[1]),
        description: "hiring manager, Liverpool University Hospitals",
    },
    DemoAccount {
        email: "applicant@example.org",
        name: "Jordan Applicant",
        roles: &[Role::Applicant],
        organisation: None,
        description: "applicant who declares care experience",
    },
    DemoAccount {
        email: "applicant2@example.org",
        name: "Sam Applicant",
        roles: &[Role::Applicant],
        organisation: None,
        description: "applicant who does not declare care experience",
    },
    DemoAccount {
        email: "mentor@example.org",
        name: "Dr Maya Menon",
        roles: &[Role::Mentor],
        organisation: None,
        description: "mentor, a consultant paediatrician at Alder Hey, with one student",
    },
    DemoAccount {
        email: "mentee@example.org",
        name: "Mia Mensah",
        roles: &[Role::Mentee],
        organisation: None,
        description: "care-experienced medical student, matched with mentor@example.org",
    },
];

/// Loads the organisations and accounts that are missing.
pub async fn load(db: &DatabaseConnection, demo_password: &str) -> anyhow::Result<()> {
    let txn = db.begin().await?;
    for name in ORGANISATIONS {
        organisations::ensure(&txn, name).await?;
    }
    txn.commit().await?;

    // The password policy applies to the demo too; a bad SPECTRA_DEMO_PASSWORD fails here.
    let password = NewPassword::parse(demo_password, demo_password, "")
        .map_err(|(_, m)| anyhow::anyhow!("SPECTRA_DEMO_PASSWORD is not valid: {m}"))?;
    let hash = password::hash(&password::HashGate::for_tools(), &password).await?;
    for account in &ACCOUNTS {
        let email = EmailAddress::parse(account.email).map_err(|m| anyhow::anyhow!("{m}"))?;
        if users::find_by_email(db, email.as_str()).await?.is_some() {
            continue;
        }
        let organisation_id = match account.organisation {
            Some(name) => Some(organisations::ensure(db, name).await?.id),
            None => None,
        };
        let txn = db.begin().await?;
        users::create(
            &txn,
            users::NewUser {
                email: &email,
                full_name: account.name,
                password_hash: hash.clone(),
                email_verified: true,
                organisation_id,
                roles: account.roles,
            },
        )
        .await?;
        txn.commit().await?;
    }
    load_profiles(db).await?;
    load_vacancies(db).await?;
    load_closed_vacancy(db).await?;
    load_history(db).await?;
    load_mentoring(db).await
}

/// Title of the demo vacancy that has closed, with applications waiting for shortlisting.
pub const CLOSED_DEMO_VACANCY: &str = "Domestic assistant";

/// A SPECTRA 25/7 vacancy at Alder Hey that closed yesterday, with two sent applications (one
/// in the guaranteed interview scheme), so a tester can walk every stage: shortlisting as
/// `manager.alderhey@example.org`, booking and the offer as the applicants, the champion's
/// pages as `champion@example.org`.
async fn load_closed_vacancy(db: &DatabaseConnection) -> anyhow::Result<()> {
    use crate::db::applications;
    use crate::domain::application::{Referee, Stage};

    let alder_hey = organisations::ensure(db, ORGANISATIONS[0]).await?;
    let existing = vacancies::of_organisation(db, alder_hey.id).await?;
    if existing.iter().any(|v| v.title == CLOSED_DEMO_VACANCY) {
        return Ok(());
    }
    let (Some(manager), Some(programme)) = (
        users::find_by_email(db, "manager.alderhey@example.org").await?,
        programmes::all(db)
            .await?
            .into_iter()
            .find(|p| p.name == "SPECTRA 25/7"),
    ) else {
        return Ok(());
    };
    let now = crate::db::now();
    let input = VacancyInput {
        title: CLOSED_DEMO_VACANCY.into(),
        programme_id: Some(programme.id),
        kind: VacancyKind::Job,
        band: "2".into(),
        working_pattern: "30 hours a week, early shifts".into(),
        salary: "£24,465 a year, pro rata".into(),
        location: "Alder Hey Children's Hospital, Liverpool".into(),
        positions: 1,
        closes_at: now - time::Duration::days(1),
        ring_fenced: false,
        summary: "Keep wards clean and safe for children and their families.".into(),
        description: "You will clean wards and play areas, and help keep patients safe from infection.\n\nFull training is given.".into(),
        entry_requirements: String::new(),
        criteria: vec![
            CriterionInput { essential: true, text: "Careful and thorough".into() },
            CriterionInput { essential: true, text: "Friendly with children and families".into() },
            CriterionInput { essential: false, text: "Some cleaning or caring experience".into() },
        ],
        reference_options: ReferenceType::ALL.to_vec(),
        contact_name: "Morgan Manager".into(),
        contact_role: "Housekeeping manager".into(),
        contact_email: "manager.alderhey@example.org".into(),
        contact_phone: "0151 228 4811".into(),
    };
    let txn = db.begin().await?;
    let vacancy = vacancies::create(&txn, alder_hey.id, manager.id, &input).await?;
    vacancies::publish(&txn, vacancy.id).await?;
    let criteria = vacancies::criteria_of(&txn, vacancy.id).await?;
    for (email, opted_in, evidence) in [
        (
            "applicant@example.org",
            true,
            [
                "I keep my flat spotless and check everything twice.",
                "I help run a kids' football club on Saturdays.",
                "I cleaned at a care home for three months.",
            ],
        ),
        (
            "applicant2@example.org",
            false,
            [
                "I like things done properly.",
                "I have younger cousins.",
                "",
            ],
        ),
    ] {
        let Some(applicant) = users::find_by_email(&txn, email).await? else {
            continue;
        };
        let draft = applications::start(&txn, vacancy.id, applicant.id, "", None).await?;
        let answers: Vec<(i32, String)> = criteria
            .iter()
            .zip(evidence)
            .map(|(c, text)| (c.id, text.to_owned()))
            .collect();
        applications::save_answers(&txn, draft.id, &answers).await?;
        applications::save_referees(
            &txn,
            draft.id,
            &[Referee {
                kind: ReferenceType::PersonalAdviser,
                name: "Sam Adviser".into(),
                relationship: "My personal adviser".into(),
                email: "sam.adviser@example.org".into(),
                phone: String::new(),
            }],
        )
        .await?;
        applications::save_step(
            &txn,
            draft.id,
            applications::StepChange {
                adjustments: Some(if opted_in {
                    "Questions written down, please".into()
                } else {
                    String::new()
                }),
                guaranteed_interview: opted_in.then_some(true),
                reached_step: Some(6),
            },
        )
        .await?;
        applications::change_stage(
            &txn,
            draft.id,
            Stage::Draft,
            Stage::Submitted,
            Some(applicant.id),
            "",
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// The two applicants' profiles: one declares care experience, one does not.
async fn load_profiles(db: &DatabaseConnection) -> anyhow::Result<()> {
    for (email, declaration, adjustments) in [
        (
            "applicant@example.org",
            CareExperience::Yes,
            "I have ADHD. Questions in writing before the interview help me.",
        ),
        ("applicant2@example.org", CareExperience::No, ""),
    ] {
        let Some(user) = users::find_by_email(db, email).await? else {
            continue;
        };
        if applicant_profiles::find(db, user.id).await?.is_some() {
            continue;
        }
        let input = ProfileInput {
            phone: "07700 900 982".into(),
            contact_preference: "email",
            care_experience: declaration,
            local_authority: if declaration == CareExperience::Yes {
                "Liverpool City Council".into()
            } else {
                String::new()
            },
            adviser_name: String::new(),
            adviser_contact: String::new(),
            adjustments: adjustments.into(),
        };
        applicant_profiles::save(db, user.id, &input).await?;
    }
    Ok(())
}

/// The SPECTRA 25/7 programme and a few vacancies, once.
async fn load_vacancies(db: &DatabaseConnection) -> anyhow::Result<()> {
    let now = db::now();
    let spectra = programmes::ensure(
        db,
        programme::Model {
            id: 0,
            name: "SPECTRA 25/7".into(),
            description: "NHS organisations across Cheshire and Merseyside working together to recruit 25 care leavers.".into(),
            target_hires: 25,
            care_definition: "care_experienced".into(),
            contact_name: "Rowan Ellis".into(),
            contact_role: "SPECTRA programme lead".into(),
            contact_email: "spectra@example.org".into(),
            contact_phone: "0151 000 0000".into(),
            created_at: now,
            updated_at: now,
        },
    )
    .await?;
    let alder_hey = organisations::ensure(db, ORGANISATIONS[0]).await?;
    if !vacancies::of_organisation(db, alder_hey.id)
        .await?
        .is_empty()
    {
        return Ok(());
    }
    let luhft = organisations::ensure(db, ORGANISATIONS[1]).await?;
    let creator = users::find_by_email(db, "manager.alderhey@example.org")
        .await?
        .map(|u| u.id);
    let creator_luhft = users::find_by_email(db, "manager.luhft@example.org")
        .await?
        .map(|u| u.id);
    let (Some(creator), Some(creator_luhft)) = (creator, creator_luhft) else {
        return Ok(());
    };
    let all_references = ReferenceType::ALL.to_vec();
    let essential = |lines: &[&str]| {
        lines
            .iter()
            .map(|t| CriterionInput {
                essential: true,
                text: (*t).to_owned(),
            })
            .collect::<Vec<_>>()
    };
    let demo = [
        (alder_hey.id, creator, VacancyInput {
            title: "Healthcare support worker apprentice".into(),
            programme_id: Some(spectra.id),
            kind: VacancyKind::Apprenticeship,
            band: "2".into(),
            working_pattern: "37.5 hours a week, days, with some weekends".into(),
            salary: "£24,465 a year".into(),
            location: "Alder Hey Children's Hospital, Liverpool".into(),
            positions: 3,
            closes_at: now + time::Duration::days(21),
            ring_fenced: true,
            summary: "Help nurses look after children on a hospital ward while you train for a qualification.".into(),
            description: "You will help children and their families feel safe and comfortable. You will take temperatures, help at mealtimes and keep the ward tidy.\n\nYou will work with a friendly team. We will train you and give you a mentor. You will study for a level 3 apprenticeship one day a week.".into(),
            entry_requirements: "You do not need any GCSEs to start.\nIf you do not have English and maths at grade 4 (C), you can take Functional Skills English and maths during the apprenticeship, in work time, with a tutor.\nYou do not need any work history. Caring for family or volunteering counts.".into(),
            criteria: essential(&["Kind and patient with people", "Willing to learn new skills", "Able to work as part of a team"]),
            reference_options: all_references.clone(),
            contact_name: "Morgan Manager".into(),
            contact_role: "Ward manager".into(),
            contact_email: "manager.alderhey@example.org".into(),
            contact_phone: "0151 228 4811".into(),
        }),
        (alder_hey.id, creator, VacancyInput {
            title: "Administrative assistant".into(),
            programme_id: Some(spectra.id),
            kind: VacancyKind::Job,
            band: "3".into(),
            working_pattern: "37.5 hours a week, Monday to Friday".into(),
            salary: "£24,937 a year".into(),
            location: "Alder Hey Children's Hospital, Liverpool".into(),
            positions: 1,
            closes_at: now + time::Duration::days(5),
            ring_fenced: false,
            summary: "Book appointments and answer phone calls for the children's outpatient clinic.".into(),
            description: "You will book appointments, answer the phone and greet families at the desk.\n\nWe will train you on our systems.".into(),
            entry_requirements: String::new(),
            criteria: essential(&["Good with people on the phone and face to face", "Able to use a computer for email and typing"]),
            reference_options: all_references.clone(),
            contact_name: "Morgan Manager".into(),
            contact_role: "Outpatients manager".into(),
            contact_email: "manager.alderhey@example.org".into(),
            contact_phone: "0151 228 4811".into(),
        }),
        (luhft.id, creator_luhft, VacancyInput {
            title: "Porter".into(),
            programme_id: Some(spectra.id),
            kind: VacancyKind::Job,
            band: "2".into(),
            working_pattern: "37.5 hours a week, shifts including nights".into(),
            salary: "£24,465 a year".into(),
            location: "Royal Liverpool University Hospital".into(),
            positions: 2,
            closes_at: now + time::Duration::days(14),
            ring_fenced: true,
            summary: "Move patients, equipment and supplies safely around the hospital.".into(),
            description: "Porters keep the hospital moving. You will take patients to scans and wards, and deliver equipment.\n\nFull training is given.".into(),
            entry_requirements: String::new(),
            criteria: essential(&["Reliable and on time", "Caring towards patients"]),
            reference_options: all_references,
            contact_name: "Lee Manager".into(),
            contact_role: "Portering supervisor".into(),
            contact_email: "manager.luhft@example.org".into(),
            contact_phone: "0151 706 2000".into(),
        }),
    ];
    let txn = db.begin().await?;
    for (organisation_id, created_by, input) in &demo {
        let created = vacancies::create(&txn, *organisation_id, *created_by, input).await?;
        vacancies::publish(&txn, created.id).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// A demo mentor: reference, name, email, organisation, grade, specialty, capacity, meeting
/// modes, availability, lived experience of care, gender.
type DemoMentor = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i32,
    &'static str,
    &'static str,
    bool,
    &'static str,
);

/// Twelve clinicians across the partner organisations, Alder Hey first. The first is the
/// record of `mentor@example.org`.
#[rustfmt::skip]
const MENTORS: [DemoMentor; 12] = [
    ("M01", "Dr Maya Menon", "mentor@example.org", ORGANISATIONS[0], "Consultant", "Paediatrics", 2, "in_person;online", "mon_pm;wed_eve;thu_pm", false, "Woman"),
    ("M02", "Dr Tom Gallagher", "tom.gallagher@example.org", ORGANISATIONS[0], "Specialty registrar (ST5)", "Paediatric surgery", 1, "in_person", "tue_am;tue_pm;fri_am", true, "Man"),
    ("M03", "Dr Aisha Rahman", "aisha.rahman@example.org", ORGANISATIONS[0], "Consultant", "Child and adolescent mental health", 3, "online", "mon_eve;wed_eve;sun_pm", false, "Woman"),
    ("M04", "Dr Sean O'Brien", "sean.obrien@example.org", ORGANISATIONS[1], "Consultant", "Emergency medicine", 2, "in_person;online", "thu_eve;sat_am", false, "Man"),
    ("M05", "Dr Grace Adeyemi", "grace.adeyemi@example.org", ORGANISATIONS[1], "Foundation doctor (FY2)", "General medicine", 1, "online", "tue_eve;wed_eve;thu_eve", true, "Woman"),
    ("M06", "Dr Hannah Clarke", "hannah.clarke@example.org", ORGANISATIONS[2], "Consultant", "Obstetrics and gynaecology", 2, "in_person", "wed_am;wed_pm;sat_am", false, "Woman"),
    ("M07", "Dr Rajesh Patel", "rajesh.patel@example.org", ORGANISATIONS[3], "Consultant", "Cardiology", 2, "in_person;online", "fri_pm;fri_eve", false, "Man"),
    ("M08", "Dr Chloe Jones", "chloe.jones@example.org", ORGANISATIONS[4], "Specialty registrar (ST3)", "Clinical oncology", 1, "online", "mon_eve;tue_eve", true, "Woman"),
    ("M09", "Dr Daniel Hughes", "daniel.hughes@example.org", ORGANISATIONS[5], "Consultant", "Neurology", 2, "in_person;online", "tue_pm;thu_pm", false, "Man"),
    ("M10", "Dr Sam Taylor", "sam.taylor@example.org", ORGANISATIONS[6], "Consultant", "Psychiatry", 3, "online", "mon_eve;wed_eve;fri_eve", true, "Non-binary"),
    ("M11", "Dr Fatima Begum", "fatima.begum@example.org", ORGANISATIONS[6], "Specialty registrar (ST4)", "Psychiatry", 1, "in_person;online", "sat_am;sun_am", false, "Woman"),
    ("M12", "Dr Liam Murphy", "liam.murphy@example.org", ORGANISATIONS[7], "GP and clinical lead", "General practice", 2, "online", "tue_eve;thu_eve", true, "Man"),
];

/// A demo student: reference, name, email, university, year, specialty interests, meeting
/// modes, availability, wish for a mentor with lived experience, mentor gender wished for and
/// how strongly, declared conflict (in their words), status.
type DemoMentee = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    i32,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

const UOL: &str = "University of Liverpool";
const EHU: &str = "Edge Hill University";
const LANCASTER: &str = "Lancaster University";

/// Thirty care-experienced medical students. The first is `mentee@example.org`, matched with
/// `mentor@example.org`; the next 26 are approved and waiting to be matched, so the
/// coordinator can run matching; the last 3 wait for approval. S18 declared a conflict with M02.
#[rustfmt::skip]
const MENTEES: [DemoMentee; 30] = [
    ("S01", "Mia Mensah", "mentee@example.org", UOL, 3, "Paediatrics;Child and adolescent mental health", "in_person;online", "mon_pm;wed_eve;thu_pm", "preferred", "", "", "", "approved"),
    ("S02", "Jade Kowalski", "jade.kowalski@example.org", UOL, 1, "Emergency medicine", "online", "tue_eve;thu_eve", "", "", "", "", "approved"),
    ("S03", "Kieran Doyle", "kieran.doyle@example.org", EHU, 2, "Psychiatry;General practice", "online", "mon_eve;wed_eve", "required", "", "", "", "approved"),
    ("S04", "Leah Thompson", "leah.thompson@example.org", UOL, 4, "Obstetrics and gynaecology", "in_person", "wed_am;wed_pm;sat_am", "", "Woman", "required", "", "approved"),
    ("S05", "Marcus Bello", "marcus.bello@example.org", UOL, 5, "Cardiology;General medicine", "in_person;online", "fri_pm;fri_eve", "", "", "", "", "approved"),
    ("S06", "Nadia Hussain", "nadia.hussain@example.org", EHU, 1, "Paediatrics", "online", "mon_eve;sun_pm", "preferred", "Woman", "preferred", "", "approved"),
    ("S07", "Owen Price", "owen.price@example.org", LANCASTER, 3, "Neurology", "in_person;online", "tue_pm;thu_pm", "", "", "", "", "approved"),
    ("S08", "Phoebe Walsh", "phoebe.walsh@example.org", UOL, 6, "Clinical oncology", "online", "mon_eve;tue_eve", "", "", "", "", "approved"),
    ("S09", "Ryan Fletcher", "ryan.fletcher@example.org", EHU, 2, "Emergency medicine;Paediatric surgery", "in_person", "tue_am;sat_am", "", "", "", "", "approved"),
    ("S10", "Sophie Nguyen", "sophie.nguyen@example.org", UOL, 3, "Psychiatry", "online", "wed_eve;fri_eve", "preferred", "", "", "", "approved"),
    ("S11", "Tyler Morris", "tyler.morris@example.org", UOL, 1, "General practice", "online", "tue_eve;thu_eve", "", "Man", "preferred", "", "approved"),
    ("S12", "Umar Farooq", "umar.farooq@example.org", EHU, 4, "Cardiology", "in_person;online", "fri_pm", "", "", "", "", "approved"),
    ("S13", "Violet Reid", "violet.reid@example.org", UOL, 2, "Paediatrics;Neurology", "online", "mon_pm;tue_pm", "", "", "", "", "approved"),
    ("S14", "Will Ashworth", "will.ashworth@example.org", LANCASTER, 5, "General medicine", "in_person", "thu_eve;sat_am", "", "", "", "", "approved"),
    ("S15", "Zara Ali", "zara.ali@example.org", UOL, 3, "Obstetrics and gynaecology;Paediatrics", "online", "wed_eve", "", "Woman", "preferred", "", "approved"),
    ("S16", "Aaron Kelly", "aaron.kelly@example.org", EHU, 1, "Emergency medicine", "online", "mon_eve;thu_eve", "required", "", "", "", "approved"),
    ("S17", "Bethany Lowe", "bethany.lowe@example.org", UOL, 4, "Child and adolescent mental health", "online", "mon_eve;wed_eve", "", "", "", "", "approved"),
    ("S18", "Callum Reilly", "callum.reilly@example.org", UOL, 6, "Paediatric surgery", "in_person", "tue_am;tue_pm", "", "", "", "Dr Tom Gallagher supervises my surgical placement and will sign off my assessment.", "approved"),
    ("S19", "Demi Osei", "demi.osei@example.org", EHU, 2, "Clinical oncology;General medicine", "online", "tue_eve", "", "", "", "", "approved"),
    ("S20", "Elliot Baker", "elliot.baker@example.org", UOL, 3, "Neurology;Psychiatry", "in_person;online", "tue_pm;wed_eve", "", "", "", "", "approved"),
    ("S21", "Freya Dunn", "freya.dunn@example.org", LANCASTER, 1, "General practice;Paediatrics", "online", "sun_am;sun_pm", "", "", "", "", "approved"),
    ("S22", "Harvey Jackson", "harvey.jackson@example.org", UOL, 5, "Emergency medicine", "in_person;online", "thu_eve;sat_am", "", "", "", "", "approved"),
    ("S23", "Isla McDonald", "isla.mcdonald@example.org", EHU, 2, "Obstetrics and gynaecology", "online", "wed_pm;wed_eve", "preferred", "", "", "", "approved"),
    ("S24", "Josh Whitfield", "josh.whitfield@example.org", UOL, 4, "Cardiology;Emergency medicine", "in_person", "fri_pm", "", "", "", "", "approved"),
    ("S25", "Keisha Campbell", "keisha.campbell@example.org", UOL, 1, "Psychiatry;Child and adolescent mental health", "online", "mon_eve;fri_eve", "required", "Woman", "preferred", "", "approved"),
    ("S26", "Lewis Harper", "lewis.harper@example.org", EHU, 3, "General medicine", "online", "tue_eve;thu_eve", "", "", "", "", "approved"),
    ("S27", "Maisie Ford", "maisie.ford@example.org", UOL, 2, "Paediatrics", "in_person;online", "mon_pm;wed_eve", "", "", "", "", "approved"),
    ("S28", "Noah Evans", "noah.evans@example.org", UOL, 1, "Neurology", "online", "thu_pm", "", "", "", "", "pending"),
    ("S29", "Olivia Grant", "olivia.grant@example.org", EHU, 1, "General practice", "online", "mon_eve", "", "", "", "", "pending"),
    ("S30", "Precious Adebayo", "precious.adebayo@example.org", LANCASTER, 2, "Paediatrics;Psychiatry", "online", "sun_pm", "", "", "", "", "pending"),
];

/// The mentoring pilot, once: the mentors and students above, S18's declared conflict, and
/// `mentee@example.org` in a relationship with `mentor@example.org` that started five weeks
/// ago, with a meeting logged by each.
async fn load_mentoring(db: &DatabaseConnection) -> anyhow::Result<()> {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

    use crate::db::mentoring::{mentee_profile, mentor_profile, relationships};
    use crate::domain::mentoring::scoring::{Weights, score};
    use crate::entities::{mentee, mentor, mentoring_exclusion, mentoring_relationship};

    if mentor::Entity::find()
        .filter(mentor::Column::Reference.eq(MENTORS[0].0))
        .one(db)
        .await?
        .is_some()
    {
        return Ok(());
    }
    let coordinator = users::find_by_email(db, "coordinator@example.org")
        .await?
        .map(|u| u.id);
    let mentor_user = users::find_by_email(db, "mentor@example.org")
        .await?
        .map(|u| u.id);
    let mentee_user = users::find_by_email(db, "mentee@example.org")
        .await?
        .map(|u| u.id);
    let now = db::now();
    let txn = db.begin().await?;
    let mut mentors = Vec::new();
    for (
        reference,
        name,
        email,
        organisation,
        grade,
        specialty,
        capacity,
        modes,
        times,
        lived,
        gender,
    ) in MENTORS
    {
        let created = mentor::ActiveModel {
            reference: Set(reference.into()),
            full_name: Set(name.into()),
            email: Set(email.into()),
            organisation: Set(organisation.into()),
            grade: Set(grade.into()),
            specialty: Set(specialty.into()),
            capacity: Set(capacity),
            meeting_modes: Set(modes.into()),
            availability: Set(times.into()),
            lived_experience: Set(lived),
            gender: Set(gender.into()),
            archived_at: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        mentors.push(created);
    }
    let mut mentees = Vec::new();
    for (
        reference,
        name,
        email,
        university,
        year,
        interests,
        modes,
        times,
        lived,
        gender,
        strength,
        conflict,
        status,
    ) in MENTEES
    {
        let approved = status == "approved";
        let created = mentee::ActiveModel {
            reference: Set(reference.into()),
            user_id: Set(if email == "mentee@example.org" {
                mentee_user
            } else {
                None
            }),
            full_name: Set(name.into()),
            email: Set(email.into()),
            university: Set(university.into()),
            year_of_study: Set(year),
            specialty_interests: Set(interests.into()),
            meeting_modes: Set(modes.into()),
            availability: Set(times.into()),
            lived_experience_preference: Set(lived.into()),
            gender_preference: Set(gender.into()),
            gender_preference_strength: Set(strength.into()),
            declared_conflicts: Set(conflict.into()),
            status: Set(status.into()),
            consented_at: Set(now - time::Duration::days(60)),
            decided_at: Set(approved.then_some(now - time::Duration::days(45))),
            decided_by: Set(if approved { coordinator } else { None }),
            conflicts_reviewed_at: Set(approved.then_some(now - time::Duration::days(45))),
            created_at: Set(now - time::Duration::days(60)),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        mentees.push(created);
    }
    let (Some(tom), Some(callum)) = (
        mentors.iter().find(|m| m.reference == "M02"),
        mentees.iter().find(|m| m.reference == "S18"),
    ) else {
        anyhow::bail!("demo mentors or students missing");
    };
    mentoring_exclusion::ActiveModel {
        mentor_id: Set(tom.id),
        mentee_id: Set(callum.id),
        reason: Set(callum.declared_conflicts.clone()),
        source: Set("conflict".into()),
        created_by: Set(coordinator),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;

    let (Some(maya), Some(mia)) = (mentors.first(), mentees.first()) else {
        anyhow::bail!("demo mentors or students missing");
    };
    let matched = score(
        &mentor_profile(maya),
        &mentee_profile(mia),
        Weights::default(),
    );
    // Stored as the matching pages store a confirmed pair's breakdown.
    let breakdown: Vec<serde_json::Value> = matched
        .parts
        .iter()
        .map(|p| {
            serde_json::json!({
                "criterion": p.criterion.label(),
                "points": p.points,
                "out_of": p.out_of,
                "reason": p.reason,
            })
        })
        .collect();
    let started = now - time::Duration::days(35);
    let relationship = mentoring_relationship::ActiveModel {
        mentor_id: Set(maya.id),
        mentee_id: Set(mia.id),
        active_mentee_id: Set(Some(mia.id)),
        run_id: Set(None),
        score: Set(i32::try_from(matched.total).unwrap_or(0)),
        breakdown: Set(serde_json::Value::Array(breakdown).to_string()),
        started_at: Set(started),
        end_requested_at: Set(None),
        end_requested_by: Set(None),
        end_reason: Set(String::new()),
        ended_at: Set(None),
        ended_by: Set(None),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let today = crate::domain::london_time::from_utc(now).date();
    for (by, days_ago, mode, note) in [
        (
            mentor_user,
            21,
            "in_person",
            "Showed Mia round the children's outpatient clinic. She would like to shadow a ward round next.",
        ),
        (
            mentee_user,
            7,
            "online",
            "Talked through my worries about the anatomy exam. Felt much better afterwards.",
        ),
    ] {
        let Some(by) = by else {
            continue;
        };
        relationships::log_meeting(
            &txn,
            &relationships::NewMeeting {
                relationship_id: relationship.id,
                logged_by: by,
                met_on: today - time::Duration::days(days_ago),
                mode,
                note,
            },
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// A few years of SPECTRA hires, so that every part of the champion's dashboard shows something.
// ---------------------------------------------------------------------------------------------

/// When a demo hire started.
#[derive(Clone, Copy, Debug)]
enum Start {
    /// This many days ago.
    DaysAgo(i64),
    /// So that the checkpoint this many months on falls due this many days from today
    /// (negative: that many days ago).
    Due(i32, i64),
}

/// How a demo employment has gone.
#[derive(Clone, Copy, Debug)]
enum Fate {
    /// In post, every checkpoint that fell due recorded.
    InPost,
    /// In post, the checkpoints from this many months on not recorded although due: overdue.
    Unrecorded(i32),
    /// Left this many days after starting, for this ESR reason (its code).
    Left(i64, &'static str),
    /// Moved to this NHS organisation this many days after starting.
    Moved(i64, &'static str),
}

/// Where a demo application got to.
#[derive(Clone, Copy, Debug)]
enum Outcome {
    /// Sent, waiting for shortlisting.
    Submitted,
    /// The lead has decided on it; shortlisting is not complete.
    Shortlisting,
    /// Not shortlisted: its essential criteria were not met.
    NotShortlisted,
    /// Invited to interview, not yet booked.
    Invited,
    /// Booked into an interview still to come.
    Booked,
    /// Interviewed and appointable, with no offer (yet).
    Interviewed,
    /// Interviewed and not appointable.
    Unsuccessful,
    /// Withdrew from this stage.
    Withdrawn(Stage),
    /// Offer accepted, checks under way.
    ConditionalOffer,
    /// Every check verified; starts this many days from today.
    ChecksComplete(i64),
    /// Hired: the person (a demo-only account), when they started and how it has gone.
    Started(&'static str, Start, Fate),
    /// In the guaranteed interview scheme and meeting every essential criterion, but not
    /// shortlisted: a breach of the guarantee.
    BreachNotShortlisted,
    /// In the guaranteed interview scheme, meeting every essential criterion and invited, but
    /// the post was filled before any interview: a breach of the guarantee.
    BreachNoInterview,
}

/// A vacancy of the demo's history and its applications.
struct HistoryVacancy {
    organisation: usize,
    title: &'static str,
    kind: VacancyKind,
    band: &'static str,
    staff_group: &'static str,
    programme: bool,
    ring_fenced: bool,
    /// Days ago it closed; `None`: 60 days before its first hire started.
    closed_days_ago: Option<i64>,
    /// Each application, and whether it opted in to the guaranteed interview scheme.
    applications: &'static [(Outcome, bool)],
}

const ACS: &str = "Additional Clinical Services";
const ADMIN: &str = "Administrative and Clerical";
const ESTATES: &str = "Estates and Ancillary";

/// The SPECTRA vacancies of the last four years, oldest first, then those still going.
#[rustfmt::skip]
const HISTORY: [HistoryVacancy; 16] = [
    HistoryVacancy { organisation: 0, title: "Healthcare support worker apprentice", kind: VacancyKind::Apprenticeship, band: "2", staff_group: ACS, programme: true, ring_fenced: true, closed_days_ago: None, applications: &[
        (Outcome::Started("Kayden Rowe", Start::DaysAgo(1440), Fate::InPost), true),
        (Outcome::Started("Shannon Birch", Start::DaysAgo(1440), Fate::Left(250, "vr_education")), true),
        (Outcome::Started("Tia Marsden", Start::DaysAgo(1433), Fate::Moved(600, "Wirral University Teaching Hospital NHS FT")), false),
        (Outcome::NotShortlisted, false),
        (Outcome::Unsuccessful, true),
        (Outcome::Withdrawn(Stage::Submitted), false),
    ] },
    HistoryVacancy { organisation: 1, title: "Porter", kind: VacancyKind::Job, band: "2", staff_group: ESTATES, programme: true, ring_fenced: true, closed_days_ago: None, applications: &[
        (Outcome::Started("Declan Hurst", Start::DaysAgo(1290), Fate::Left(80, "vr_working_relationships")), true),
        (Outcome::Started("Marcus Feeney", Start::DaysAgo(1290), Fate::InPost), true),
        (Outcome::Started("Owen Garside", Start::DaysAgo(1283), Fate::Left(500, "dismissal_conduct")), false),
        (Outcome::NotShortlisted, false),
        (Outcome::NotShortlisted, false),
        (Outcome::Unsuccessful, true),
    ] },
    HistoryVacancy { organisation: 2, title: "Ward clerk", kind: VacancyKind::Job, band: "2", staff_group: ADMIN, programme: false, ring_fenced: false, closed_days_ago: None, applications: &[
        (Outcome::Started("Paige Lunt", Start::DaysAgo(1150), Fate::InPost), true),
        (Outcome::Started("Abdul Karim", Start::DaysAgo(1150), Fate::Moved(300, "Liverpool Heart and Chest Hospital NHS FT")), false),
        (Outcome::NotShortlisted, false),
        (Outcome::Unsuccessful, false),
        (Outcome::Withdrawn(Stage::Submitted), false),
    ] },
    HistoryVacancy { organisation: 6, title: "Healthcare support worker", kind: VacancyKind::Job, band: "3", staff_group: ACS, programme: true, ring_fenced: true, closed_days_ago: None, applications: &[
        (Outcome::Started("Chantelle Moss", Start::DaysAgo(1000), Fate::InPost), true),
        (Outcome::Started("Lewis Tierney", Start::DaysAgo(1000), Fate::Left(150, "vr_health")), true),
        (Outcome::Started("Jordan Fairclough", Start::DaysAgo(993), Fate::Left(420, "vr_child_dependants")), true),
        (Outcome::Unsuccessful, true),
        (Outcome::NotShortlisted, false),
    ] },
    HistoryVacancy { organisation: 3, title: "Healthcare science apprentice", kind: VacancyKind::Apprenticeship, band: "3", staff_group: "Healthcare Scientists", programme: false, ring_fenced: false, closed_days_ago: None, applications: &[
        (Outcome::Started("Ellie Sutcliffe", Start::DaysAgo(880), Fate::InPost), false),
        (Outcome::Started("Reuben Okoro", Start::DaysAgo(880), Fate::Left(700, "end_fixed_term_training")), true),
        (Outcome::NotShortlisted, false),
        (Outcome::Unsuccessful, false),
    ] },
    HistoryVacancy { organisation: 4, title: "Pharmacy assistant apprentice", kind: VacancyKind::Apprenticeship, band: "2", staff_group: "Add Prof Scientific and Technic", programme: true, ring_fenced: true, closed_days_ago: None, applications: &[
        (Outcome::Started("Amira Haddad", Start::Due(24, -30), Fate::Unrecorded(24)), true),
        (Outcome::Started("Connor Bibby", Start::DaysAgo(760), Fate::Left(200, "vr_lack_of_opportunities")), true),
        (Outcome::Unsuccessful, true),
        (Outcome::Withdrawn(Stage::InvitedToInterview), false),
    ] },
    HistoryVacancy { organisation: 5, title: "Business administration apprentice", kind: VacancyKind::Apprenticeship, band: "2", staff_group: ADMIN, programme: false, ring_fenced: false, closed_days_ago: None, applications: &[
        (Outcome::Started("Skye Whitehead", Start::DaysAgo(640), Fate::InPost), true),
        (Outcome::Started("Nathan Crooks", Start::DaysAgo(640), Fate::Moved(380, "Bridgewater Community Healthcare NHS FT")), false),
        (Outcome::Started("Holly Kenny", Start::DaysAgo(633), Fate::InPost), true),
        (Outcome::NotShortlisted, false),
        (Outcome::NotShortlisted, false),
    ] },
    HistoryVacancy { organisation: 7, title: "Administrative assistant", kind: VacancyKind::Job, band: "3", staff_group: ADMIN, programme: false, ring_fenced: false, closed_days_ago: None, applications: &[
        (Outcome::Started("Bradley Nuttall", Start::DaysAgo(520), Fate::InPost), false),
        (Outcome::Started("Jasmine Eccles", Start::DaysAgo(520), Fate::Left(60, "vr_better_reward")), true),
        (Outcome::BreachNoInterview, true),
        (Outcome::NotShortlisted, false),
    ] },
    HistoryVacancy { organisation: 0, title: "Catering assistant", kind: VacancyKind::Job, band: "2", staff_group: ESTATES, programme: true, ring_fenced: true, closed_days_ago: None, applications: &[
        (Outcome::Started("Kyle Brennan", Start::Due(12, -35), Fate::Unrecorded(12)), true),
        (Outcome::Started("Ruby Slater", Start::DaysAgo(400), Fate::Left(100, "vr_relocation")), true),
        (Outcome::Unsuccessful, true),
        (Outcome::NotShortlisted, false),
    ] },
    HistoryVacancy { organisation: 1, title: "Student nurse (degree apprenticeship)", kind: VacancyKind::Apprenticeship, band: "3", staff_group: "Students", programme: true, ring_fenced: false, closed_days_ago: None, applications: &[
        (Outcome::Started("Aimee Cowley", Start::DaysAgo(300), Fate::InPost), true),
        (Outcome::Started("Jamal Adeyinka", Start::DaysAgo(300), Fate::InPost), true),
        (Outcome::Unsuccessful, false),
    ] },
    HistoryVacancy { organisation: 6, title: "Receptionist", kind: VacancyKind::Job, band: "2", staff_group: ADMIN, programme: true, ring_fenced: true, closed_days_ago: None, applications: &[
        (Outcome::Started("Lacey Dwyer", Start::Due(6, -17), Fate::Unrecorded(6)), true),
        (Outcome::Started("Ben Ashcroft", Start::DaysAgo(200), Fate::InPost), true),
        (Outcome::Started("Mollie Rimmer", Start::DaysAgo(200), Fate::Left(45, "vr_work_life_balance")), true),
        (Outcome::BreachNotShortlisted, true),
        (Outcome::NotShortlisted, false),
    ] },
    HistoryVacancy { organisation: 5, title: "Porter", kind: VacancyKind::Job, band: "2", staff_group: ESTATES, programme: true, ring_fenced: true, closed_days_ago: None, applications: &[
        (Outcome::Started("Tyrone Bell", Start::Due(3, -29), Fate::Unrecorded(3)), true),
        (Outcome::Started("Harvey Gill", Start::DaysAgo(120), Fate::InPost), false),
        (Outcome::Unsuccessful, true),
    ] },
    HistoryVacancy { organisation: 0, title: "Ward clerk", kind: VacancyKind::Job, band: "3", staff_group: ADMIN, programme: false, ring_fenced: false, closed_days_ago: None, applications: &[
        (Outcome::Started("Niamh Prescott", Start::Due(3, 3), Fate::InPost), true),
        (Outcome::Started("Evan Lightfoot", Start::Due(3, -6), Fate::Unrecorded(3)), false),
        (Outcome::Started("Grace Tomlinson", Start::DaysAgo(35), Fate::InPost), true),
        (Outcome::NotShortlisted, false),
        (Outcome::Unsuccessful, true),
    ] },
    HistoryVacancy { organisation: 1, title: "Healthcare support worker", kind: VacancyKind::Job, band: "3", staff_group: ACS, programme: true, ring_fenced: true, closed_days_ago: Some(45), applications: &[
        (Outcome::ConditionalOffer, true),
        (Outcome::ChecksComplete(12), false),
        (Outcome::Interviewed, true),
        (Outcome::Unsuccessful, true),
        (Outcome::NotShortlisted, false),
        (Outcome::Withdrawn(Stage::InvitedToInterview), false),
    ] },
    HistoryVacancy { organisation: 0, title: "Play assistant", kind: VacancyKind::Job, band: "2", staff_group: ACS, programme: true, ring_fenced: false, closed_days_ago: Some(12), applications: &[
        (Outcome::Invited, false),
        (Outcome::Booked, false),
        (Outcome::NotShortlisted, false),
    ] },
    HistoryVacancy { organisation: 1, title: "Ward clerk", kind: VacancyKind::Job, band: "2", staff_group: ADMIN, programme: true, ring_fenced: false, closed_days_ago: Some(4), applications: &[
        (Outcome::Shortlisting, false),
        (Outcome::Submitted, true),
        (Outcome::Submitted, false),
    ] },
];

/// Existing staff who said they are care experienced, from ESR: organisation, job role, band,
/// staff group, assignment number, start, how it has gone.
#[rustfmt::skip]
const ESR_STAFF: [(usize, &str, &str, &str, &str, Start, Fate); 8] = [
    (0, "Staff nurse", "5", "Nursing and Midwifery Registered", "20481736-1", Start::DaysAgo(1380), Fate::InPost),
    (1, "Occupational therapist", "6", "Allied Health Professionals", "31597024-1", Start::DaysAgo(1100), Fate::Left(700, "vr_relocation")),
    (6, "Healthcare support worker", "3", ACS, "44120958-2", Start::DaysAgo(980), Fate::Moved(500, "Mersey and West Lancashire Teaching Hospitals NHS Trust")),
    (4, "Medical secretary", "4", ADMIN, "52873140-1", Start::Due(24, -90), Fate::Unrecorded(24)),
    (5, "Estates technician", "4", ESTATES, "60318275-1", Start::DaysAgo(610), Fate::Left(400, "end_fixed_term")),
    (3, "Pharmacy technician", "5", "Add Prof Scientific and Technic", "71940362-1", Start::DaysAgo(450), Fate::InPost),
    (2, "Maternity support worker", "3", ACS, "83056419-1", Start::DaysAgo(260), Fate::InPost),
    (7, "Project support officer", "4", ADMIN, "94627501-1", Start::Due(3, -68), Fate::Unrecorded(3)),
];

/// Hiring managers of the other partner organisations, for their vacancies: demo-only
/// accounts nobody signs in as. By organisation, from the third.
const OTHER_MANAGERS: [(&str, &str); 6] = [
    ("manager.lwh@example.org", "Jo Whitaker"),
    ("manager.lhch@example.org", "Priya Nair"),
    ("manager.clatterbridge@example.org", "Gareth Lloyd"),
    ("manager.walton@example.org", "Fiona Byrne"),
    ("manager.merseycare@example.org", "Tom Ashton"),
    ("manager.icb@example.org", "Hannah Iqbal"),
];

/// Applicants who were not hired (or not yet): demo-only accounts nobody signs in as, with
/// whether they declared care experience.
#[rustfmt::skip]
const OTHER_APPLICANTS: [(&str, bool); 16] = [
    ("Leon Hardy", true), ("Summer Kavanagh", true), ("Aiden Pollard", false),
    ("Courtney Rigby", true), ("Ethan Mulholland", true), ("Layla Hussain", true),
    ("Josh Brophy", false), ("Keeley Dunne", true), ("Rhys Ogden", true),
    ("Tamara Lewis", true), ("Dominic Fay", false), ("Erin Macfarlane", true),
    ("Kian Doherty", true), ("Lauren Parr", true), ("Mohammed Saleh", true),
    ("Chloe Vickers", true),
];

/// The password hash of the demo-only accounts: of a random password that was thrown away once
/// hashed, so nobody can sign in as them (and loading the demo needs no slow hashing).
const NOBODYS_PASSWORD_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$avxQEmx/2OiH7fS+Wz9z1Q$ZVSrdE3fpjahR+eNQHhvZwslv/LefldDNOMULwQluW0";

/// Where each partner organisation's vacancies are.
const SITES: [&str; 8] = [
    "Alder Hey Children's Hospital, Liverpool",
    "Royal Liverpool University Hospital",
    "Liverpool Women's Hospital",
    "Liverpool Heart and Chest Hospital",
    "The Clatterbridge Cancer Centre, Liverpool",
    "The Walton Centre, Liverpool",
    "Mersey Care, Maghull",
    "No 1 Lakeside, Warrington",
];

/// The demo-only account of a person: `kayden.rowe@example.org`.
pub fn demo_only_email(name: &str) -> String {
    let local: String = name
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            'a'..='z' => Some(c),
            ' ' => Some('.'),
            _ => None,
        })
        .collect();
    format!("{local}@example.org")
}

/// The employment records the demo adds: its SPECTRA hires and existing staff from ESR.
pub fn demo_employment_records() -> usize {
    let hires = HISTORY
        .iter()
        .flat_map(|v| v.applications)
        .filter(|(o, _)| matches!(o, Outcome::Started(..)))
        .count();
    hires + ESR_STAFF.len()
}

/// Accounts the demo adds that are not in [`ACCOUNTS`]: the hires, the other applicants and
/// the other organisations' managers, whom nobody signs in as.
pub fn demo_only_accounts() -> usize {
    demo_employment_records() - ESR_STAFF.len() + OTHER_APPLICANTS.len() + OTHER_MANAGERS.len()
}

/// The first start date whose checkpoint `months` on falls due on or after `due`.
fn start_for_due(due: Date, months: i32) -> Date {
    let mut start = add_months(due, -months) - Duration::days(3);
    while checkpoint_due(start, months) < due {
        start = start.next_day().unwrap_or(due);
    }
    start
}

/// The instant of `hour`:`minute` in London on `date`.
fn london(date: Date, hour: u8, minute: u8) -> OffsetDateTime {
    let time = Time::from_hms(hour, minute, 0).unwrap_or(Time::MIDNIGHT);
    london_time::to_utc(PrimitiveDateTime::new(date, time))
}

/// How an employment of the demo ended.
struct DemoEnding {
    on: Date,
    outcome: CheckpointOutcome,
    kind: EndKind,
    reason: &'static str,
    moved_to: Option<&'static str>,
    recorded_at: OffsetDateTime,
}

/// What the demo's history needs as it goes: today, the programme, each organisation with its
/// hiring manager, and the applicants not hired.
struct History {
    now: OffsetDateTime,
    today: Date,
    programme_id: i32,
    organisations: Vec<(i32, i32)>,
    others: Vec<(i32, bool)>,
    next_other: usize,
}

impl History {
    fn start_date(&self, start: Start) -> Date {
        match start {
            Start::DaysAgo(days) => self.today - Duration::days(days),
            Start::Due(months, in_days) => {
                start_for_due(self.today + Duration::days(in_days), months)
            }
        }
    }

    fn ending(&self, start: Date, fate: Fate) -> Option<DemoEnding> {
        let (after, kind, reason, moved_to) = match fate {
            Fate::InPost | Fate::Unrecorded(_) => return None,
            Fate::Left(after, reason) => (after, EndKind::Left, reason, None),
            Fate::Moved(after, to) => (after, EndKind::Moved, "employee_transfer", Some(to)),
        };
        let on = start + Duration::days(after);
        Some(DemoEnding {
            on,
            outcome: match kind {
                EndKind::Left => CheckpointOutcome::Left,
                EndKind::Moved => CheckpointOutcome::Moved,
            },
            kind,
            reason,
            moved_to,
            recorded_at: london(on + Duration::days(3), 10, 30).min(self.now),
        })
    }

    /// The next applicant not hired who may apply for a vacancy (ring-fenced ones take only
    /// people who declared care experience).
    fn other_applicant(
        &mut self,
        ring_fenced: bool,
        opted_in: bool,
    ) -> anyhow::Result<(i32, bool)> {
        for _ in 0..self.others.len() {
            let candidate = self
                .others
                .get(self.next_other % self.others.len())
                .copied();
            self.next_other += 1;
            if let Some((id, declared)) = candidate
                && (declared || !(ring_fenced || opted_in))
            {
                return Ok((id, declared));
            }
        }
        anyhow::bail!("no demo applicant may apply")
    }
}

/// The history, once: SPECTRA vacancies of the last four years across the partner
/// organisations, with their applications at every stage, shortlisting, interviews, offers
/// and checks, the hires' employment records and checkpoints (some in post, some moved, some
/// left, some overdue), and existing staff brought in from ESR. Dates are relative to today,
/// so the demo looks alive whenever it runs.
async fn load_history(db: &DatabaseConnection) -> anyhow::Result<()> {
    let marker = demo_only_email("Kayden Rowe");
    if users::find_by_email(db, &marker).await?.is_some() {
        return Ok(());
    }
    let Some(programme) = programmes::all(db)
        .await?
        .into_iter()
        .find(|p| p.name == "SPECTRA 25/7")
    else {
        return Ok(());
    };
    let mut managers = Vec::new();
    for email in ["manager.alderhey@example.org", "manager.luhft@example.org"] {
        match users::find_by_email(db, email).await? {
            Some(user) => managers.push(user.id),
            None => return Ok(()),
        }
    }
    let mut organisation_ids = Vec::new();
    for name in ORGANISATIONS {
        organisation_ids.push(organisations::ensure(db, name).await?.id);
    }
    let hash = NOBODYS_PASSWORD_HASH.to_owned();

    let now = db::now();
    let txn = db.begin().await?;
    let account = |email: String, name: &'static str, organisation_id: Option<i32>, role: Role| {
        let hash = hash.clone();
        let txn = &txn;
        async move {
            let email = EmailAddress::parse(&email).map_err(|m| anyhow::anyhow!("{m}"))?;
            let roles = [role];
            let user = users::create(
                txn,
                users::NewUser {
                    email: &email,
                    full_name: name,
                    password_hash: hash,
                    email_verified: true,
                    organisation_id,
                    roles: &roles,
                },
            )
            .await?;
            anyhow::Ok(user.id)
        }
    };
    for (i, (email, name)) in OTHER_MANAGERS.iter().enumerate() {
        let organisation_id = organisation_ids.get(i + 2).copied();
        managers.push(
            account(
                (*email).to_owned(),
                name,
                organisation_id,
                Role::HiringManager,
            )
            .await?,
        );
    }
    let mut others = Vec::new();
    for (name, declared) in OTHER_APPLICANTS {
        let id = account(demo_only_email(name), name, None, Role::Applicant).await?;
        save_demo_profile(&txn, id, declared).await?;
        others.push((id, declared));
    }
    let mut history = History {
        now,
        today: london_time::from_utc(now).date(),
        programme_id: programme.id,
        organisations: organisation_ids.iter().copied().zip(managers).collect(),
        others,
        next_other: 0,
    };
    for vacancy in &HISTORY {
        let mut hires = Vec::new();
        for (outcome, _) in vacancy.applications {
            if let Outcome::Started(name, ..) = outcome {
                let id = account(demo_only_email(name), name, None, Role::Applicant).await?;
                save_demo_profile(&txn, id, true).await?;
                hires.push(id);
            }
        }
        load_history_vacancy(&txn, &mut history, vacancy, &hires).await?;
    }
    // A draft for an open vacancy: the LUHFT porter's.
    if let (Some(&(luhft, _)), Some(&(applicant, _))) = (
        history.organisations.get(1),
        history.others.iter().find(|(_, declared)| *declared),
    ) && let Some(porter) = vacancies::of_organisation(&txn, luhft)
        .await?
        .into_iter()
        .find(|v| v.title == "Porter" && v.closes_at > now)
    {
        let draft =
            applications::start(&txn, porter.id, applicant, "", Some("care_experienced")).await?;
        applications::save_step(
            &txn,
            draft.id,
            applications::StepChange {
                reached_step: Some(1),
                ..Default::default()
            },
        )
        .await?;
    }
    for (organisation, role, band, staff_group, assignment, start, fate) in ESR_STAFF {
        let Some(&(organisation_id, manager)) = history.organisations.get(organisation) else {
            continue;
        };
        let start = history.start_date(start);
        let record = employment::start(
            &txn,
            &NewEmployment {
                application_id: None,
                user_id: None,
                organisation_id,
                programme_id: None,
                role: role.into(),
                band: band.into(),
                staff_group: staff_group.into(),
                start_date: start,
                apprenticeship: false,
                route: Route::Esr,
                assignment_number: Some(assignment.into()),
            },
        )
        .await?;
        let created = now - Duration::days(40);
        record_outcomes(
            &txn, &history, record.id, start, fate, manager, true, created,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(())
}

/// A demo-only applicant's profile.
async fn save_demo_profile(
    db: &impl ConnectionTrait,
    user_id: i32,
    declared: bool,
) -> anyhow::Result<()> {
    let input = ProfileInput {
        phone: "07700 900 461".into(),
        contact_preference: "email",
        care_experience: if declared {
            CareExperience::Yes
        } else {
            CareExperience::No
        },
        local_authority: if declared {
            "Liverpool City Council".into()
        } else {
            String::new()
        },
        adviser_name: String::new(),
        adviser_contact: String::new(),
        adjustments: String::new(),
    };
    applicant_profiles::save(db, user_id, &input).await?;
    Ok(())
}

/// The stages an application of the demo's history went through, and when: sent before the
/// vacancy closed on `closed_on`, shortlisted over the next days, interviewed a fortnight
/// after, offered, checked, and started on its start date.
fn demo_path(
    outcome: Outcome,
    closed_on: Date,
    created: OffsetDateTime,
    started: Option<OffsetDateTime>,
) -> Vec<(Stage, OffsetDateTime)> {
    use Stage::*;
    let at = |days: i64, hour: u8| london(closed_on + Duration::days(days), hour, 0);
    let mut path = vec![(Draft, created), (Submitted, created + Duration::hours(2))];
    let shortlisted = [(Shortlisting, at(3, 10)), (InvitedToInterview, at(5, 15))];
    let interviewed = [(InterviewBooked, at(7, 12)), (Interviewed, at(14, 11))];
    let offered = (ConditionalOffer, at(16, 10));
    let checked = (ChecksComplete, at(40, 14));
    match outcome {
        Outcome::Submitted => {}
        Outcome::Shortlisting => path.push((Shortlisting, at(3, 10))),
        Outcome::NotShortlisted | Outcome::BreachNotShortlisted => {
            path.extend([(Shortlisting, at(3, 10)), (NotShortlisted, at(5, 15))]);
        }
        Outcome::Invited => path.extend(shortlisted),
        Outcome::Booked => {
            path.extend(shortlisted);
            path.push((InterviewBooked, at(7, 12)));
        }
        Outcome::Interviewed => {
            path.extend(shortlisted);
            path.extend(interviewed);
        }
        Outcome::Unsuccessful => {
            path.extend(shortlisted);
            path.extend(interviewed);
            path.push((Unsuccessful, at(14, 16)));
        }
        Outcome::BreachNoInterview => {
            path.extend(shortlisted);
            path.push((Unsuccessful, at(21, 12)));
        }
        Outcome::Withdrawn(from) => {
            if from == Submitted {
                path.push((Withdrawn, at(-2, 18)));
            } else {
                path.extend(shortlisted);
                path.push((Withdrawn, at(8, 9)));
            }
        }
        Outcome::ConditionalOffer => {
            path.extend(shortlisted);
            path.extend(interviewed);
            path.push(offered);
        }
        Outcome::ChecksComplete(_) => {
            path.extend(shortlisted);
            path.extend(interviewed);
            path.extend([offered, checked]);
        }
        Outcome::Started(..) => {
            path.extend(shortlisted);
            path.extend(interviewed);
            path.extend([offered, checked]);
            path.push((Started, started.unwrap_or(at(60, 9))));
        }
    }
    path
}

/// One vacancy of the history, with its applications and everything they led to.
async fn load_history_vacancy(
    txn: &DatabaseTransaction,
    history: &mut History,
    spec: &HistoryVacancy,
    hires: &[i32],
) -> anyhow::Result<()> {
    use crate::domain::application::{self as rules, Referee};
    use crate::domain::offer::{CheckKind, CheckStatus, checks_for};

    let Some(&(organisation_id, lead)) = history.organisations.get(spec.organisation) else {
        return Ok(());
    };
    // Start dates first: a vacancy with hires closed 60 days before the first of them started.
    let starts: Vec<Option<Date>> = spec
        .applications
        .iter()
        .map(|(o, _)| match o {
            Outcome::Started(_, start, _) => Some(history.start_date(*start)),
            _ => None,
        })
        .collect();
    let closed_on = match spec.closed_days_ago {
        Some(days) => history.today - Duration::days(days),
        None => {
            starts
                .iter()
                .flatten()
                .min()
                .copied()
                .unwrap_or(history.today)
                - Duration::days(60)
        }
    };
    let closes = london(closed_on, 23, 59);
    let positions = spec
        .applications
        .iter()
        .filter(|(o, _)| {
            matches!(
                o,
                Outcome::Started(..) | Outcome::ChecksComplete(_) | Outcome::ConditionalOffer
            )
        })
        .count()
        .max(1);
    let input = VacancyInput {
        title: spec.title.into(),
        programme_id: spec.programme.then_some(history.programme_id),
        kind: spec.kind,
        band: spec.band.into(),
        working_pattern: match spec.kind {
            VacancyKind::Apprenticeship => "37.5 hours a week, one day a week at college".into(),
            _ => "37.5 hours a week, days, with some weekends".into(),
        },
        salary: crate::seed::synthetic::salary(spec.band).into(),
        location: SITES.get(spec.organisation).copied().unwrap_or_default().into(),
        positions: i32::try_from(positions).unwrap_or(1),
        closes_at: closes,
        ring_fenced: spec.ring_fenced,
        summary: "Start your NHS career with full training and a named mentor.".into(),
        description: "You will work alongside experienced colleagues who will show you how everything is done.\n\nWe welcome applications from people with experience of the care system.".into(),
        entry_requirements: match spec.kind {
            VacancyKind::Apprenticeship => "You do not need any qualifications to start.\nFunctional Skills English and maths are part of the apprenticeship if you need them.".into(),
            _ => String::new(),
        },
        criteria: vec![
            CriterionInput { essential: true, text: "Reliable and on time".into() },
            CriterionInput { essential: true, text: "Kind and respectful with patients and colleagues".into() },
            CriterionInput { essential: false, text: "Some experience of work, volunteering or caring".into() },
        ],
        reference_options: ReferenceType::ALL.to_vec(),
        contact_name: "Recruitment team".into(),
        contact_role: "Recruiting manager".into(),
        contact_email: "recruitment@example.org".into(),
        contact_phone: "0151 496 0123".into(),
    };
    let created = vacancies::create(txn, organisation_id, lead, &input).await?;
    vacancies::publish(txn, created.id).await?;
    let published = closes - Duration::days(28);
    vacancy::ActiveModel {
        id: Set(created.id),
        published_at: Set(Some(published)),
        created_at: Set(published - Duration::days(2)),
        updated_at: Set(published),
        ..Default::default()
    }
    .update(txn)
    .await?;
    let criteria = vacancies::criteria_of(txn, created.id).await?;
    let shortlisting_done = !spec
        .applications
        .iter()
        .any(|(o, _)| matches!(o, Outcome::Submitted | Outcome::Shortlisting));
    if shortlisting_done {
        shortlisting::ActiveModel {
            vacancy_id: Set(created.id),
            completed_at: Set(Some(london(closed_on + Duration::days(5), 15, 0))),
            completed_by: Set(Some(lead)),
            exception_status: Set("none".into()),
            exception_reason: Set(String::new()),
            exception_cap: Set(None),
            exception_requested_by: Set(None),
            exception_requested_at: Set(None),
            exception_decided_by: Set(None),
            exception_decided_at: Set(None),
            exception_decision_note: Set(String::new()),
        }
        .insert(txn)
        .await?;
    }
    // One interview slot for everyone interviewed; one still to come for those booked.
    let interviewed = spec
        .applications
        .iter()
        .filter(|(o, _)| {
            matches!(
                o,
                Outcome::Interviewed
                    | Outcome::Unsuccessful
                    | Outcome::ConditionalOffer
                    | Outcome::ChecksComplete(_)
                    | Outcome::Started(..)
            )
        })
        .count();
    let booked = spec
        .applications
        .iter()
        .filter(|(o, _)| matches!(o, Outcome::Booked))
        .count();
    let mut slots = [None, None];
    for (slot, (count, starts_at)) in slots.iter_mut().zip([
        (interviewed, london(closed_on + Duration::days(14), 10, 0)),
        (booked, london(history.today + Duration::days(5), 10, 0)),
    ]) {
        if count > 0 {
            let created_slot = interview_slot::ActiveModel {
                vacancy_id: Set(created.id),
                starts_at: Set(starts_at),
                minutes: Set(45),
                place: Set(format!("Meeting room 2, {}", input.location)),
                capacity: Set(i32::try_from(count + 1).unwrap_or(1)),
                created_by: Set(lead),
                created_at: Set(london(closed_on + Duration::days(5), 16, 0)),
                ..Default::default()
            }
            .insert(txn)
            .await?;
            *slot = Some(created_slot.id);
        }
    }

    let mut next_hire = hires.iter();
    for (i, ((outcome, opted_in), start)) in spec.applications.iter().zip(&starts).enumerate() {
        let (applicant, declared) = match outcome {
            Outcome::Started(..) => match next_hire.next() {
                Some(&id) => (id, true),
                None => continue,
            },
            _ => history.other_applicant(spec.ring_fenced, *opted_in)?,
        };
        let opted_in = *opted_in && declared;
        let hours = i64::try_from(i).unwrap_or(0);
        let draft_at = london(closed_on - Duration::days(10), 9, 0) + Duration::hours(5 * hours);
        let started_at = start.map(|d| london(d, 9, 0));
        let path = demo_path(*outcome, closed_on, draft_at, started_at);
        let Some(&(stage, last_at)) = path.last() else {
            continue;
        };
        let submitted_at = path
            .iter()
            .find(|(s, _)| *s == Stage::Submitted)
            .map(|(_, at)| *at);
        let declared_as = Some(if declared {
            CareExperience::Yes
        } else {
            CareExperience::No
        });
        let application = application::ActiveModel {
            vacancy_id: Set(created.id),
            applicant_id: Set(applicant),
            stage: Set(stage.as_str().to_owned()),
            reached_step: Set(if submitted_at.is_some() {
                i32::try_from(rules::steps(declared_as).len()).unwrap_or(6)
            } else {
                1
            }),
            guaranteed_interview: Set((declared && submitted_at.is_some()).then_some(opted_in)),
            adjustments: Set(String::new()),
            confirmed_definition: Set(spec.ring_fenced.then(|| "care_experienced".to_owned())),
            withdrawal_reason: Set(if stage == Stage::Withdrawn {
                "I have accepted another job.".into()
            } else {
                String::new()
            }),
            submitted_at: Set(submitted_at),
            created_at: Set(draft_at),
            updated_at: Set(last_at),
            ..Default::default()
        }
        .insert(txn)
        .await?;
        let id = application.id;
        let mut from = None;
        let mut changes = Vec::new();
        for &(to, at) in &path {
            let by_applicant = matches!(to, Stage::Draft | Stage::Submitted | Stage::Withdrawn);
            let note = match (to, outcome) {
                (Stage::NotShortlisted, Outcome::BreachNotShortlisted) => BREACH_FEEDBACK,
                (Stage::NotShortlisted, _) => NOT_SHORTLISTED_FEEDBACK,
                (Stage::Unsuccessful, Outcome::BreachNoInterview) => NO_INTERVIEW_NOTE,
                (Stage::Unsuccessful, _) => NOT_APPOINTED_FEEDBACK,
                _ => "",
            };
            changes.push(application_stage_change::ActiveModel {
                application_id: Set(id),
                from_stage: Set(from.map(|s: Stage| s.as_str().to_owned())),
                to_stage: Set(to.as_str().to_owned()),
                actor_user_id: Set(Some(if by_applicant { applicant } else { lead })),
                note: Set(note.to_owned()),
                created_at: Set(at),
                ..Default::default()
            });
            from = Some(to);
        }
        application_stage_change::Entity::insert_many(changes)
            .exec_without_returning(txn)
            .await?;
        if submitted_at.is_none() {
            continue;
        }
        let evidence: Vec<(i32, String)> = criteria
            .iter()
            .map(|c| (c.id, DEMO_EVIDENCE.to_owned()))
            .collect();
        applications::save_answers(txn, id, &evidence).await?;
        applications::save_referees(
            txn,
            id,
            &[Referee {
                kind: ReferenceType::PersonalAdviser,
                name: "Alex Adviser".into(),
                relationship: "My personal adviser".into(),
                email: "personal.adviser@example.org".into(),
                phone: String::new(),
            }],
        )
        .await?;

        // Shortlisting: the lead's scores, the final scores and the decision.
        let reached = |stage: Stage| path.iter().find(|(s, _)| *s == stage).map(|(_, at)| *at);
        let Some(decided_at) = reached(Stage::Shortlisting) else {
            continue;
        };
        let invited = reached(Stage::InvitedToInterview).is_some()
            || matches!(outcome, Outcome::Shortlisting);
        let met = !matches!(outcome, Outcome::NotShortlisted);
        let scores: [i16; 3] = if met { [3, 2, 1] } else { [1, 2, 0] };
        let mut lead_scores = Vec::new();
        let mut finals = Vec::new();
        for (criterion, score) in criteria.iter().zip(scores) {
            lead_scores.push(shortlist_score::ActiveModel {
                application_id: Set(id),
                criterion_id: Set(criterion.id),
                scorer_id: Set(lead),
                score: Set(score),
                note: Set(String::new()),
                updated_at: Set(decided_at - Duration::hours(4)),
                ..Default::default()
            });
            finals.push(final_score::ActiveModel {
                application_id: Set(id),
                criterion_id: Set(criterion.id),
                score: Set(score),
                set_by: Set(lead),
                updated_at: Set(decided_at - Duration::hours(1)),
                ..Default::default()
            });
        }
        shortlist_score::Entity::insert_many(lead_scores)
            .exec_without_returning(txn)
            .await?;
        final_score::Entity::insert_many(finals)
            .exec_without_returning(txn)
            .await?;
        shortlist_decision::ActiveModel {
            application_id: Set(id),
            invited: Set(invited),
            feedback: Set(match outcome {
                Outcome::NotShortlisted => NOT_SHORTLISTED_FEEDBACK.into(),
                Outcome::BreachNotShortlisted => BREACH_FEEDBACK.into(),
                _ => String::new(),
            }),
            // The guaranteed interview rule invites those in the scheme who meet the essential
            // criteria; the lead decides on the rest.
            automatic: Set(invited && opted_in && met),
            decided_by: Set(lead),
            decided_at: Set(decided_at),
        }
        .insert(txn)
        .await?;

        // The interview: booked into a slot; its outcome once it has happened.
        if let Some(booked_at) = reached(Stage::InterviewBooked) {
            let slot = if matches!(outcome, Outcome::Booked) {
                slots[1]
            } else {
                slots[0]
            };
            if let Some(slot_id) = slot {
                interview_booking::ActiveModel {
                    application_id: Set(id),
                    slot_id: Set(slot_id),
                    sequence: Set(0),
                    booked_at: Set(booked_at),
                }
                .insert(txn)
                .await?;
            }
        }
        if let Some(interviewed_at) = reached(Stage::Interviewed) {
            let appointable = !matches!(outcome, Outcome::Unsuccessful);
            interview_outcome::ActiveModel {
                application_id: Set(id),
                appointable: Set(appointable),
                feedback: Set(if appointable {
                    String::new()
                } else {
                    NOT_APPOINTED_FEEDBACK.into()
                }),
                recorded_by: Set(lead),
                recorded_at: Set(interviewed_at),
            }
            .insert(txn)
            .await?;
        }

        // The offer, accepted, and its checks; verified once the checks are complete.
        let Some(offered_at) = reached(Stage::ConditionalOffer) else {
            continue;
        };
        let checks = checks_for(spec.ring_fenced, opted_in);
        offers::make(txn, id, created.id, lead).await?;
        if let Err(refused) = offers::accept(txn, id, created.id, &checks).await? {
            anyhow::bail!("demo offer {id} not accepted: {refused:?}");
        }
        let complete_at = reached(Stage::ChecksComplete);
        if complete_at.is_none() {
            // Checks under way: some verified, some received, the rest pending.
            for kind in &checks {
                let status = match kind {
                    CheckKind::Identity | CheckKind::RightToWork => CheckStatus::Verified,
                    CheckKind::CriminalRecord | CheckKind::CareExperience => CheckStatus::Received,
                    _ => continue,
                };
                offers::update_check(txn, id, *kind, status, "", lead).await?;
            }
        }
        let start_date = match outcome {
            Outcome::ChecksComplete(in_days) => Some(history.today + Duration::days(*in_days)),
            _ => *start,
        };
        if let Some(date) = start_date {
            offers::set_start_date(txn, id, date).await?;
        }
        // Written when it happened, not now.
        let accepted_at = offered_at + Duration::days(2);
        offer::ActiveModel {
            application_id: Set(id),
            offered_at: Set(offered_at),
            responded_at: Set(Some(accepted_at)),
            ..Default::default()
        }
        .update(txn)
        .await?;
        let mut checked = offer_check::Entity::update_many()
            .col_expr(
                offer_check::Column::UpdatedAt,
                Expr::value(complete_at.unwrap_or(accepted_at + Duration::days(5))),
            )
            .filter(offer_check::Column::ApplicationId.eq(id));
        if complete_at.is_some() {
            // Every check verified by the lead before the checks were complete.
            checked = checked
                .col_expr(
                    offer_check::Column::Status,
                    Expr::value(CheckStatus::Verified.as_str()),
                )
                .col_expr(offer_check::Column::UpdatedBy, Expr::value(Some(lead)));
        }
        checked.exec(txn).await?;

        // The hire: the employment record, its checkpoints and how it has gone.
        let (Outcome::Started(_, _, fate), Some(start), Some(started_at)) =
            (outcome, *start, started_at)
        else {
            continue;
        };
        let record = employment::start(
            txn,
            &NewEmployment {
                application_id: Some(id),
                user_id: Some(applicant),
                organisation_id,
                programme_id: spec.programme.then_some(history.programme_id),
                role: spec.title.into(),
                band: spec.band.into(),
                staff_group: spec.staff_group.into(),
                start_date: start,
                apprenticeship: spec.kind == VacancyKind::Apprenticeship,
                route: Route::Spectra,
                assignment_number: None,
            },
        )
        .await?;
        record_outcomes(
            txn, history, record.id, start, *fate, lead, false, started_at,
        )
        .await?;
    }
    Ok(())
}

const DEMO_EVIDENCE: &str =
    "I looked after my younger brother for two years and got him to school on time every day.";

const NOT_SHORTLISTED_FEEDBACK: &str = "Thank you for applying. Other applicants showed the essential criteria more clearly, with real examples.";

const NOT_APPOINTED_FEEDBACK: &str = "Thank you for coming to interview. Another candidate gave clearer examples of working in a team.";

const BREACH_FEEDBACK: &str = "We had far more applications than interview places, so we interviewed only those with the highest scores.";

const NO_INTERVIEW_NOTE: &str = "The post was filled before an interview could be arranged.";

/// Records how a demo employment has gone: its end, if it ended, and its checkpoints. Those
/// that fell due while the person was in post are recorded as in post (unless the fate says
/// they were not recorded: overdue); the first after they left or moved records it and any
/// later ones close; reminders are marked sent as the daily job would have sent them.
#[allow(clippy::too_many_arguments)]
async fn record_outcomes(
    txn: &DatabaseTransaction,
    history: &History,
    record_id: i32,
    start: Date,
    fate: Fate,
    manager: i32,
    from_esr: bool,
    created_at: OffsetDateTime,
) -> anyhow::Result<()> {
    let ending = history.ending(start, fate);
    employment_record::ActiveModel {
        id: Set(record_id),
        created_at: Set(created_at),
        end_date: Set(ending.as_ref().map(|e| e.on)),
        end_kind: Set(ending.as_ref().map(|e| e.kind.as_str().to_owned())),
        leaving_reason: Set(ending.as_ref().map(|e| e.reason.to_owned())),
        moved_to: Set(ending.as_ref().and_then(|e| e.moved_to).map(str::to_owned)),
        updated_at: Set(ending.as_ref().map(|e| e.recorded_at)),
        ..Default::default()
    }
    .update(txn)
    .await?;
    let unrecorded_from = match fate {
        Fate::Unrecorded(months) => Some(months),
        _ => None,
    };
    let mut end_recorded = false;
    for checkpoint in employment::checkpoints_of(txn, record_id).await? {
        let due = checkpoint.due_on;
        let (outcome, recorded_at, by_esr) = match &ending {
            Some(end) if due >= end.on => {
                let outcome = if end_recorded {
                    CheckpointOutcome::Closed
                } else {
                    end_recorded = true;
                    end.outcome
                };
                (Some(outcome), Some(end.recorded_at), from_esr)
            }
            _ if due > history.today || unrecorded_from.is_some_and(|m| checkpoint.months >= m) => {
                (None, None, false)
            }
            _ => {
                let late = Duration::days(i64::from(checkpoint.months % 5));
                let mut at = (london(due, 11, 15) + late).min(history.now);
                if let Some(end) = &ending {
                    at = at.min(end.recorded_at);
                }
                (Some(CheckpointOutcome::InPost), Some(at), false)
            }
        };
        let reminded = |at: OffsetDateTime| {
            (at <= history.now && recorded_at.is_none_or(|r| r > at)).then_some(at)
        };
        employment_checkpoint::ActiveModel {
            id: Set(checkpoint.id),
            outcome: Set(outcome.map(|o| o.as_str().to_owned())),
            source: Set(outcome.map(|_| if by_esr { "esr" } else { "manager" }.to_owned())),
            recorded_by: Set(outcome.filter(|_| !by_esr).map(|_| manager)),
            recorded_at: Set(recorded_at),
            due_reminded_at: Set(reminded(london(due, 7, 0))),
            overdue_reminded_at: Set(reminded(london(
                due + Duration::days(OVERDUE_AFTER_DAYS),
                7,
                0,
            ))),
            ..Default::default()
        }
        .update(txn)
        .await?;
    }
    Ok(())
}
