//! Administration: users, roles and invitations. Only for the admin role.

mod invitations;
mod organisations;
mod programmes;
mod users;
mod vacancies;

use axum::Router;
use axum::middleware::from_fn;
use axum::routing::{get, post};
use serde::Deserialize;

use crate::app::AppState;
use crate::domain::Role;
use crate::web::roles::{Admin, only};

/// The admin routes, all behind the admin role check.
pub fn router(_state: AppState) -> Router<AppState> {
    Router::new()
        .route("/users", get(users::list))
        .route("/users/{id}", get(users::show))
        .route("/users/{id}/roles", post(users::update_roles))
        .route("/users/{id}/deactivate", post(users::deactivate))
        .route("/users/{id}/reactivate", post(users::reactivate))
        .route(
            "/users/{id}/delete",
            get(users::delete_form).post(users::delete),
        )
        .route(
            "/invitations",
            get(invitations::list).post(invitations::create),
        )
        .route("/invitations/new", get(invitations::new))
        .route(
            "/invitations/{id}/revoke",
            get(invitations::confirm_revoke).post(invitations::revoke),
        )
        .route("/organisations", get(organisations::list))
        .route(
            "/organisations/new",
            get(organisations::new).post(organisations::create),
        )
        .route(
            "/organisations/{id}/edit",
            get(organisations::edit).post(organisations::update),
        )
        .route(
            "/organisations/{id}/deactivate",
            get(organisations::confirm_deactivate).post(organisations::deactivate),
        )
        .route(
            "/organisations/{id}/reactivate",
            get(organisations::confirm_reactivate).post(organisations::reactivate),
        )
        .route(
            "/programmes",
            get(programmes::list).post(programmes::create),
        )
        .route("/programmes/new", get(programmes::new))
        .route("/programmes/{id}", post(programmes::update))
        .route("/programmes/{id}/edit", get(programmes::edit))
        .route("/vacancies", get(vacancies::list))
        .route(
            "/vacancies/{id}/panel",
            get(crate::web::manage::panel::admin_show)
                .post(crate::web::manage::panel::admin_change),
        )
        .route_layer(from_fn(only::<Admin>))
}

/// The roles and organisation of the roles form, as sent: one `roles` field per ticked box.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct RolesForm {
    roles: Vec<String>,
    organisation: String,
}

/// The invitation form, as sent: the person, and one `roles` field per ticked box.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct InviteForm {
    email: String,
    full_name: String,
    roles: Vec<String>,
    organisation: String,
}

/// Roles chosen in a form, and the organisation to store with them.
type RolesAndOrganisation = (Vec<Role>, Option<i32>);

/// Checks chosen role names against `allowed` and the organisation rule. Returns the roles and
/// the organisation to store (only hiring managers belong to one).
fn parse_roles_and_organisation(
    names: &[String],
    organisation: &str,
    allowed: &[Role],
    organisation_exists: impl Fn(i32) -> bool,
    errors: &mut crate::web::page::FormErrors,
) -> Option<RolesAndOrganisation> {
    let mut roles = Vec::new();
    for name in names {
        match Role::parse(name).filter(|r| allowed.contains(r)) {
            Some(role) if !roles.contains(&role) => roles.push(role),
            Some(_) => {}
            None => {
                errors.add("roles", "Choose roles from the list");
                return None;
            }
        }
    }
    roles.sort();
    if roles.is_empty() {
        errors.add("roles", "Choose at least one role");
    }
    let organisation_id = if roles.iter().any(|r| r.needs_organisation()) {
        match organisation
            .parse::<i32>()
            .ok()
            .filter(|id| organisation_exists(*id))
        {
            Some(id) => Some(id),
            None => {
                errors.add(
                    "organisation",
                    "Choose the organisation this hiring manager works for",
                );
                None
            }
        }
    } else {
        None
    };
    errors.is_empty().then_some((roles, organisation_id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::web::page::FormErrors;

    fn run(names: &[&str], org: &str) -> (Option<RolesAndOrganisation>, FormErrors) {
        let mut errors = FormErrors::default();
        let names: Vec<String> = names.iter().map(|s| (*s).to_owned()).collect();
        let result =
            parse_roles_and_organisation(&names, org, &Role::STAFF, |id| id == 7, &mut errors);
        (result, errors)
    }

    #[test]
    fn hiring_managers_need_a_real_organisation() {
        assert_eq!(
            run(&["hiring_manager"], "7").0,
            Some((vec![Role::HiringManager], Some(7)))
        );
        assert!(run(&["hiring_manager"], "8").1.has("organisation"));
        assert!(run(&["hiring_manager"], "").1.has("organisation"));
    }

    #[test]
    fn other_roles_drop_the_organisation() {
        assert_eq!(
            run(&["champion", "admin"], "7").0,
            Some((vec![Role::Champion, Role::Admin], None))
        );
    }

    #[test]
    fn refuses_no_roles_and_roles_outside_the_allowed_set() {
        assert!(run(&[], "").1.has("roles"));
        assert!(run(&["applicant"], "").1.has("roles"));
        assert!(run(&["root"], "").1.has("roles"));
    }

    #[test]
    fn reads_every_ticked_role_and_defaults_what_is_not_sent() {
        let form: InviteForm =
            serde_html_form::from_str("roles=a&email=x%40y.org&roles=b&csrf_token=t").unwrap();
        assert_eq!(form.roles, ["a", "b"]);
        assert_eq!(form.email, "x@y.org");
        assert_eq!(
            (form.full_name.as_str(), form.organisation.as_str()),
            ("", "")
        );
        let none: RolesForm = serde_html_form::from_str("organisation=7").unwrap();
        assert!(none.roles.is_empty());
    }
}
