//! The audit log's hash chain (issue 22).
//!
//! Every event stores the hash of the event before it (`prev_hash`) and its own `hash`: the
//! SHA-256 of that previous hash and the event's own content (ID, time, actor, action, subject,
//! details). Events get consecutive IDs, each the one before plus one, so the chain runs in ID
//! order. An event edited afterwards no longer matches its hash; a deleted event leaves the
//! next one linked to a hash that is not there; an inserted event either fails to link or
//! leaves two events linked to the same predecessor.
//!
//! Pure: hashing, and judging a walk along the chain event by event. The queries are in
//! `db::audit`, the walk over the database in `services::audit_chain`.
//!
//! What it cannot do: anyone who can write the table (a database owner) can recompute every
//! hash after a change, and the chain then verifies. An event appended at the end with a
//! correct link is indistinguishable from a real one, and deleting the newest events leaves a
//! shorter chain that verifies. Recording the head hash elsewhere (`spectra audit verify`
//! prints it) and checking it later (`--anchor`) catches both for everything up to that head.

use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// The `prev_hash` of the first event: there is no event before it.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What an event's hash covers, besides the previous hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Content<'a> {
    /// The event's ID (its place in the chain).
    pub id: i64,
    /// When it happened.
    pub created_at: OffsetDateTime,
    /// Who did it; `None` for the command line or the system.
    pub actor_user_id: Option<i32>,
    /// What happened, as stored.
    pub action: &'a str,
    /// What it was about, as stored ("user:7").
    pub subject: &'a str,
    /// The details, as the stored text (not re-serialised).
    pub details: &'a str,
}

/// The hash of an event whose predecessor's hash is `prev_hash`: lowercase hex SHA-256 over a
/// version tag, then each field as `length:bytes` and a newline, so no two different events
/// can run together into the same input. The time counts in whole microseconds since 1970
/// (what Postgres keeps), so it reads back the same from either database.
pub fn hash(prev_hash: &str, content: &Content<'_>) -> String {
    let mut digest = Sha256::new();
    digest.update(b"spectra audit chain v1\n");
    let actor = content
        .actor_user_id
        .map_or_else(|| "-".to_owned(), |id| id.to_string());
    let micros = content.created_at.unix_timestamp_nanos().div_euclid(1_000);
    for field in [
        prev_hash,
        &content.id.to_string(),
        &micros.to_string(),
        &actor,
        content.action,
        content.subject,
        content.details,
    ] {
        digest.update(field.len().to_string().as_bytes());
        digest.update(b":");
        digest.update(field.as_bytes());
        digest.update(b"\n");
    }
    hex::encode(digest.finalize())
}

/// An event as stored, with its links.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stored {
    /// See [`Content::id`].
    pub id: i64,
    /// See [`Content::created_at`].
    pub created_at: OffsetDateTime,
    /// See [`Content::actor_user_id`].
    pub actor_user_id: Option<i32>,
    /// See [`Content::action`].
    pub action: String,
    /// See [`Content::subject`].
    pub subject: String,
    /// See [`Content::details`].
    pub details: String,
    /// The hash of the event before it, as stored.
    pub prev_hash: String,
    /// Its own hash, as stored.
    pub hash: String,
}

impl Stored {
    /// What its hash covers.
    pub fn content(&self) -> Content<'_> {
        Content {
            id: self.id,
            created_at: self.created_at,
            actor_user_id: self.actor_user_id,
            action: &self.action,
            subject: &self.subject,
            details: &self.details,
        }
    }

    /// Whether its stored hash is the hash of its stored content and stored link.
    pub fn matches_its_hash(&self) -> bool {
        hash(&self.prev_hash, &self.content()) == self.hash
    }
}

/// How the log seems to have been tampered with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tampering {
    /// An event was changed after it was written.
    Edited,
    /// One or more events are missing.
    Deleted,
    /// An event was added that the service did not write in its place.
    Inserted,
}

impl Tampering {
    /// In words: "edited", "deleted" or "inserted".
    pub fn as_str(self) -> &'static str {
        match self {
            Tampering::Edited => "edited",
            Tampering::Deleted => "deleted",
            Tampering::Inserted => "inserted",
        }
    }
}

/// The first broken link found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Break {
    /// The event that looks edited or inserted, or for deleted events the first event after
    /// the gap.
    pub event_id: i64,
    /// What it looks like.
    pub kind: Tampering,
    /// Why, in a sentence for the person running the check.
    pub reason: String,
}

/// The last event accepted on a walk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Head {
    /// Its ID.
    pub id: i64,
    /// Its hash: what the next event must link to.
    pub hash: String,
    /// What it links to.
    pub prev_hash: String,
}

/// A chain that verified.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Intact {
    /// How many events were checked.
    pub count: u64,
    /// The newest event, `None` when the log is empty.
    pub head: Option<Head>,
    /// The ID of the event whose hash was the anchor given, if it was found.
    pub anchor_at: Option<i64>,
}

/// What one step of a walk found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// The event links to the one before and matches its hash.
    Linked,
    /// The chain is broken here.
    Broken(Break),
    /// The event does not link to the one before; [`Unlinked::judge`] says why, given the
    /// event after it and any earlier event its link names.
    Unlinked(Unlinked),
}

/// An event that does not link to the event before it, awaiting judgement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unlinked {
    /// The event.
    pub id: i64,
    /// What it links to.
    pub prev_hash: String,
    /// Whether it matches its own hash (over its own link).
    pub matches_its_hash: bool,
    /// The last event accepted before it.
    pub last: Option<Head>,
}

impl Unlinked {
    /// What the event was expected to link to.
    fn expected(&self) -> &str {
        self.last.as_ref().map_or(GENESIS, |h| h.hash.as_str())
    }

    /// Judges the break, given the event after this one (if any) and the ID of an earlier
    /// event whose hash this one links to (if any).
    pub fn judge(self, next: Option<&Stored>, named: Option<i64>) -> Break {
        let id = self.id;
        let expected = self.expected().to_owned();
        // Taking this event out mends the chain: it was put in.
        if next.is_some_and(|n| n.prev_hash == expected) {
            return Break {
                event_id: id,
                kind: Tampering::Inserted,
                reason: format!(
                    "event {id} does not link to the event before it, but the event after it does"
                ),
            };
        }
        if let Some(last) = &self.last {
            // This event and the one before it follow the same event: the one before was put
            // in between.
            if self.prev_hash == last.prev_hash {
                return Break {
                    event_id: last.id,
                    kind: Tampering::Inserted,
                    reason: format!(
                        "event {} and event {id} both link to the same earlier event, so event {} was put in between",
                        last.id, last.id
                    ),
                };
            }
        }
        if let Some(earlier) = named {
            return Break {
                event_id: id,
                kind: Tampering::Inserted,
                reason: format!(
                    "event {id} links to event {earlier}, which already has an event after it"
                ),
            };
        }
        if !self.matches_its_hash {
            return Break {
                event_id: id,
                kind: Tampering::Edited,
                reason: format!(
                    "event {id} neither links to the event before it nor matches its own hash"
                ),
            };
        }
        let first_missing = self.last.as_ref().map_or(1, |h| h.id + 1);
        if id > first_missing {
            let missing = if id - 1 == first_missing {
                format!("event {first_missing} is missing")
            } else {
                format!("events {first_missing} to {} are missing", id - 1)
            };
            return Break {
                event_id: id,
                kind: Tampering::Deleted,
                reason: format!("event {id} links to an event that is not there: {missing}"),
            };
        }
        match self.last {
            Some(last) => Break {
                event_id: last.id,
                kind: Tampering::Edited,
                reason: format!(
                    "event {id} links to a hash event {} no longer has: event {} was changed and its hash worked out again",
                    last.id, last.id
                ),
            },
            None => Break {
                event_id: id,
                kind: Tampering::Edited,
                reason: format!("event {id} is the first event but does not start the chain"),
            },
        }
    }
}

/// A walk along the chain in ID order.
#[derive(Clone, Debug, Default)]
pub struct Walk {
    count: u64,
    last: Option<Head>,
    anchor: Option<String>,
    anchor_at: Option<i64>,
}

impl Walk {
    /// A walk from the first event. With `anchor` (a hash recorded from an earlier check), the
    /// walk also notes where that hash is.
    pub fn new(anchor: Option<&str>) -> Self {
        Self {
            anchor: anchor.map(|a| a.trim().to_ascii_lowercase()),
            ..Self::default()
        }
    }

    /// Checks the next event in ID order.
    pub fn step(&mut self, event: &Stored) -> Step {
        let expected = self.last.as_ref().map_or(GENESIS, |h| h.hash.as_str());
        let matches = event.matches_its_hash();
        if event.prev_hash != expected {
            return Step::Unlinked(Unlinked {
                id: event.id,
                prev_hash: event.prev_hash.clone(),
                matches_its_hash: matches,
                last: self.last.clone(),
            });
        }
        if !matches {
            return Step::Broken(Break {
                event_id: event.id,
                kind: Tampering::Edited,
                reason: format!(
                    "event {} no longer matches its hash: its content was changed",
                    event.id
                ),
            });
        }
        self.count += 1;
        if self.anchor.as_deref() == Some(event.hash.as_str()) {
            self.anchor_at = Some(event.id);
        }
        self.last = Some(Head {
            id: event.id,
            hash: event.hash.clone(),
            prev_hash: event.prev_hash.clone(),
        });
        Step::Linked
    }

    /// How many events linked so far.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The end of a walk that found no break.
    pub fn finish(self) -> Intact {
        Intact {
            count: self.count,
            head: self.last,
            anchor_at: self.anchor_at,
        }
    }
}

/// Walks a whole chain held in memory: the chain intact, or its first break.
pub fn verify(events: &[Stored], anchor: Option<&str>) -> Result<Intact, Break> {
    let mut walk = Walk::new(anchor);
    for (at, event) in events.iter().enumerate() {
        match walk.step(event) {
            Step::Linked => {}
            Step::Broken(broken) => return Err(broken),
            Step::Unlinked(unlinked) => {
                let named = events[..at]
                    .iter()
                    .find(|e| e.hash == unlinked.prev_hash)
                    .map(|e| e.id);
                return Err(unlinked.judge(events.get(at + 1), named));
            }
        }
    }
    Ok(walk.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    /// A chain of `n` events as the service writes them.
    fn chain(n: i64) -> Vec<Stored> {
        let mut events: Vec<Stored> = Vec::new();
        for id in 1..=n {
            let prev_hash = events.last().map_or(GENESIS.to_owned(), |e| e.hash.clone());
            events.push(event(id, &prev_hash, &format!("user:{id}")));
        }
        events
    }

    fn event(id: i64, prev_hash: &str, subject: &str) -> Stored {
        let mut e = Stored {
            id,
            created_at: datetime!(2026-12-07 10:00:00.123456 UTC) + time::Duration::minutes(id),
            actor_user_id: (id % 2 == 0).then_some(7),
            action: "signed_in".into(),
            subject: subject.into(),
            details: "{}".into(),
            prev_hash: prev_hash.into(),
            hash: String::new(),
        };
        e.hash = hash(prev_hash, &e.content());
        e
    }

    fn broken(events: &[Stored]) -> (i64, Tampering) {
        let b = verify(events, None).unwrap_err();
        (b.event_id, b.kind)
    }

    #[test]
    fn the_hash_covers_every_field_and_the_link() {
        let base = event(3, GENESIS, "user:3");
        let content = base.content();
        let h = hash(GENESIS, &content);
        assert_eq!(h.len(), 64);
        assert_eq!(h, base.hash);
        let other = "1".repeat(64);
        assert_ne!(hash(&other, &content), h);
        for changed in [
            Content { id: 4, ..content },
            Content {
                created_at: content.created_at + time::Duration::microseconds(1),
                ..content
            },
            Content {
                actor_user_id: Some(8),
                ..content
            },
            Content {
                action: "signed_out",
                ..content
            },
            Content {
                subject: "user:4",
                ..content
            },
            Content {
                details: "{\"a\":1}",
                ..content
            },
        ] {
            assert_ne!(hash(GENESIS, &changed), h, "{changed:?}");
        }
        // Fields cannot run into each other: moving text from one to the next changes it.
        let a = Content {
            subject: "user:3",
            details: "x",
            ..content
        };
        let b = Content {
            subject: "user:3x",
            details: "",
            ..content
        };
        assert_ne!(hash(GENESIS, &a), hash(GENESIS, &b));
        // No actor is not actor 0.
        let none = Content {
            actor_user_id: None,
            ..content
        };
        let zero = Content {
            actor_user_id: Some(0),
            ..content
        };
        assert_ne!(hash(GENESIS, &none), hash(GENESIS, &zero));
    }

    #[test]
    fn the_time_counts_in_microseconds_whatever_the_offset() {
        let utc = event(1, GENESIS, "user:1");
        let mut london = utc.clone();
        london.created_at = utc
            .created_at
            .to_offset(time::UtcOffset::from_hms(1, 0, 0).unwrap());
        assert_eq!(hash(GENESIS, &london.content()), utc.hash);
    }

    #[test]
    fn an_intact_chain_verifies_with_its_count_and_head() {
        let events = chain(5);
        let intact = verify(&events, None).unwrap();
        assert_eq!(intact.count, 5);
        let head = intact.head.unwrap();
        assert_eq!((head.id, head.hash.as_str()), (5, events[4].hash.as_str()));
        let empty = verify(&[], None).unwrap();
        assert_eq!((empty.count, empty.head), (0, None));
    }

    #[test]
    fn an_edited_event_is_found() {
        let mut events = chain(5);
        events[2].details = "{\"roles\":\"admin\"}".into();
        assert_eq!(broken(&events), (3, Tampering::Edited));

        // The first event too.
        let mut events = chain(3);
        events[0].actor_user_id = Some(99);
        assert_eq!(broken(&events), (1, Tampering::Edited));
    }

    #[test]
    fn an_edited_event_whose_hash_was_worked_out_again_is_found_by_the_next() {
        let mut events = chain(5);
        events[2].subject = "user:99".into();
        events[2].hash = hash(&events[2].prev_hash, &events[2].content());
        let b = verify(&events, None).unwrap_err();
        assert_eq!((b.event_id, b.kind), (3, Tampering::Edited));
        assert!(b.reason.contains("event 4"), "{}", b.reason);
    }

    #[test]
    fn a_deleted_event_is_found_by_the_gap_it_leaves() {
        let mut events = chain(5);
        events.remove(2);
        let b = verify(&events, None).unwrap_err();
        assert_eq!((b.event_id, b.kind), (4, Tampering::Deleted));
        assert!(b.reason.contains("event 3 is missing"), "{}", b.reason);

        let mut events = chain(6);
        events.drain(1..4);
        let b = verify(&events, None).unwrap_err();
        assert_eq!((b.event_id, b.kind), (5, Tampering::Deleted));
        assert!(
            b.reason.contains("events 2 to 4 are missing"),
            "{}",
            b.reason
        );

        // The first events.
        let mut events = chain(4);
        events.drain(0..2);
        assert_eq!(broken(&events), (3, Tampering::Deleted));
    }

    #[test]
    fn an_event_linked_to_an_earlier_one_is_found_as_inserted() {
        // Added at the end, claiming to follow event 2 (and hashed correctly).
        let mut events = chain(4);
        let fake = event(5, &events[1].hash.clone(), "user:2");
        events.push(fake);
        let b = verify(&events, None).unwrap_err();
        assert_eq!((b.event_id, b.kind), (5, Tampering::Inserted));
        assert!(b.reason.contains("event 2"), "{}", b.reason);
    }

    #[test]
    fn an_event_put_in_between_is_found_as_inserted() {
        // Put into a gap between 2 and 3 (IDs from before the chain may have gaps), linked
        // correctly to 2: event 3 then links to 2 as well.
        let mut events = chain(4);
        for e in &mut events[2..] {
            e.id += 1;
        }
        let mut relinked = Vec::new();
        for e in events {
            let prev = relinked
                .last()
                .map_or(GENESIS.to_owned(), |p: &Stored| p.hash.clone());
            relinked.push(event(e.id, &prev, &e.subject));
        }
        let fake = event(3, &relinked[1].hash.clone(), "user:fake");
        relinked.insert(2, fake);
        assert_eq!(broken(&relinked), (3, Tampering::Inserted));

        // Put in between, not linked to anything.
        let mut events = chain(3);
        let mut junk = event(10, GENESIS, "user:junk");
        junk.prev_hash = "f".repeat(64);
        junk.hash = hash(&junk.prev_hash, &junk.content());
        events.insert(1, junk);
        // The event after it links to the event before it.
        assert_eq!(broken(&events), (10, Tampering::Inserted));

        // Before the first event.
        let mut events = chain(3);
        events.insert(0, event(0, GENESIS, "user:0"));
        assert_eq!(broken(&events), (0, Tampering::Inserted));
    }

    #[test]
    fn an_event_appended_with_a_correct_link_cannot_be_told_apart() {
        // The limit of a chain without a secret: what the docs say, tested.
        let mut events = chain(3);
        events.push(event(4, &events[2].hash.clone(), "user:forged"));
        assert_eq!(verify(&events, None).unwrap().count, 4);
    }

    #[test]
    fn an_anchor_is_found_only_while_the_chain_still_holds_it() {
        let events = chain(4);
        let anchor = events[1].hash.to_uppercase();
        assert_eq!(verify(&events, Some(&anchor)).unwrap().anchor_at, Some(2));

        // The whole chain worked out again after a change to event 2: it verifies, but the
        // recorded hash is gone.
        let mut rewritten = chain(4);
        rewritten[1].subject = "user:99".into();
        let mut prev = GENESIS.to_owned();
        for e in &mut rewritten {
            e.prev_hash = prev.clone();
            e.hash = hash(&prev, &e.content());
            prev = e.hash.clone();
        }
        let intact = verify(&rewritten, Some(&anchor)).unwrap();
        assert_eq!((intact.count, intact.anchor_at), (4, None));
    }
}
