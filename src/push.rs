//! Push stage: copies a store's named graphs to any SPARQL 1.1 store over HTTP.
//!
//! Each graph goes out with the Graph Store HTTP Protocol: a `PUT` that replaces the graph on
//! the server, so sending it again (a retry, a second push) leaves the same state. A graph
//! larger than one request's worth of triples goes as a `PUT` of the first part and `POST`s of
//! the rest; a failure part-way restarts that graph from its `PUT`. Several graphs are in flight
//! at once. Afterwards one query per batch of graphs counts the triples the server holds in each,
//! and any difference from the store is an error.
//!
//! Authentication: HTTP Basic, or Digest (MD5, `qop=auth`) when the server asks for it, as
//! Virtuoso's `/sparql-graph-crud-auth` does.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use md5::{Digest as _, Md5};
use oxigraph::io::{RdfFormat, RdfSerializer};
use oxigraph::model::{GraphNameRef, NamedOrBlankNode};

use crate::store::Store;
use crate::{Error, Result};

/// Where and how to push.
#[derive(Debug, Clone)]
pub struct PushOptions {
    /// The SPARQL query endpoint, used to verify the counts afterwards.
    pub endpoint: String,
    /// The Graph Store Protocol endpoint; `None` means the query endpoint serves both.
    pub graph_store: Option<String>,
    /// User and password, for Basic or Digest authentication.
    pub credentials: Option<(String, String)>,
    /// Graphs sent at the same time.
    pub jobs: usize,
    /// Most triples in one request; a larger graph is sent in several.
    pub batch_triples: usize,
    /// How many times a failed request is tried again (connection errors, 5xx, 408, 429).
    pub retries: u32,
    /// Longest time one request may take.
    pub timeout: Duration,
}

impl PushOptions {
    /// Options for `endpoint` with the defaults: 4 jobs, 50,000 triples a request, 3 retries,
    /// 120 s a request.
    pub fn new(endpoint: &str) -> Self {
        Self {
            endpoint: endpoint.to_owned(),
            graph_store: None,
            credentials: None,
            jobs: 4,
            batch_triples: 50_000,
            retries: 3,
            timeout: Duration::from_secs(120),
        }
    }
}

/// What a push did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushReport {
    /// Named graphs sent.
    pub graphs: usize,
    /// Triples sent.
    pub triples: usize,
    /// HTTP requests that succeeded (graph writes and verification queries).
    pub requests: usize,
    /// Requests that failed and were tried again.
    pub retried: usize,
}

/// Sends every named graph of `store` (ontology, documents, derived) to the server, then checks
/// that the server holds as many triples in each as the store. `on_graph` is called after each
/// graph is sent, with its triple count.
pub fn push(store: &Store, options: &PushOptions, on_graph: impl Fn(usize) + Sync) -> Result<PushReport> {
    let mut graphs: Vec<NamedOrBlankNode> = store.oxigraph().named_graphs().collect::<Result<_, _>>()?;
    graphs.sort_by_cached_key(|g| g.to_string());
    let graphs: Vec<String> = graphs
        .into_iter()
        .map(|g| match g {
            NamedOrBlankNode::NamedNode(n) => Ok(n.into_string()),
            NamedOrBlankNode::BlankNode(b) => Err(Error::Push {
                url: options.endpoint.clone(),
                reason: format!("graph _:{} has no IRI, so no server can name it", b.as_str()),
            }),
        })
        .collect::<Result<_>>()?;
    let client = Client::new(options);
    let next = AtomicUsize::new(0);
    let sent = Mutex::new(vec![0usize; graphs.len()]);
    let first_error: Mutex<Option<Error>> = Mutex::new(None);
    std::thread::scope(|scope| {
        for _ in 0..options.jobs.clamp(1, graphs.len().max(1)) {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    if index >= graphs.len() || first_error.lock().expect("not poisoned").is_some() {
                        return;
                    }
                    match send_graph(store, &client, &graphs[index], options) {
                        Ok(count) => {
                            sent.lock().expect("not poisoned")[index] = count;
                            on_graph(count);
                        }
                        Err(error) => {
                            first_error.lock().expect("not poisoned").get_or_insert(error);
                            return;
                        }
                    }
                }
            });
        }
    });
    if let Some(error) = first_error.into_inner().expect("not poisoned") {
        return Err(error);
    }
    let sent = sent.into_inner().expect("not poisoned");
    verify(&client, &graphs, &sent)?;
    Ok(PushReport {
        graphs: graphs.len(),
        triples: sent.iter().sum(),
        requests: client.requests.load(Ordering::Relaxed),
        retried: client.retried.load(Ordering::Relaxed),
    })
}

/// Sends one graph, in as many requests as its size needs, and returns its triple count. Each
/// part is serialized from the store as it goes out, so memory holds one part, whatever the
/// graph's size; a retry reads the graph again from its start.
fn send_graph(store: &Store, client: &Client, graph: &str, options: &PushOptions) -> Result<usize> {
    let name = oxigraph::model::NamedNodeRef::new_unchecked(graph);
    let url = graph_url(client.graph_store(), graph);
    let serializer = || RdfSerializer::from_format(RdfFormat::NTriples).for_writer(Vec::new());
    // what fails in the store is no failure of the server's: it ends the retries and is returned
    let mut store_error = None;
    let sent = client.with_retries(&url, || {
        let (mut part, mut in_part, mut count, mut requests) = (serializer(), 0, 0, 0);
        let mut send = |body: std::io::Result<Vec<u8>>| {
            let body = body.map_err(|e| Failure {
                reason: format!("cannot serialize: {e}"),
                transient: false,
            })?;
            // the first request replaces the graph on the server, the next ones add to it
            let method = if requests == 0 { "PUT" } else { "POST" };
            requests += 1;
            client.send_once(method, &url, "application/n-triples", &body)
        };
        for quad in store
            .oxigraph()
            .quads_for_pattern(None, None, None, Some(GraphNameRef::NamedNode(name)))
        {
            let written = quad
                .map_err(Error::from)
                .and_then(|quad| Ok(part.serialize_triple(quad.as_ref())?));
            if let Err(error) = written {
                store_error = Some(error);
                return Err(Failure {
                    reason: "the store failed".into(),
                    transient: false,
                });
            }
            in_part += 1;
            count += 1;
            if in_part == options.batch_triples {
                send(std::mem::replace(&mut part, serializer()).finish())?;
                in_part = 0;
            }
        }
        if in_part > 0 || count == 0 {
            send(part.finish())?;
        }
        Ok(count)
    });
    match store_error {
        Some(error) => Err(error),
        None => sent,
    }
}

/// How many graphs one verification query asks about.
const VERIFY_BATCH: usize = 200;

/// Compares the server's triple count of each graph with what was sent.
fn verify(client: &Client, graphs: &[String], sent: &[usize]) -> Result<()> {
    let mut wrong = Vec::new();
    for (names, counts) in graphs.chunks(VERIFY_BATCH).zip(sent.chunks(VERIFY_BATCH)) {
        let values: String = names.iter().map(|g| format!("<{g}> ")).collect();
        let query = format!(
            "SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values}}} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g"
        );
        let body = client.with_retries(&client.endpoint, || client.query(&query))?;
        let held = parse_counts(&body).map_err(|reason| Error::Push {
            url: client.endpoint.clone(),
            reason: format!("the count query's answer is not SPARQL JSON results: {reason}"),
        })?;
        for (name, &count) in names.iter().zip(counts) {
            let on_server = held.iter().find(|(g, _)| g == name).map_or(0, |(_, n)| *n);
            if on_server != count {
                wrong.push(format!("<{name}>: sent {count} triples, the server holds {on_server}"));
            }
        }
    }
    if wrong.is_empty() {
        return Ok(());
    }
    let shown: Vec<&str> = wrong.iter().take(5).map(String::as_str).collect();
    Err(Error::Push {
        url: client.endpoint.clone(),
        reason: format!(
            "{} graph(s) differ after the push: {}{}",
            wrong.len(),
            shown.join("; "),
            if wrong.len() > shown.len() { "; …" } else { "" }
        ),
    })
}

/// Reads `?g ?n` rows from SPARQL 1.1 JSON results.
fn parse_counts(body: &str) -> std::result::Result<Vec<(String, usize)>, String> {
    let json: serde_json::Value = serde_json::from_str(body).map_err(|e| e.to_string())?;
    let bindings = json["results"]["bindings"]
        .as_array()
        .ok_or("no results.bindings array")?;
    bindings
        .iter()
        .map(|row| {
            let graph = row["g"]["value"].as_str().ok_or("a row without ?g")?;
            let count = row["n"]["value"]
                .as_str()
                .and_then(|n| n.parse().ok())
                .ok_or("a row without a numeric ?n")?;
            Ok((graph.to_owned(), count))
        })
        .collect()
}

/// The Graph Store Protocol address of `graph` (indirect identification: `?graph=`).
fn graph_url(graph_store: &str, graph: &str) -> String {
    let separator = if graph_store.contains('?') { '&' } else { '?' };
    format!("{graph_store}{separator}graph={}", percent_encode(graph))
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3 / 2);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Why one request failed, and whether trying again may help.
struct Failure {
    reason: String,
    transient: bool,
}

/// An HTTP client with authentication and retries, shared by the sending threads.
struct Client {
    agent: ureq::Agent,
    endpoint: String,
    graph_store: Option<String>,
    credentials: Option<(String, String)>,
    retries: u32,
    /// How each thread authenticates, learned before its first request: one Digest nonce per
    /// thread, because a server may refuse a nonce count that arrives out of order.
    schemes: Mutex<HashMap<ThreadId, Scheme>>,
    requests: AtomicUsize,
    retried: AtomicUsize,
}

impl Client {
    fn new(options: &PushOptions) -> Self {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(options.timeout))
            .build()
            .into();
        Self {
            agent,
            endpoint: options.endpoint.clone(),
            graph_store: options.graph_store.clone(),
            credentials: options.credentials.clone(),
            retries: options.retries,
            schemes: Mutex::new(HashMap::new()),
            requests: AtomicUsize::new(0),
            retried: AtomicUsize::new(0),
        }
    }

    fn graph_store(&self) -> &str {
        self.graph_store.as_deref().unwrap_or(&self.endpoint)
    }

    /// Runs `attempt` until it succeeds, fails for good, or the retries are spent; waits
    /// 0.25 s, 0.5 s, 1 s, … between tries.
    fn with_retries<T>(&self, url: &str, mut attempt: impl FnMut() -> Result<T, Failure>) -> Result<T> {
        let mut tries = 0;
        loop {
            match attempt() {
                Ok(value) => return Ok(value),
                Err(failure) if failure.transient && tries < self.retries => {
                    std::thread::sleep(Duration::from_millis(250 << tries.min(6)));
                    tries += 1;
                    self.retried.fetch_add(1, Ordering::Relaxed);
                }
                Err(failure) => {
                    let after = if tries > 0 {
                        format!(" (after {} tries)", tries + 1)
                    } else {
                        String::new()
                    };
                    return Err(Error::Push {
                        url: url.to_owned(),
                        reason: format!("{}{after}", failure.reason),
                    });
                }
            }
        }
    }

    /// Sends a SPARQL query (as a form POST) and returns the JSON results.
    fn query(&self, query: &str) -> Result<String, Failure> {
        let form = format!("query={}", percent_encode(query));
        self.request(
            "POST",
            &self.endpoint,
            "application/x-www-form-urlencoded",
            form.as_bytes(),
            true,
        )
    }

    /// One graph write; the response body is not needed.
    fn send_once(&self, method: &str, url: &str, content_type: &str, body: &[u8]) -> Result<(), Failure> {
        self.request(method, url, content_type, body, false).map(|_| ())
    }

    /// One request, answering a fresh Digest challenge once if the server sends one (an expired
    /// nonce).
    fn request(
        &self,
        method: &str,
        url: &str,
        content_type: &str,
        body: &[u8],
        results: bool,
    ) -> Result<String, Failure> {
        self.learn_scheme(url);
        let mut challenged = false;
        loop {
            let mut request = ureq::http::Request::builder()
                .method(method)
                .uri(url)
                .header("Content-Type", content_type);
            if results {
                request = request.header("Accept", "application/sparql-results+json");
            }
            if let Some(authorization) = self.authorization(method, url) {
                request = request.header("Authorization", authorization);
            }
            let request = request.body(body).map_err(|e| Failure {
                reason: format!("not a valid request: {e}"),
                transient: false,
            })?;
            let mut response = match self.agent.run(request) {
                Ok(response) => response,
                Err(error) => {
                    return Err(Failure {
                        transient: !matches!(error, ureq::Error::BadUri(_) | ureq::Error::Protocol(_)),
                        reason: error.to_string(),
                    });
                }
            };
            let status = response.status().as_u16();
            if status == 401
                && !challenged
                && self.credentials.is_some()
                && let Some(challenge) = digest_challenge(&response)
            {
                self.set_scheme(Scheme::Digest(challenge));
                challenged = true;
                continue;
            }
            let text = response.body_mut().read_to_string().unwrap_or_default();
            if (200..300).contains(&status) {
                self.requests.fetch_add(1, Ordering::Relaxed);
                return Ok(text);
            }
            return Err(Failure {
                reason: format!("{method} answered HTTP {status}: {}", summarize(&text)),
                transient: status >= 500 || status == 408 || status == 429,
            });
        }
    }

    /// Before this thread's first request with credentials, asks `url` without them and with
    /// no body: a Digest challenge means Digest, anything else Basic. Learning it from a body
    /// request would not do: a server that refuses Basic may answer and close the connection
    /// before reading the body (Virtuoso does), and the client then sees only a broken pipe.
    fn learn_scheme(&self, url: &str) {
        let thread = std::thread::current().id();
        if self.credentials.is_none() || self.schemes.lock().expect("not poisoned").contains_key(&thread) {
            return;
        }
        let scheme = match self.agent.get(url).call() {
            Ok(response) if response.status().as_u16() == 401 => {
                digest_challenge(&response).map_or(Scheme::Basic, Scheme::Digest)
            }
            _ => Scheme::Basic,
        };
        self.set_scheme(scheme);
    }

    fn set_scheme(&self, scheme: Scheme) {
        self.schemes
            .lock()
            .expect("not poisoned")
            .insert(std::thread::current().id(), scheme);
    }

    /// The Authorization header of this thread's scheme.
    fn authorization(&self, method: &str, url: &str) -> Option<String> {
        let (user, password) = self.credentials.as_ref()?;
        let mut schemes = self.schemes.lock().expect("not poisoned");
        Some(match schemes.get_mut(&std::thread::current().id()) {
            Some(Scheme::Digest(challenge)) => challenge.answer(user, password, method, request_target(url)),
            _ => format!("Basic {}", base64(format!("{user}:{password}").as_bytes())),
        })
    }
}

/// How a thread authenticates.
enum Scheme {
    Basic,
    Digest(DigestChallenge),
}

/// The Digest challenge of a 401 answer, if it has one.
fn digest_challenge(response: &ureq::http::Response<ureq::Body>) -> Option<DigestChallenge> {
    response
        .headers()
        .get_all("www-authenticate")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(DigestChallenge::parse)
}

/// The first 300 characters of an error page, with HTML tags and runs of blanks removed.
fn summarize(body: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    let text = words.join(" ");
    match text.char_indices().nth(300) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None if text.is_empty() => "(empty answer)".into(),
        None => text,
    }
}

/// The path and query of a URL: what Digest signs.
fn request_target(url: &str) -> &str {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    url[after_scheme..].find('/').map_or("/", |i| &url[after_scheme + i..])
}

/// A Digest challenge (RFC 7616, MD5 with `qop=auth`, or RFC 2069 without qop).
#[derive(Debug, Clone)]
struct DigestChallenge {
    realm: String,
    nonce: String,
    opaque: Option<String>,
    qop_auth: bool,
    count: u32,
}

impl DigestChallenge {
    /// Reads a `WWW-Authenticate: Digest …` value; `None` for other schemes.
    fn parse(header: &str) -> Option<Self> {
        let rest = header.trim().strip_prefix("Digest")?;
        let mut fields = HashMap::new();
        let mut rest = rest.trim_start();
        while !rest.is_empty() {
            let eq = rest.find('=')?;
            let key = rest[..eq].trim().to_ascii_lowercase();
            rest = &rest[eq + 1..];
            let value;
            if let Some(quoted) = rest.strip_prefix('"') {
                let end = quoted.find('"')?;
                value = quoted[..end].to_owned();
                rest = &quoted[end + 1..];
            } else {
                let end = rest.find(',').unwrap_or(rest.len());
                value = rest[..end].trim().to_owned();
                rest = &rest[end..];
            }
            fields.insert(key, value);
            rest = rest.trim_start().trim_start_matches(',').trim_start();
        }
        if fields.get("algorithm").is_some_and(|a| !a.eq_ignore_ascii_case("MD5")) {
            return None;
        }
        Some(Self {
            realm: fields.remove("realm")?,
            nonce: fields.remove("nonce")?,
            opaque: fields.remove("opaque"),
            qop_auth: fields
                .get("qop")
                .is_some_and(|q| q.split(',').any(|q| q.trim() == "auth")),
            count: 0,
        })
    }

    /// The Authorization header for one request.
    fn answer(&mut self, user: &str, password: &str, method: &str, uri: &str) -> String {
        self.count += 1;
        let ha1 = md5_hex(&format!("{user}:{}:{password}", self.realm));
        let ha2 = md5_hex(&format!("{method}:{uri}"));
        let mut header = format!(
            r#"Digest username="{user}", realm="{}", nonce="{}", uri="{uri}", algorithm=MD5"#,
            self.realm, self.nonce
        );
        if self.qop_auth {
            let nc = format!("{:08x}", self.count);
            let cnonce = md5_hex(&format!("{}:{:?}:{nc}", self.nonce, Instant::now()))[..16].to_owned();
            let response = md5_hex(&format!("{ha1}:{}:{nc}:{cnonce}:auth:{ha2}", self.nonce));
            header.push_str(&format!(
                r#", qop=auth, nc={nc}, cnonce="{cnonce}", response="{response}""#
            ));
        } else {
            let response = md5_hex(&format!("{ha1}:{}:{ha2}", self.nonce));
            header.push_str(&format!(r#", response="{response}""#));
        }
        if let Some(opaque) = &self.opaque {
            header.push_str(&format!(r#", opaque="{opaque}""#));
        }
        header
    }
}

fn md5_hex(text: &str) -> String {
    Md5::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Standard base64 with padding, for Basic authentication.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpListener;

    #[test]
    fn digest_answer_matches_rfc_2617_example() {
        // RFC 2617 section 3.5, with its cnonce fixed by computing the response by hand.
        let challenge = DigestChallenge::parse(
            r#"Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41""#,
        )
        .unwrap();
        assert!(challenge.qop_auth);
        let ha1 = md5_hex("Mufasa:testrealm@host.com:Circle Of Life");
        let ha2 = md5_hex("GET:/dir/index.html");
        let response = md5_hex(&format!(
            "{ha1}:dcd98b7102dd2f0e8b11d0f600bfb0c093:00000001:0a4f113b:auth:{ha2}"
        ));
        assert_eq!(response, "6629fae49393a05397450978507c4ef1");
        let mut challenge = challenge;
        let header = challenge.answer("Mufasa", "Circle Of Life", "GET", "/dir/index.html");
        assert!(header.contains(r#"nc=00000001"#), "{header}");
        assert!(
            header.contains(r#"opaque="5ccc069c403ebaf9f0171e9517f40e41""#),
            "{header}"
        );
        assert!(DigestChallenge::parse(r#"Basic realm="x""#).is_none());
    }

    #[test]
    fn addresses_and_encodings() {
        assert_eq!(
            graph_url("http://h:7878/store", "https://ex.org/doc/a b#x"),
            "http://h:7878/store?graph=https%3A%2F%2Fex.org%2Fdoc%2Fa%20b%23x"
        );
        assert_eq!(
            graph_url("http://h/crud?x=1", "urn:a"),
            "http://h/crud?x=1&graph=urn%3Aa"
        );
        assert_eq!(request_target("http://h:1/a/b?graph=x"), "/a/b?graph=x");
        assert_eq!(request_target("http://h:1"), "/");
        assert_eq!(base64(b"Aladdin:open sesame"), "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
        assert_eq!(base64(b"ab"), "YWI=");
        assert_eq!(
            summarize("<html><h1>403  Forbidden</h1>\n<p>no</p></html>"),
            "403 Forbidden no"
        );
    }

    #[test]
    fn counts_are_read_from_sparql_json() {
        let body = r#"{"head":{"vars":["g","n"]},"results":{"bindings":[
            {"g":{"type":"uri","value":"urn:a"},"n":{"type":"literal","datatype":"http://www.w3.org/2001/XMLSchema#integer","value":"12"}}]}}"#;
        assert_eq!(parse_counts(body).unwrap(), vec![("urn:a".to_owned(), 12)]);
        assert!(parse_counts("<html>").is_err());
    }

    /// A server on loopback that answers the first `failures` requests with 503, then 201.
    fn flaky_server(failures: usize) -> (String, std::thread::JoinHandle<Vec<String>>) {
        let mut statuses = vec![503; failures];
        statuses.push(201);
        let (url, handle) = scripted_server(statuses);
        let lines = std::thread::spawn(move || handle.join().unwrap().into_iter().map(|(line, _)| line).collect());
        (url, lines)
    }

    /// A server on loopback that answers one request with each status in turn, and gives each
    /// request's first line and body.
    fn scripted_server(statuses: Vec<u16>) -> (String, std::thread::JoinHandle<Vec<(String, String)>>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/store", listener.local_addr().unwrap());
        let handle = std::thread::spawn(move || {
            let mut seen = Vec::new();
            // statuses first: zip asks it first, so no connection is awaited after the last
            for (status, stream) in statuses.into_iter().zip(listener.incoming()) {
                let mut stream = stream.unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let mut length = 0;
                loop {
                    let mut header = String::new();
                    reader.read_line(&mut header).unwrap();
                    if header.trim().is_empty() {
                        break;
                    }
                    if let Some(v) = header.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap();
                    }
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                seen.push((line.trim().to_owned(), String::from_utf8(body).unwrap()));
                let reason = if status == 201 {
                    "Created"
                } else {
                    "Service Unavailable"
                };
                write!(
                    stream,
                    "HTTP/1.1 {status} {reason}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                )
                .unwrap();
            }
            seen
        });
        (url, handle)
    }

    #[test]
    fn a_graph_failing_part_way_is_sent_again_from_its_put() {
        let store = Store::memory(crate::rdf::DEFAULT_BASE).unwrap();
        let graph = "http://example.org/graph/doc";
        for i in 0..5 {
            let quad = oxigraph::model::Quad::new(
                oxigraph::model::NamedNode::new_unchecked(format!("http://example.org/s{i}")),
                oxigraph::model::NamedNode::new_unchecked("http://example.org/p"),
                oxigraph::model::Literal::from(i),
                oxigraph::model::NamedNode::new_unchecked(graph),
            );
            store.oxigraph().insert(&quad).unwrap();
        }
        // the graph's second part fails once: the whole graph goes again, PUT first
        let (url, server) = scripted_server(vec![201, 503, 201, 201, 201]);
        let mut options = PushOptions::new(&url);
        options.graph_store = Some(url.clone());
        options.batch_triples = 2;
        let client = Client::new(&options);
        assert_eq!(send_graph(&store, &client, graph, &options).unwrap(), 5);
        let seen = server.join().unwrap();
        let methods: Vec<&str> = seen.iter().map(|(line, _)| line.split(' ').next().unwrap()).collect();
        assert_eq!(methods, ["PUT", "POST", "PUT", "POST", "POST"]);
        let lines = |requests: &[(String, String)]| {
            requests
                .iter()
                .map(|(_, body)| body.lines().count())
                .collect::<Vec<_>>()
        };
        assert_eq!(lines(&seen[2..]), [2, 2, 1], "the second try sends every part");
        assert_eq!(seen[0].1, seen[2].1, "each try reads the graph in the same order");
        assert_eq!(client.retried.load(Ordering::Relaxed), 1);
    }

    #[test]
    fn transient_failures_are_retried_and_counted() {
        let (url, server) = flaky_server(2);
        let client = Client::new(&PushOptions::new(&url));
        client
            .with_retries(&url, || client.send_once("PUT", &url, "application/n-triples", b""))
            .unwrap();
        assert_eq!(client.retried.load(Ordering::Relaxed), 2);
        assert_eq!(server.join().unwrap().len(), 3);
    }

    #[test]
    fn retries_give_up_with_the_reason() {
        let (url, server) = flaky_server(5);
        let mut options = PushOptions::new(&url);
        options.retries = 1;
        let client = Client::new(&options);
        let error = client
            .with_retries(&url, || client.send_once("PUT", &url, "application/n-triples", b""))
            .unwrap_err()
            .to_string();
        assert!(error.contains("HTTP 503") && error.contains("after 2 tries"), "{error}");
        drop(server);
    }
}
