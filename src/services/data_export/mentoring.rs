//! The person's mentoring records and relationships.

use sea_orm::ConnectionTrait;

use super::{Meeting, MentorRecord, Mentoring, Relationship, StudentRecord, at, at_opt, day};
use crate::db::mentoring::registry;
use crate::db::mentoring::relationships as rels;
use crate::domain::audit_subject::AuditSubject;
use crate::entities::{mentee, mentor, mentoring_relationship, user};

/// The person's mentoring records and relationships, and the audit subjects they make.
pub(super) async fn mentoring_of(
    db: &impl ConnectionTrait,
    me: &user::Model,
) -> anyhow::Result<(Mentoring, Vec<AuditSubject>)> {
    let mut subjects = Vec::new();
    let mut relationships = Vec::new();

    // A mentor record is the person's when it has their sign-in address.
    let mentor = registry::mentor_with_email(db, &me.email).await?;
    if let Some(m) = &mentor {
        subjects.push(AuditSubject::Mentor(m.id));
        let rows = rels::of_mentor(db, m.id).await?;
        let ids: Vec<i32> = rows.iter().map(|r| r.mentee_id).collect();
        let others = rels::mentees_by_id(db, &ids).await?;
        for r in rows {
            let name = others
                .get(&r.mentee_id)
                .map(|s| s.full_name.clone())
                .unwrap_or_default();
            relationships.push(relationship_of(db, me.id, r, "mentor", name).await?);
        }
    }

    // A student record is theirs when it is linked to their account, or has their address and
    // is linked to no other account.
    let mut students: Vec<mentee::Model> = Vec::new();
    if let Some(s) = registry::mentee_of_user(db, me.id).await? {
        students.push(s);
    }
    if let Some(s) = registry::mentee_with_email(db, &me.email).await?
        && s.user_id.is_none_or(|id| id == me.id)
        && !students.iter().any(|t| t.id == s.id)
    {
        students.push(s);
    }
    for s in &students {
        subjects.push(AuditSubject::Mentee(s.id));
        let rows = rels::of_mentee(db, s.id).await?;
        let ids: Vec<i32> = rows.iter().map(|r| r.mentor_id).collect();
        let others = rels::mentors_by_id(db, &ids).await?;
        for r in rows {
            let name = others
                .get(&r.mentor_id)
                .map(|m| m.full_name.clone())
                .unwrap_or_default();
            relationships.push(relationship_of(db, me.id, r, "student", name).await?);
        }
    }
    subjects.extend(
        relationships
            .iter()
            .map(|r| AuditSubject::MentoringRelationship(r.id)),
    );

    Ok((
        Mentoring {
            mentor_record: mentor.map(mentor_record),
            student_records: students.into_iter().map(student_record).collect(),
            relationships,
        },
        subjects,
    ))
}

async fn relationship_of(
    db: &impl ConnectionTrait,
    me: i32,
    r: mentoring_relationship::Model,
    you_are: &'static str,
    other_person: String,
) -> anyhow::Result<Relationship> {
    let meetings = rels::meetings_of(db, r.id)
        .await?
        .into_iter()
        .map(|m| {
            let mine = m.logged_by == Some(me);
            Meeting {
                met_on: day(m.met_on),
                mode: m.mode,
                logged_by: match m.logged_by {
                    Some(_) if mine => "you",
                    Some(_) => "the other person",
                    None => "someone else",
                },
                your_note: mine.then_some(m.note),
            }
        })
        .collect();
    let you_asked = r.end_requested_by == Some(me);
    Ok(Relationship {
        id: r.id,
        you_are,
        other_person,
        started_at: at(r.started_at),
        end_requested_at: at_opt(r.end_requested_at),
        you_asked_to_end: you_asked,
        your_reason_for_ending: you_asked.then_some(r.end_reason),
        ended_at: at_opt(r.ended_at),
        meetings,
    })
}

fn mentor_record(m: mentor::Model) -> MentorRecord {
    MentorRecord {
        reference: m.reference,
        name: m.full_name,
        email: m.email,
        organisation: m.organisation,
        grade: m.grade,
        specialty: m.specialty,
        capacity: m.capacity,
        meeting_modes: m.meeting_modes.to_string(),
        availability: m.availability.to_string(),
        lived_experience: m.lived_experience,
        gender: m.gender,
        archived_at: at_opt(m.archived_at),
        created_at: at(m.created_at),
        updated_at: at(m.updated_at),
    }
}

fn student_record(s: mentee::Model) -> StudentRecord {
    StudentRecord {
        reference: s.reference,
        name: s.full_name,
        email: s.email,
        university: s.university,
        year_of_study: s.year_of_study,
        specialty_interests: s.specialty_interests,
        meeting_modes: s.meeting_modes.to_string(),
        availability: s.availability.to_string(),
        lived_experience_preference: s.lived_experience_preference.as_str().to_owned(),
        gender_preference: s.gender_preference,
        gender_preference_strength: s.gender_preference_strength.as_str().to_owned(),
        declared_conflicts: s.declared_conflicts,
        status: s.status.as_str().to_owned(),
        consented_at: at(s.consented_at),
        decided_at: at_opt(s.decided_at),
        conflicts_reviewed_at: at_opt(s.conflicts_reviewed_at),
        waiting_list_told_at: at_opt(s.waiting_list_told_at),
        created_at: at(s.created_at),
        updated_at: at(s.updated_at),
    }
}
