//! Browser tests: applicant journeys (keyboard only, axe-core on every page).
