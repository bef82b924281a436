//! The demo's vacancies: a few open ones, one closed with applications waiting for
//! shortlisting, and the two applicants' profiles.

use sea_orm::{DatabaseConnection, TransactionTrait};

use crate::db::{self, applicant_profiles, organisations, programmes, users, vacancies};
use crate::domain::profile::{CareExperience, ProfileInput};
use crate::domain::vacancy::{CriterionInput, ReferenceType, VacancyInput, VacancyKind};
use crate::entities::programme;
use crate::seed::demo::{CLOSED_DEMO_VACANCY, ORGANISATIONS};

/// A SPECTRA 25/7 vacancy at Alder Hey that closed yesterday, with two sent applications (one
/// in the guaranteed interview scheme), so a tester can walk every stage: shortlisting as
/// `manager.alderhey@example.org`, booking and the offer as the applicants, the champion's
/// pages as `champion@example.org`.
pub(super) async fn load_closed_vacancy(db: &DatabaseConnection) -> anyhow::Result<()> {
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
pub(super) async fn load_profiles(db: &DatabaseConnection) -> anyhow::Result<()> {
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
pub(super) async fn load_vacancies(db: &DatabaseConnection) -> anyhow::Result<()> {
    let now = db::now();
    let spectra = programmes::ensure(
        db,
        programme::Model {
            id: 0,
            name: "SPECTRA 25/7".into(),
            description: "NHS organisations across Cheshire and Merseyside working together to recruit 25 care leavers.".into(),
            target_hires: 25,
            care_definition: crate::domain::programme::CareDefinition::CareExperienced,
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
