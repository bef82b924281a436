//! The bare list page: the ceiling `GET /vacancies` is measured against (docs/bench-load.sh).
//!
//!   DATABASE_URL=postgres://postgres@127.0.0.1/bench_load cargo run --release --example bare_list
//!
//! It serves `GET /` (and `GET /vacancies`, the same page): the first page of open vacancies,
//! the 20 that spectra's public list shows first (published, closing after now, closing
//! soonest first, then by ID), with what each card shows (title, organisation, kind, salary,
//! location, closing date in London time, ring-fenced) and how many are open. It is read with
//! ONE query (vacancies joined to organisations, the total as a window count) straight through
//! sqlx, and rendered with a minimal askama template (`templates/bare/list.html`): no layout,
//! no filter form, no session, no CSRF token, no middleware, no SeaORM. That is the stack with
//! nothing of ours in the way; only the formatting of the kind and the closing date is
//! spectra's own (`VacancyKind::label`, `london_time::describe`), so the words are the same.
//!
//! The pool is configured as spectra's (`db::connect`): at most 10 connections, the pool's
//! other defaults, statements not logged.
//!
//! It also serves `GET /floor`, the floor the list is measured against (issue 24): the same
//! 20 vacancies read by primary key (`WHERE v.id = ANY($1)`, their IDs and the total found
//! once at start), rendered with the same template: what a page of 20 rows costs when there is
//! nothing to find, filter, sort or count.
//!
//! Settings, from the environment: DATABASE_URL (a Postgres database spectra has migrated, for
//! example one seeded with `spectra seed-synthetic`), BIND_ADDR (default 127.0.0.1:3998).

use std::net::SocketAddr;
use std::str::FromStr;

use anyhow::Context;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use spectra::domain::london_time;
use spectra::domain::vacancy::VacancyKind;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{ConnectOptions, Row};
use time::OffsetDateTime;

/// As many as spectra's list shows on a page.
const PER_PAGE: i64 = 20;

/// The first page of open vacancies and how many are open, in one statement.
const OPEN_PAGE: &str = "\
SELECT v.id, v.title, o.name AS organisation, v.kind, v.salary, v.location, v.closes_at,
       v.ring_fenced, count(*) OVER () AS total
FROM vacancies v
JOIN organisations o ON o.id = v.organisation_id
WHERE v.status = 'published' AND v.closes_at > $1
ORDER BY v.closes_at, v.id
LIMIT $2";

/// The same vacancies by primary key: the floor.
const BY_ID: &str = "\
SELECT v.id, v.title, o.name AS organisation, v.kind, v.salary, v.location, v.closes_at,
       v.ring_fenced, 0::bigint AS total
FROM vacancies v
JOIN organisations o ON o.id = v.organisation_id
WHERE v.id = ANY($1)
ORDER BY v.closes_at, v.id";

/// What the floor page reads by: the first page's IDs and the total, found at start.
#[derive(Clone, Debug)]
struct Floor {
    ids: Vec<i32>,
    total: i64,
}

/// The server's state.
#[derive(Clone, Debug)]
struct Bare {
    pool: PgPool,
    floor: Floor,
}

/// One vacancy's card.
#[derive(Debug)]
struct Item {
    id: i32,
    title: String,
    organisation: String,
    kind: &'static str,
    salary: String,
    location: String,
    closes: String,
    ring_fenced: bool,
}

#[derive(Debug, Template, WebTemplate)]
#[template(path = "bare/list.html")]
struct ListTemplate {
    items: Vec<Item>,
    total: i64,
}

/// A database failure: 500, and the reason on standard error.
#[derive(Debug)]
struct Failed(sqlx::Error);

impl IntoResponse for Failed {
    fn into_response(self) -> Response {
        eprintln!("bare_list: {}", self.0);
        (StatusCode::INTERNAL_SERVER_ERROR, "database error").into_response()
    }
}

async fn list(State(bare): State<Bare>) -> Result<ListTemplate, Failed> {
    let rows = sqlx::query(OPEN_PAGE)
        .bind(OffsetDateTime::now_utc())
        .bind(PER_PAGE)
        .fetch_all(&bare.pool)
        .await
        .map_err(Failed)?;
    render(rows)
}

async fn floor_page(State(bare): State<Bare>) -> Result<ListTemplate, Failed> {
    let rows = sqlx::query(BY_ID)
        .bind(&bare.floor.ids)
        .fetch_all(&bare.pool)
        .await
        .map_err(Failed)?;
    let mut page = render(rows)?;
    page.total = bare.floor.total;
    Ok(page)
}

fn render(rows: Vec<sqlx::postgres::PgRow>) -> Result<ListTemplate, Failed> {
    let mut total = 0;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        total = row.try_get("total").map_err(Failed)?;
        let kind: String = row.try_get("kind").map_err(Failed)?;
        let closes_at: OffsetDateTime = row.try_get("closes_at").map_err(Failed)?;
        items.push(Item {
            id: row.try_get("id").map_err(Failed)?,
            title: row.try_get("title").map_err(Failed)?,
            organisation: row.try_get("organisation").map_err(Failed)?,
            kind: VacancyKind::parse(&kind).map_or("Job", VacancyKind::label),
            salary: row.try_get("salary").map_err(Failed)?,
            location: row.try_get("location").map_err(Failed)?,
            closes: london_time::describe(closes_at),
            ring_fenced: row.try_get("ring_fenced").map_err(Failed)?,
        });
    }
    Ok(ListTemplate { items, total })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let url = std::env::var("DATABASE_URL").context("set DATABASE_URL to a Postgres database")?;
    let bind: SocketAddr = std::env::var("BIND_ADDR")
        .unwrap_or_else(|_| "127.0.0.1:3998".to_owned())
        .parse()
        .context("BIND_ADDR is not an address and port like 127.0.0.1:3998")?;
    let options = PgConnectOptions::from_str(&url)
        .context("DATABASE_URL is not a Postgres URL")?
        .disable_statement_logging();
    let pool = PgPoolOptions::new()
        .max_connections(10)
        .connect_with(options)
        .await
        .context("cannot connect to DATABASE_URL")?;
    let first = sqlx::query(OPEN_PAGE)
        .bind(OffsetDateTime::now_utc())
        .bind(PER_PAGE)
        .fetch_all(&pool)
        .await
        .context("cannot read the first page")?;
    let floor = Floor {
        ids: first
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<Result<_, _>>()?,
        total: first.first().map_or(Ok(0), |r| r.try_get("total"))?,
    };
    let app = Router::new()
        .route("/", get(list))
        .route("/vacancies", get(list))
        .route("/floor", get(floor_page))
        .with_state(Bare { pool, floor });
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind}"))?;
    println!("bare_list listening on http://{bind}");
    axum::serve(listener, app).await.context("server failed")?;
    Ok(())
}
