//! Demo data for `spectra demo`: the partner organisations, one account per kind of user, and
//! the mentoring pilot's mentors and students. Loading is idempotent, so the demo can be
//! restarted on the same database.

use sea_orm::{DatabaseConnection, TransactionTrait};

use crate::auth::password;
use crate::db::{self, applicant_profiles, organisations, programmes, users, vacancies};
use crate::domain::profile::{CareExperience, ProfileInput};
use crate::domain::vacancy::{CriterionInput, ReferenceType, VacancyInput, VacancyKind};
use crate::domain::{EmailAddress, NewPassword, Role};
use crate::entities::programme;

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
    let hash = password::hash(&password).await?;
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
