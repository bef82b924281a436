//! The demo's people, places and texts: the mentoring pilot's mentors and students, the
//! demo-only accounts of its history, where each organisation's vacancies are, and what
//! applicants and managers wrote.

use super::ORGANISATIONS;

/// A demo mentor: reference, name, email, organisation, grade, specialty, capacity, meeting
/// modes, availability, lived experience of care, gender.
pub(super) type DemoMentor = (
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
pub(super) const MENTORS: [DemoMentor; 12] = [
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
pub(super) type DemoMentee = (
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

pub(super) const UOL: &str = "University of Liverpool";
pub(super) const EHU: &str = "Edge Hill University";
pub(super) const LANCASTER: &str = "Lancaster University";

/// Thirty care-experienced medical students. The first is `mentee@example.org`, matched with
/// `mentor@example.org`; the next 26 are approved and waiting to be matched, so the
/// coordinator can run matching; the last 3 wait for approval. S18 declared a conflict with M02.
#[rustfmt::skip]
pub(super) const MENTEES: [DemoMentee; 30] = [
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

/// Hiring managers of the other partner organisations, for their vacancies: demo-only
/// accounts nobody signs in as. By organisation, from the third.
pub(super) const OTHER_MANAGERS: [(&str, &str); 6] = [
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
pub(super) const OTHER_APPLICANTS: [(&str, bool); 16] = [
    ("Leon Hardy", true), ("Summer Kavanagh", true), ("Aiden Pollard", false),
    ("Courtney Rigby", true), ("Ethan Mulholland", true), ("Layla Hussain", true),
    ("Josh Brophy", false), ("Keeley Dunne", true), ("Rhys Ogden", true),
    ("Tamara Lewis", true), ("Dominic Fay", false), ("Erin Macfarlane", true),
    ("Kian Doherty", true), ("Lauren Parr", true), ("Mohammed Saleh", true),
    ("Chloe Vickers", true),
];

/// The password hash of the demo-only accounts: of a random password that was thrown away once
/// hashed, so nobody can sign in as them (and loading the demo needs no slow hashing).
pub(super) const NOBODYS_PASSWORD_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$avxQEmx/2OiH7fS+Wz9z1Q$ZVSrdE3fpjahR+eNQHhvZwslv/LefldDNOMULwQluW0";

/// Where each partner organisation's vacancies are.
pub(super) const SITES: [&str; 8] = [
    "Alder Hey Children's Hospital, Liverpool",
    "Royal Liverpool University Hospital",
    "Liverpool Women's Hospital",
    "Liverpool Heart and Chest Hospital",
    "The Clatterbridge Cancer Centre, Liverpool",
    "The Walton Centre, Liverpool",
    "Mersey Care, Maghull",
    "No 1 Lakeside, Warrington",
];

pub(super) const DEMO_EVIDENCE: &str =
    "I looked after my younger brother for two years and got him to school on time every day.";

pub(super) const NOT_SHORTLISTED_FEEDBACK: &str = "Thank you for applying. Other applicants showed the essential criteria more clearly, with real examples.";

pub(super) const NOT_APPOINTED_FEEDBACK: &str = "Thank you for coming to interview. Another candidate gave clearer examples of working in a team.";

pub(super) const BREACH_FEEDBACK: &str = "We had far more applications than interview places, so we interviewed only those with the highest scores.";

pub(super) const NO_INTERVIEW_NOTE: &str =
    "The post was filled before an interview could be arranged.";
