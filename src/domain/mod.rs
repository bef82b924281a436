//! Pure rules of the service: parsing of what people type, roles and their meaning.
//! Nothing in here does I/O, so every rule is unit-tested beside its code.

pub mod account;
pub mod account_email;
pub mod application;
pub mod audit_chain;
pub mod audit_subject;
pub mod client_address;
pub mod dashboard;
pub mod database_role;
pub mod dates;
pub mod disclosure;
pub mod email;
pub mod email_address;
pub mod employment;
pub mod esr;
pub mod esr_import;
pub mod full_name;
pub mod interview;
pub mod kept_form;
pub mod load;
pub mod local_redirect;
pub mod login_throttle;
pub mod london_time;
pub mod manager_home;
pub mod mentoring;
pub mod new_password;
pub mod offer;
pub mod organisation;
pub mod paging;
pub mod plain_language;
pub mod privacy;
pub mod profile;
pub mod programme;
pub mod retention;
pub mod role;
pub mod shared_tables;
pub mod shortlisting;
pub mod spreadsheet;
pub mod text_input;
pub mod vacancy;

pub use email_address::EmailAddress;
pub use full_name::FullName;
pub use local_redirect::LocalRedirect;
pub use new_password::NewPassword;
pub use role::Role;
