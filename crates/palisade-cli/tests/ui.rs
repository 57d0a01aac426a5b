//! `palisade ui` through the real binary (issue #8): decisions planted by
//! the real hook, read back over HTTP; the token, the Host check and the
//! security headers; the page never writes the log; and, in a real headless
//! Chromium driven over WebDriver, the page shows the decisions, its
//! filters work, and log text that looks like HTML stays text.
//!
//! The browser test needs `chromedriver` and Chromium (Debian: `apt-get
//! install chromium chromium-driver`; `scripts/test.sh` installs them when
//! root). It looks for `$PALISADE_CHROMEDRIVER`, then `chromedriver` on
//! PATH, and for `$PALISADE_CHROMIUM`, then `chromium` on PATH. Without
//! them it skips, saying so, unless `PALISADE_E2E_REQUIRED=1`.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

mod common;
use common::{env, spawn_bash_hook, Env};

/// What an attacker-influenced command could put in the log: if the page
/// ever treated log text as HTML, these would run or add an `<img>`.
const XSS: &str = r#"echo '<img src=x onerror="document.title=1;window.pwned=1">' '<script>window.pwned=2</script>'"#;

fn command(e: &Env, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_palisade"));
    cmd.args(args)
        .env_clear()
        .env("HOME", &e.home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .current_dir(&e.proj);
    cmd
}

/// Runs the real hook on a Bash command in `session`, with `mode`.
fn hook(e: &Env, session: &str, mode: &str, command_text: &str) {
    let out = spawn_bash_hook(e, session, mode, command_text)
        .wait_with_output()
        .expect("wait");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Three decisions: a deny and a pass in session `s1`, and the XSS payload
/// in session `s2`, run with permission prompts off.
fn plant(e: &Env) {
    hook(e, "s1", "default", "cat ~/.ssh/id_rsa");
    hook(e, "s1", "default", "cargo build");
    hook(e, "s2", "bypassPermissions", XSS);
}

fn audit_dir(e: &Env) -> PathBuf {
    e.home.join(".local/state/palisade/audit")
}

/// A running `palisade ui`, stopped on drop.
struct Ui {
    child: Child,
    port: u16,
    token: String,
    url: String,
    stderr: PathBuf,
}

impl Drop for Ui {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(e: &Env, extra: &[&str]) -> Ui {
    let stderr = e.home.join("ui.stderr");
    let mut args = vec!["ui", "--json"];
    args.extend_from_slice(extra);
    let mut child = command(e, &args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&stderr).expect("stderr file"))
        .spawn()
        .expect("spawn palisade ui");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("read the URL");
    let v: Value = serde_json::from_str(&line).unwrap_or_else(|_| panic!("not JSON: {line:?}"));
    let port = u16::try_from(v["port"].as_u64().expect("port")).expect("a port");
    let token = v["token"].as_str().expect("token").to_string();
    let url = v["url"].as_str().expect("url").to_string();
    Ui {
        child,
        port,
        token,
        url,
        stderr,
    }
}

/// An HTTP answer: status, headers (names lower-cased), body.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("not JSON: {}", self.body))
    }
}

/// Sends a raw request (so that the Host header is exactly as given, or
/// absent) and reads the whole answer.
fn request(
    port: u16,
    method: &str,
    path: &str,
    host: Option<&str>,
    headers: &[(&str, &str)],
) -> Answer {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let mut req = format!("{method} {path} HTTP/1.1\r\nConnection: close\r\n");
    if let Some(h) = host {
        req.push_str(&format!("Host: {h}\r\n"));
    }
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).expect("send");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).expect("read");
    let raw = String::from_utf8(raw).expect("UTF-8 answer");
    let (head, body) = raw.split_once("\r\n\r\n").expect("a head");
    let mut lines = head.lines();
    let status = lines.next().expect("status line")[9..12]
        .parse()
        .expect("status");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_string(),
    }
}

impl Ui {
    fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    /// GET `path` as the page's script does: right Host, Bearer token.
    fn api(&self, path: &str) -> Answer {
        let bearer = format!("Bearer {}", self.token);
        request(
            self.port,
            "GET",
            path,
            Some(&self.host()),
            &[("Authorization", &bearer)],
        )
    }
}

fn assert_security_headers(a: &Answer) {
    let csp = a.header("content-security-policy").expect("a CSP");
    for part in [
        "default-src 'none'",
        "script-src 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(part), "{csp}");
    }
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("http"),
        "{csp}"
    );
    assert_eq!(a.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(a.header("referrer-policy"), Some("no-referrer"));
    assert_eq!(a.header("cache-control"), Some("no-store"));
    assert_eq!(a.header("access-control-allow-origin"), None);
}

#[test]
fn every_request_needs_the_token_and_a_local_host() {
    let e = env();
    plant(&e);
    let ui = start(&e, &[]);
    let (port, host, token) = (ui.port, ui.host(), ui.token.clone());
    assert!(ui
        .url
        .starts_with(&format!("http://127.0.0.1:{port}/?token=")));
    assert_eq!(token.len(), 64);

    let page = request(port, "GET", &format!("/?token={token}"), Some(&host), &[]);
    assert_eq!(page.status, 200, "{}", page.body);
    assert_security_headers(&page);
    assert!(page.body.contains(&format!("/app.js?token={token}")));
    assert!(!page.body.contains("<script>"), "no inline script");
    for path in ["/app.js", "/style.css"] {
        let a = request(
            port,
            "GET",
            &format!("{path}?token={token}"),
            Some(&host),
            &[],
        );
        assert_eq!(a.status, 200, "{path}");
    }
    let local = request(
        port,
        "GET",
        &format!("/?token={token}"),
        Some(&format!("localhost:{port}")),
        &[],
    );
    assert_eq!(local.status, 200);

    // No token, a wrong one, or the page's query token on an API call.
    let wrong = "0".repeat(64);
    for (path, headers) in [
        ("/".to_string(), vec![]),
        (format!("/?token={wrong}"), vec![]),
        (format!("/app.js?token={}", &token[..63]), vec![]),
        ("/api/summary".to_string(), vec![]),
        (format!("/api/summary?token={token}"), vec![]),
        (
            "/api/decisions".to_string(),
            vec![("Authorization", format!("Bearer {wrong}"))],
        ),
        (
            "/api/decisions".to_string(),
            vec![("Authorization", token.clone())],
        ),
    ] {
        let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let a = request(port, "GET", &path, Some(&host), &h);
        assert_eq!(a.status, 401, "{path} {headers:?}");
        assert_security_headers(&a);
        assert!(!a.body.contains(&token));
    }
    assert_eq!(ui.api("/api/summary").status, 200);
    let x = request(
        port,
        "GET",
        "/api/summary",
        Some(&host),
        &[("X-Palisade-Token", &token)],
    );
    assert_eq!(x.status, 200);

    // DNS rebinding: a page on another name that resolves to 127.0.0.1.
    let bearer = format!("Bearer {token}");
    for bad in [
        Some(format!("evil.test:{port}")),
        Some(format!("127.0.0.1:{}", port.wrapping_add(1))),
        Some("127.0.0.1".to_string()),
        None,
    ] {
        let a = request(
            port,
            "GET",
            "/api/summary",
            bad.as_deref(),
            &[("Authorization", &bearer)],
        );
        assert_eq!(a.status, 403, "{bad:?}");
        assert_security_headers(&a);
    }
    let post = request(
        port,
        "POST",
        "/api/summary",
        Some(&host),
        &[("Authorization", &bearer)],
    );
    assert_eq!(post.status, 405);
    let nowhere = request(
        port,
        "GET",
        &format!("/nowhere?token={token}"),
        Some(&host),
        &[],
    );
    assert_eq!(nowhere.status, 404);

    // The token is printed once, on stdout; never on stderr.
    let err = std::fs::read_to_string(&ui.stderr).unwrap();
    assert!(err.contains("127.0.0.1"), "{err}");
    assert!(!err.contains(&token), "{err}");
}

#[test]
fn the_api_answers_from_the_log_and_never_writes_it() {
    let e = env();
    plant(&e);
    let snapshot = |dir: &Path| -> Vec<(PathBuf, Vec<u8>)> {
        let mut v: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|f| f.unwrap().path())
            .map(|p| (p.clone(), std::fs::read(&p).unwrap()))
            .collect();
        v.sort();
        v
    };
    let before = snapshot(&audit_dir(&e));
    let ui = start(&e, &[]);

    let s = ui.api("/api/summary");
    assert_eq!(s.status, 200, "{}", s.body);
    assert_eq!(s.header("content-type"), Some("application/json"));
    let s = s.json();
    assert_eq!(s["log"]["ok"], true, "{s}");
    assert_eq!(s["log"]["records"], 3);
    assert_eq!(s["total"], 3);
    assert_eq!(s["verdicts"], json!({"deny": 1, "pass": 2}));
    assert_eq!(s["top_rules"][0]["rule"], "cred.ssh-private-key");
    assert_eq!(s["denied"].as_array().unwrap().len(), 1);
    let denied = &s["denied"][0];
    assert_eq!(denied["action"], "Bash: cat ~/.ssh/id_rsa");
    assert_eq!(denied["layer"], "built-in");
    assert!(
        denied["source"].as_str().unwrap().contains(".toml:"),
        "{denied}"
    );
    assert!(!denied["reason"].as_str().unwrap().is_empty());
    let sessions: Vec<(&str, u64, bool)> = s["sessions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["session"].as_str().unwrap(),
                x["total"].as_u64().unwrap(),
                x["bypass"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(sessions, vec![("s2", 1, true), ("s1", 2, false)]);
    let bars: u64 = s["timeline"]["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|b| b["counts"].as_object().unwrap().values())
        .map(|n| n.as_u64().unwrap())
        .sum();
    assert_eq!(bars, 3);

    let d = ui.api("/api/decisions?verdict=deny").json();
    assert_eq!(d["matched"], 1);
    assert_eq!(d["decisions"][0]["action"], "Bash: cat ~/.ssh/id_rsa");
    assert_eq!(d["decisions"][0]["rule"], "cred.ssh-private-key");
    let actions = |q: &str| -> Vec<String> {
        let d = ui.api(&format!("/api/decisions{q}")).json();
        d["decisions"]
            .as_array()
            .unwrap_or_else(|| panic!("{q}: {d}"))
            .iter()
            .map(|r| r["action"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(actions("?path=cargo"), vec!["Bash: cargo build"]);
    assert_eq!(actions("?session=s2"), vec![format!("Bash: {XSS}")]);
    assert_eq!(
        actions("?flag=bypass-permissions"),
        vec![format!("Bash: {XSS}")]
    );
    assert_eq!(actions("?rule=cred.ssh-private-key&since=1h").len(), 1);
    assert_eq!(actions("?until=2000-01-01"), Vec::<String>::new());
    assert_eq!(actions("?path=%2Fid_rsa").len(), 1, "percent-decoded");
    let limited = ui.api("/api/decisions?limit=1").json();
    assert_eq!(
        (
            limited["matched"].as_u64(),
            limited["decisions"][0]["seq"].as_u64()
        ),
        (Some(3), Some(3))
    );
    let bad = ui.api("/api/decisions?since=yesterday");
    assert_eq!(bad.status, 400);
    assert!(bad.json()["error"].as_str().unwrap().contains("yesterday"));

    assert_eq!(before, snapshot(&audit_dir(&e)), "the UI changed the log");
}

#[test]
fn a_tampered_log_shows_where() {
    let e = env();
    plant(&e);
    let seg = audit_dir(&e).join("segment-000001.jsonl");
    let text = std::fs::read_to_string(&seg).unwrap();
    std::fs::write(&seg, text.replacen("\"deny\"", "\"allow\"", 1)).unwrap();
    let ui = start(&e, &[]);
    let s = ui.api("/api/summary").json();
    assert_eq!(s["log"]["ok"], false, "{s}");
    assert_eq!(s["log"]["problem"]["code"], "hash-mismatch");
    assert!(
        s["log"]["problem"]["at"]
            .as_str()
            .unwrap()
            .contains("segment-000001.jsonl:1"),
        "{s}"
    );
}

#[test]
fn a_chosen_port_and_the_plain_url() {
    let e = env();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = command(&e, &["ui", "--port", &port.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let token = line
        .trim()
        .strip_prefix(&format!("http://127.0.0.1:{port}/?token="))
        .unwrap_or_else(|| panic!("{line:?}"))
        .to_string();
    assert!(
        token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit()),
        "{token}"
    );
    // An empty log is not an error.
    let a = request(
        port,
        "GET",
        "/api/summary",
        Some(&format!("localhost:{port}")),
        &[("X-Palisade-Token", &token)],
    );
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.json()["total"], 0);
}

// ---------------------------------------------------------------------------
// The page in a real browser.

fn required() -> bool {
    std::env::var("PALISADE_E2E_REQUIRED").is_ok_and(|v| v == "1")
}

/// `$var` if set, else the first of `names` found on PATH.
fn tool(var: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(var) {
        return Some(PathBuf::from(p)).filter(|p| p.is_file());
    }
    let path = std::env::var_os("PATH")?;
    names
        .iter()
        .flat_map(|n| std::env::split_paths(&path).map(move |d| d.join(n)))
        .find(|p| p.is_file())
}

/// A chromedriver process and one browser session, ended on drop.
struct Browser {
    driver: Child,
    base: String,
    session: String,
    http: ureq::Agent,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self
            .http
            .delete(&format!("{}/session/{}", self.base, self.session))
            .call();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// A W3C WebDriver call; returns the answer's `value`.
fn webdriver(http: &ureq::Agent, method: &str, url: &str, body: Option<Value>) -> Value {
    let resp = match (method, body) {
        ("GET", _) => http.get(url).call(),
        (_, body) => http
            .post(url)
            .header("Content-Type", "application/json")
            .send(body.unwrap_or(json!({})).to_string()),
    };
    let mut resp = resp.unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let status = resp.status().as_u16();
    let text = resp
        .body_mut()
        .read_to_string()
        .expect("a WebDriver answer");
    let v: Value = serde_json::from_str(&text).unwrap_or_else(|_| panic!("{url}: {text}"));
    assert_eq!(status, 200, "{method} {url}: {v}");
    v["value"].clone()
}

impl Browser {
    /// Starts chromedriver and a headless Chromium; `None` (after saying
    /// why) when either is missing and the test may be skipped.
    fn start() -> Option<Browser> {
        let driver = tool("PALISADE_CHROMEDRIVER", &["chromedriver"]);
        let chromium = tool(
            "PALISADE_CHROMIUM",
            &["chromium", "chromium-browser", "google-chrome"],
        );
        let (driver, chromium) = match (driver, chromium) {
            (Some(d), Some(c)) => (d, c),
            _ => {
                let why = "chromedriver or Chromium not found (apt-get install chromium chromium-driver, \
                           or set PALISADE_CHROMEDRIVER and PALISADE_CHROMIUM)";
                assert!(!required(), "PALISADE_E2E_REQUIRED=1 but {why}");
                println!("skipping the browser test: {why}");
                return None;
            }
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let driver = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn chromedriver");
        let http: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let base = format!("http://127.0.0.1:{port}");
        let mut browser = Browser {
            driver,
            base,
            session: String::new(),
            http,
        };
        let t = Instant::now();
        while !browser
            .http
            .get(&format!("{}/status", browser.base))
            .call()
            .is_ok_and(|r| r.status() == 200)
        {
            assert!(
                t.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--window-size=1280,1000"]
            }
        }}});
        let v = webdriver(
            &browser.http,
            "POST",
            &format!("{}/session", browser.base),
            Some(caps),
        );
        browser.session = v["sessionId"].as_str().expect("a session id").to_string();
        Some(browser)
    }

    fn url(&self, tail: &str) -> String {
        format!("{}/session/{}/{tail}", self.base, self.session)
    }

    fn go(&self, url: &str) {
        webdriver(
            &self.http,
            "POST",
            &self.url("url"),
            Some(json!({ "url": url })),
        );
    }

    /// Runs `script` (a function body) in the page and returns its value.
    fn js(&self, script: &str) -> Value {
        webdriver(
            &self.http,
            "POST",
            &self.url("execute/sync"),
            Some(json!({ "script": script, "args": [] })),
        )
    }

    /// Waits until `script` returns true.
    fn wait_for(&self, script: &str) {
        let t = Instant::now();
        while self.js(script) != json!(true) {
            assert!(
                t.elapsed() < Duration::from_secs(20),
                "timed out waiting for: {script}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn find(&self, css: &str) -> String {
        let v = webdriver(
            &self.http,
            "POST",
            &self.url("element"),
            Some(json!({ "using": "css selector", "value": css })),
        );
        v.as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element {css}: {v}"))
            .to_string()
    }

    fn click(&self, css: &str) {
        let id = self.find(css);
        webdriver(
            &self.http,
            "POST",
            &self.url(&format!("element/{id}/click")),
            None,
        );
    }

    fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css);
        webdriver(
            &self.http,
            "POST",
            &self.url(&format!("element/{id}/value")),
            Some(json!({ "text": text })),
        );
    }

    /// Does `act`, then waits for the decisions table to reload, and
    /// returns its rows as (verdict, action).
    fn reload_rows(&self, act: impl FnOnce()) -> Vec<(String, String)> {
        self.js("document.body.dataset.decisions = 'stale'; return true;");
        act();
        self.wait_for("return document.body.dataset.decisions === 'ready';");
        self.rows()
    }

    fn rows(&self) -> Vec<(String, String)> {
        let v = self.js(
            "return Array.from(document.querySelectorAll('#decisions tbody tr[data-seq]'))
                .map(tr => [tr.dataset.verdict, tr.querySelector('td.action').textContent]);",
        );
        serde_json::from_value(v).expect("rows")
    }
}

#[test]
fn the_page_in_a_real_browser_shows_decisions_filters_and_keeps_log_text_inert() {
    let Some(b) = Browser::start() else { return };
    let e = env();
    plant(&e);
    let ui = start(&e, &[]);
    b.go(&ui.url);
    b.wait_for(
        "return document.body.dataset.summary === 'ready' && document.body.dataset.decisions === 'ready';",
    );

    assert_eq!(
        b.js("return document.getElementById('status').textContent;"),
        "ok"
    );
    assert_eq!(
        b.js("return document.getElementById('error').hidden;"),
        true
    );
    let rows = b.rows();
    let xss = format!("Bash: {XSS}");
    assert_eq!(
        rows,
        vec![
            ("pass".to_string(), xss.clone()),
            ("pass".to_string(), "Bash: cargo build".to_string()),
            ("deny".to_string(), "Bash: cat ~/.ssh/id_rsa".to_string()),
        ]
    );
    // The denied action is listed with its rule and reason.
    let denied = b.js("return document.querySelector('#denied tbody tr').textContent;");
    let denied = denied.as_str().unwrap();
    assert!(
        denied.contains("cred.ssh-private-key") && denied.contains("SSH private key"),
        "{denied}"
    );
    // The session run with prompts off stands out.
    assert_eq!(
        b.js("return document.querySelector('#sessions tr[data-session=\"s2\"]').className;"),
        "bypass"
    );
    // The chart has bars.
    assert_eq!(
        b.js("return document.querySelectorAll('#chart rect.bar').length > 0;"),
        true
    );

    // The payload is shown as text and did nothing.
    assert_eq!(
        b.js(
            "return [document.title, typeof window.pwned, document.querySelectorAll('img').length,
                      document.querySelectorAll('script').length];"
        ),
        json!(["Palisade: decisions", "undefined", 0, 1])
    );

    // Filters: verdict, then free text, then a session picked in the table.
    let deny = b.reload_rows(|| b.click("#f-verdict option[value='deny']"));
    assert_eq!(
        deny,
        vec![("deny".to_string(), "Bash: cat ~/.ssh/id_rsa".to_string())]
    );
    assert_eq!(
        b.js("return document.getElementById('decisions-count').textContent;"),
        "1 matching decisions"
    );
    assert_eq!(b.reload_rows(|| b.click("#f-clear")).len(), 3);
    let text = b.reload_rows(|| {
        b.type_into("#f-path", "cargo");
        b.click("#f-apply");
    });
    assert_eq!(
        text,
        vec![("pass".to_string(), "Bash: cargo build".to_string())]
    );
    b.reload_rows(|| b.click("#f-clear"));
    let session = b.reload_rows(|| b.click("#sessions tr[data-session='s2'] button"));
    assert_eq!(session, vec![("pass".to_string(), xss)]);
    // A filter the server refuses says why.
    b.reload_rows(|| {
        b.click("#f-clear");
    });
    b.reload_rows(|| {
        b.type_into("#f-since", "yesterday");
        b.click("#f-apply");
    });
    let err = b.js("return document.getElementById('decisions-error').textContent;");
    assert!(err.as_str().unwrap().contains("yesterday"), "{err}");
    assert_eq!(b.js("return typeof window.pwned;"), "undefined");
}
