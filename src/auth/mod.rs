//! Who is signed in, and how they prove it.

pub mod home;
pub mod password;
pub mod throttle;
pub mod tokens;

pub use home::{Home, home_for};

/// Session key of the signed-in user's ID.
pub const SESSION_USER_ID: &str = "user_id";
/// Session key of the fingerprint of the password the session was signed in with.
pub const SESSION_AUTH_FP: &str = "auth_fp";
/// Session key, while a password change signs its person in again, of the handover that must
/// still be waiting for the new session to be stored (see `web::session_store`). Never stored.
pub const SESSION_HANDOVER: &str = "handover";
