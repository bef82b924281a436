//! Postgres test databases, made ahead and dropped behind.
//!
//! On Postgres 15 a `CREATE DATABASE … TEMPLATE` costs a few hundred milliseconds (the
//! template's pages go through the WAL) and a `DROP DATABASE` more (it forces a checkpoint,
//! which syncs every file written since the last one). Done in line, the two were about half
//! of a short test's time. So one thread of the process owns them: it keeps a database or two
//! made ahead from the template, hands one to each test that asks, and drops each test's
//! database after the test has let it go, while the next tests run. When the process exits, an
//! `atexit` handler waits until every database it made is dropped, so a run leaves none
//! behind (CI checks).

use std::collections::VecDeque;
use std::sync::{Mutex, OnceLock};
use std::thread::JoinHandle;

use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinSet;

/// What the database thread is asked to do.
enum Job {
    /// Hand over a fresh migrated database (its name).
    Take(Reply),
    /// Drop a test's database.
    Drop(String),
    /// The process is exiting: drop what is left, make no more.
    Finish,
}

/// Where a database's name (or why none could be made) goes.
type Reply = oneshot::Sender<Result<String, String>>;

struct Factory {
    jobs: mpsc::UnboundedSender<Job>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

static FACTORY: OnceLock<Factory> = OnceLock::new();

/// The database thread for the server of `admin_url`, started on first use.
fn factory(admin_url: &str) -> &'static Factory {
    FACTORY.get_or_init(|| {
        let template = super::template::postgres(admin_url);
        let (jobs, queue) = mpsc::unbounded_channel();
        let admin_url = admin_url.to_owned();
        let thread = std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime for the test databases")
                .block_on(run(admin_url, template, queue));
        });
        // SAFETY: `finish` is a plain function with C linkage that touches only the static above.
        #[allow(unsafe_code)]
        let registered = unsafe { libc::atexit(finish) };
        assert_eq!(registered, 0, "register the test databases' clean-up");
        Factory {
            jobs,
            thread: Mutex::new(Some(thread)),
        }
    })
}

/// Runs at process exit: waits until the database thread has dropped every database.
extern "C" fn finish() {
    let Some(factory) = FACTORY.get() else { return };
    let _ = factory.jobs.send(Job::Finish);
    let thread = factory.thread.lock().ok().and_then(|mut t| t.take());
    if let Some(thread) = thread {
        let _ = thread.join();
    }
}

/// A fresh copy of the migrated template on the server of `admin_url`: its name.
pub async fn take(admin_url: &str) -> String {
    let (reply, answer) = oneshot::channel();
    factory(admin_url)
        .jobs
        .send(Job::Take(reply))
        .expect("the test databases' thread is running");
    answer
        .await
        .expect("the test databases' thread answers")
        .expect("create a test database")
}

/// Drops database `name` on the server of `admin_url`, after the caller has moved on. A
/// database made outside the thread (an empty one) is dropped by it too.
pub fn give_back(admin_url: &str, name: String) {
    let _ = factory(admin_url).jobs.send(Job::Drop(name));
}

/// How many databases to keep made ahead: one for each test that may run at once.
fn ahead() -> usize {
    std::env::var("RUST_TEST_THREADS")
        .ok()
        .and_then(|n| n.parse().ok())
        .or_else(|| std::thread::available_parallelism().map(|n| n.get()).ok())
        .unwrap_or(2)
        .clamp(1, 8)
}

/// The database thread's loop.
async fn run(admin_url: String, template: &'static str, mut queue: mpsc::UnboundedReceiver<Job>) {
    let admin = Database::connect(&admin_url)
        .await
        .expect("connect to TEST_DATABASE_URL");
    let mut ready: VecDeque<String> = VecDeque::new();
    let mut waiting: VecDeque<Reply> = VecDeque::new();
    let mut making: JoinSet<Result<String, String>> = JoinSet::new();
    let mut dropping: JoinSet<()> = JoinSet::new();
    // Set when a database could not be made: then every test that asks is told why.
    let mut broken: Option<String> = None;
    let mut finishing = false;
    loop {
        while !finishing && broken.is_none() && ready.len() + making.len() < ahead() + waiting.len()
        {
            making.spawn(create(admin.clone(), template));
        }
        if finishing {
            for name in ready.drain(..) {
                dropping.spawn(drop_database(admin.clone(), name));
            }
            if making.is_empty() && dropping.is_empty() {
                break;
            }
        }
        tokio::select! {
            Some(made) = making.join_next() => {
                match made.unwrap_or_else(|e| Err(e.to_string())) {
                    Ok(name) => hand_over(name, &mut waiting, &mut ready),
                    Err(e) => {
                        for reply in waiting.drain(..) {
                            let _ = reply.send(Err(e.clone()));
                        }
                        broken = Some(e);
                    }
                }
            }
            Some(_) = dropping.join_next() => {}
            job = queue.recv(), if !finishing => match job {
                Some(Job::Take(reply)) => match (&broken, ready.pop_front()) {
                    (Some(e), _) => { let _ = reply.send(Err(e.clone())); }
                    (None, Some(name)) => {
                        waiting.push_front(reply);
                        hand_over(name, &mut waiting, &mut ready);
                    }
                    (None, None) => waiting.push_back(reply),
                },
                Some(Job::Drop(name)) => {
                    dropping.spawn(drop_database(admin.clone(), name));
                }
                Some(Job::Finish) | None => finishing = true,
            },
        }
    }
    admin.close().await.ok();
}

/// Gives a made database to the first test still waiting, or keeps it ready.
fn hand_over(name: String, waiting: &mut VecDeque<Reply>, ready: &mut VecDeque<String>) {
    let mut name = name;
    while let Some(reply) = waiting.pop_front() {
        match reply.send(Ok(name)) {
            Ok(()) | Err(Err(_)) => return,
            // That test has gone (it panicked while waiting): offer it to the next.
            Err(Ok(back)) => name = back,
        }
    }
    ready.push_back(name);
}

/// Creates a copy of the template; a test's database outlives no crash, so its commits need
/// not wait for the disk.
async fn create(admin: DatabaseConnection, template: &str) -> Result<String, String> {
    let name = format!("spectra_test_{}", uuid::Uuid::new_v4().simple());
    admin
        .execute_unprepared(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
        .await
        .map_err(|e| e.to_string())?;
    admin
        .execute_unprepared(&format!(
            "ALTER DATABASE {name} SET synchronous_commit = off"
        ))
        .await
        .map_err(|e| e.to_string())?;
    Ok(name)
}

async fn drop_database(admin: DatabaseConnection, name: String) {
    if let Err(e) = admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        .await
    {
        eprintln!("test database {name} could not be dropped: {e}");
    }
}
