//! Browser tests: interviews journeys (keyboard only, axe-core on every page).
