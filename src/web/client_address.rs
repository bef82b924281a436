//! The client's address for throttling: the connection's peer, or, behind a trusted reverse
//! proxy (`TRUSTED_PROXIES`), the address the proxies forwarded. The rule is
//! `domain::client_address`.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;

use crate::app::AppState;
use crate::web::error::AppError;

/// The address a request comes from, as far as throttles are concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip())
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no connection address")))?;
        // A value that is not text is kept in its place as an entry that is not an address.
        let forwarded_for: Vec<&str> = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .map(|value| value.to_str().unwrap_or("?"))
            .collect();
        Ok(ClientAddress(
            state
                .config
                .trusted_proxies
                .client_address(peer, &forwarded_for),
        ))
    }
}
