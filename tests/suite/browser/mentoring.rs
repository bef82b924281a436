//! Browser tests: mentoring journeys (keyboard only, axe-core on every page).
