//! A file to download: sent as an attachment with its name, and never kept by a cache (every
//! file of ours holds personal or sensitive figures).

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// A CSV file named `file_name` (with its `.csv`), as UTF-8 text.
pub fn csv(file_name: &str, body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_download_is_an_attachment_with_its_name_that_no_cache_keeps() {
        let response = csv("spectra-funnel.csv", "a,b\n".into());

        let headers = response.headers();
        assert_eq!(headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
        assert_eq!(
            headers[header::CONTENT_DISPOSITION],
            "attachment; filename=\"spectra-funnel.csv\""
        );
        assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    }
}
