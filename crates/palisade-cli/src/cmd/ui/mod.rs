//! `palisade ui`: a local, read-only web page over the audit log (issue #8).

mod access;
mod request;
mod summary;

use access::{bearer, host_allowed, token_matches, SECURITY_HEADERS};
use anyhow::Context as _;
use palisade_audit::{parse_time, verify, Log, Query};
use request::Target;
use std::path::PathBuf;
use std::sync::Arc;

/// The page, its script and its style, built into the binary: no build
/// step and nothing fetched at run time.
const INDEX_HTML: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const STYLE_CSS: &str = include_str!("assets/style.css");

/// Decisions `/api/decisions` returns when the page asks for no `limit`,
/// and the most it returns.
const DEFAULT_LIMIT: usize = 200;
const MAX_LIMIT: usize = 5000;
/// Threads answering requests.
const WORKERS: usize = 4;

/// Serve a local web page over the audit log: whether the log verifies,
/// decisions over time, the top rules, denied actions and why, the agents'
/// sessions (those run with permission prompts off stand out), and a table
/// of decisions with filters (issue #8).
///
/// The page is served by this process on 127.0.0.1 only, on a random port
/// unless --port is given, and prints its URL. The URL carries a random
/// token that every request must present; requests whose Host header is
/// not 127.0.0.1:PORT or localhost:PORT are refused (DNS rebinding). The
/// page only reads the log. Stop it with Ctrl-C.
///
/// Examples:
///   palisade ui                          print the URL to open
///   palisade ui --open                   and open it in the desktop's browser (xdg-open)
///   palisade ui --port 8765              on a fixed port
///   palisade ui --json                   print {"url":…,"port":…,"token":…} for scripts
///   palisade ui --dir ./audit --key ./audit.key
///                                        a copy of another machine's log
///
/// Over SSH, forward the same port number (ssh -L 8765:127.0.0.1:8765 host,
/// then palisade ui --port 8765 there) and open the printed URL locally.
///
/// Exit codes: 2 if the port cannot be bound; otherwise it runs until
/// interrupted.
#[derive(clap::Args, Debug)]
#[command(verbatim_doc_comment)]
pub struct Args {
    /// The port on 127.0.0.1 (0: a free one chosen by the OS).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Open the page with xdg-open once serving.
    #[arg(long)]
    open: bool,
    /// Print the URL, port and token as one JSON line.
    #[arg(long)]
    json: bool,
    /// The log's directory (default: as for `palisade log`).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// The seal key's file (default: as for `palisade log`).
    #[arg(long, value_name = "FILE")]
    key: Option<PathBuf>,
}

/// What the workers share.
struct Site {
    log: Log,
    token: String,
    port: u16,
}

/// An answer before the security headers are added.
struct Reply {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
}

impl Reply {
    fn text(status: u16, body: &str) -> Reply {
        Reply {
            status,
            content_type: "text/plain; charset=utf-8",
            body: body.as_bytes().to_vec(),
        }
    }

    fn json(status: u16, value: &impl serde::Serialize) -> Reply {
        match serde_json::to_vec(value) {
            Ok(body) => Reply {
                status,
                content_type: "application/json",
                body,
            },
            Err(e) => Reply::text(500, &format!("serialising the answer: {e}")),
        }
    }

    fn error(status: u16, message: &str) -> Reply {
        Reply::json(status, &serde_json::json!({ "error": message }))
    }
}

/// Runs `palisade ui`.
pub fn run(a: Args) -> anyhow::Result<u8> {
    let log = crate::audit::reader_log(a.dir, a.key, None)?;
    let server = tiny_http::Server::http(("127.0.0.1", a.port))
        .map_err(|e| anyhow::anyhow!("{e}"))
        .with_context(|| format!("listening on 127.0.0.1:{}", a.port))?;
    let port = server
        .server_addr()
        .to_ip()
        .map(|s| s.port())
        .context("the server has no TCP address")?;
    let token = access::new_token()?;
    let url = format!("http://127.0.0.1:{port}/?token={token}");
    if a.json {
        out!(
            "{}",
            serde_json::json!({ "url": url, "port": port, "token": token })
        );
    } else {
        out!("{url}");
    }
    eprintln!(
        "palisade ui: serving the audit log in {} on 127.0.0.1:{port} (read-only); Ctrl-C to stop",
        log.dir().display()
    );
    if a.open {
        open(&url);
    }
    let server = Arc::new(server);
    let site = Arc::new(Site { log, token, port });
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let (server, site) = (Arc::clone(&server), Arc::clone(&site));
            std::thread::spawn(move || {
                while let Ok(req) = server.recv() {
                    let reply = answer(&site, &req);
                    respond(req, reply);
                }
            })
        })
        .collect();
    for w in workers {
        let _ = w.join();
    }
    Ok(crate::exit::OK)
}

/// Opens `url` with xdg-open, if there is one; says so on stderr if not.
fn open(url: &str) {
    let spawned = std::process::Command::new("xdg-open")
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if spawned.is_err() {
        eprintln!("palisade ui: could not run xdg-open; open the URL above in a browser");
    }
}

/// The value of header `name`, if present.
fn header<'a>(req: &'a tiny_http::Request, name: &'static str) -> Option<&'a str> {
    req.headers()
        .iter()
        .find(|h| h.field.equiv(name))
        .map(|h| h.value.as_str())
}

/// Checks a request and routes it. The order matters: the Host check comes
/// first so that a rebinding page learns nothing, then the token.
fn answer(site: &Site, req: &tiny_http::Request) -> Reply {
    use tiny_http::Method;
    if !host_allowed(header(req, "Host"), site.port) {
        return Reply::text(
            403,
            "forbidden: this page answers only to 127.0.0.1 or localhost",
        );
    }
    if !matches!(req.method(), Method::Get | Method::Head) {
        return Reply::text(405, "method not allowed: the dashboard only reads");
    }
    let target = Target::parse(req.url());
    let api = target.path.starts_with("/api/");
    // The page and its files take the token from the URL; API calls from
    // a header, so that it stays out of their URLs.
    let given = if api {
        bearer(
            header(req, "Authorization"),
            header(req, "X-Palisade-Token"),
        )
    } else {
        target.param("token")
    };
    if !given.is_some_and(|t| token_matches(t, &site.token)) {
        return Reply::text(
            401,
            "unauthorised: open the URL that `palisade ui` printed, with its token",
        );
    }
    match target.path.as_str() {
        "/" | "/index.html" => Reply {
            status: 200,
            content_type: "text/html; charset=utf-8",
            // The token is 64 hex digits: nothing to escape.
            body: INDEX_HTML.replace("{{TOKEN}}", &site.token).into_bytes(),
        },
        "/app.js" => Reply {
            status: 200,
            content_type: "text/javascript; charset=utf-8",
            body: APP_JS.as_bytes().to_vec(),
        },
        "/style.css" => Reply {
            status: 200,
            content_type: "text/css; charset=utf-8",
            body: STYLE_CSS.as_bytes().to_vec(),
        },
        "/api/summary" => api_summary(site),
        "/api/decisions" => api_decisions(site, &target),
        _ => Reply::text(404, "not found"),
    }
}

/// `/api/summary`: reads and verifies the log afresh.
fn api_summary(site: &Site) -> Reply {
    let records = match site.log.read(1) {
        Ok(r) => r,
        Err(e) => return Reply::error(500, &format!("reading the log: {e}")),
    };
    let report = match verify(&site.log) {
        Ok(r) => r,
        Err(e) => return Reply::error(500, &format!("verifying the log: {e}")),
    };
    let dir = site.log.dir().display().to_string();
    Reply::json(200, &summary::summarise(&dir, &records, &report))
}

/// `/api/decisions?verdict=&agent=&session=&rule=&path=&flag=&since=&until=&limit=`.
fn api_decisions(site: &Site, t: &Target) -> Reply {
    let now = jiff::Timestamp::now().as_millisecond();
    let time = |name| t.param(name).map(|s| parse_time(s, now)).transpose();
    let (since_ms, until_ms) = match (time("since"), time("until")) {
        (Ok(s), Ok(u)) => (s, u),
        (Err(e), _) | (_, Err(e)) => return Reply::error(400, &e.to_string()),
    };
    let limit = match t.param("limit").map(str::parse::<usize>).transpose() {
        Ok(l) => l.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT),
        Err(_) => return Reply::error(400, "limit is not a number"),
    };
    let own = |name| t.param(name).map(String::from);
    let q = Query {
        since_ms,
        until_ms,
        agent: own("agent"),
        session: own("session"),
        verdict: own("verdict"),
        rule: own("rule"),
        path: own("path"),
        flag: own("flag"),
    };
    match site.log.read(1) {
        Ok(records) => Reply::json(200, &summary::decisions(&records, &q, limit)),
        Err(e) => Reply::error(500, &format!("reading the log: {e}")),
    }
}

/// Sends `reply` with the security headers. Nothing is logged: request
/// URLs carry the token.
fn respond(req: tiny_http::Request, reply: Reply) {
    let mut headers = vec![header_of("Content-Type", reply.content_type)];
    headers.extend(SECURITY_HEADERS.iter().map(|(k, v)| header_of(k, v)));
    let response = tiny_http::Response::new(
        tiny_http::StatusCode(reply.status),
        headers.into_iter().flatten().collect(),
        reply.body.as_slice(),
        Some(reply.body.len()),
        None,
    );
    // An error here is a browser that went away: nothing to do.
    let _ = req.respond(response);
}

/// A header from constant ASCII text (`None` would mean a non-ASCII name
/// or value, which the constants above do not have).
fn header_of(name: &str, value: &str) -> Option<tiny_http::Header> {
    tiny_http::Header::from_bytes(name.as_bytes(), value.as_bytes()).ok()
}
