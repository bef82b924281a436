//! Browser tests: vacancies journeys (keyboard only, axe-core on every page).
