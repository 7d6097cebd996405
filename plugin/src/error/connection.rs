//! Requests that never got an answer from the API server, worded as kubectl words them:
//!
//! * `The connection to the server 127.0.0.1:1 was refused - did you specify the right host or port?`
//! * `Unable to connect to the server: dial tcp: lookup api.example: no such host`
//! * `Unable to connect to the server: tls: failed to verify certificate of 10.0.0.1:6443: x509: certificate signed by unknown authority`
//! * `Unable to connect to the server: 10.0.0.1:6443 did not answer within 1s (--request-timeout)`
//!
//! [`ConnectionError::classify`] is pure: it reads a transport error's source chain (I/O error
//! kinds, rustls certificate errors, hyper's `dns error`), so the client stack can turn whatever
//! hyper returned into one of these before kube wraps it.

use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::time::Duration;

/// Why the API server did not answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cause {
    /// Nothing listens on the port (TCP RST).
    Refused,
    /// No answer (connect, TLS handshake or response headers) within the timeout, if known.
    Timeout(Option<Duration>),
    /// The host name does not resolve.
    NoSuchHost(String),
    /// The server's certificate was not accepted: the x509 reason, kubectl style.
    Certificate(String),
    /// Another TLS failure (handshake, protocol).
    Tls(String),
    /// Anything else (connection reset, ...), as the innermost error says it.
    Other(String),
}

/// A request that got no HTTP answer from the API server `server` (`host:port`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionError {
    /// `host:port` of the API server, as kubectl names it.
    pub server: String,
    /// What went wrong.
    pub cause: Cause,
}

impl fmt::Display for ConnectionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let server = &self.server;
        match &self.cause {
            Cause::Refused => write!(
                f,
                "The connection to the server {server} was refused - did you specify the right host or port?"
            ),
            Cause::Timeout(Some(limit)) => write!(
                f,
                "Unable to connect to the server: {server} did not answer within {} (--request-timeout)",
                format_limit(*limit)
            ),
            Cause::Timeout(None) => write!(
                f,
                "Unable to connect to the server: {server} did not answer in time (--request-timeout sets the limit)"
            ),
            Cause::NoSuchHost(host) => write!(
                f,
                "Unable to connect to the server: dial tcp: lookup {host}: no such host"
            ),
            Cause::Certificate(reason) => write!(
                f,
                "Unable to connect to the server: tls: failed to verify certificate of {server}: {reason}"
            ),
            Cause::Tls(reason) => write!(
                f,
                "Unable to connect to the server: tls: handshake with {server} failed: {reason}"
            ),
            Cause::Other(reason) => {
                write!(f, "Unable to connect to the server: {server}: {reason}")
            }
        }
    }
}

impl StdError for ConnectionError {}

impl ConnectionError {
    /// Classifies a transport error (hyper, hyper-timeout, rustls, DNS) for `url`'s server.
    /// `timeout` is the request timeout in force, for the message.
    pub fn classify(
        url: &http::Uri,
        timeout: Option<Duration>,
        err: &(dyn StdError + 'static),
    ) -> Self {
        ConnectionError {
            server: server_name(url),
            cause: classify_cause(url, timeout, err),
        }
    }

    /// The connection error inside a kube error's chain, if any.
    pub fn find<'a>(err: &'a (dyn StdError + 'static)) -> Option<&'a ConnectionError> {
        chain(err).find_map(|e| e.downcast_ref::<ConnectionError>())
    }
}

/// `host:port` as kubectl shows it (`127.0.0.1:1`; default ports filled in).
pub fn server_name(url: &http::Uri) -> String {
    let host = url.host().unwrap_or("localhost");
    let port = url
        .port_u16()
        .unwrap_or(if url.scheme_str() == Some("http") {
            80
        } else {
            443
        });
    format!("{host}:{port}")
}

fn format_limit(limit: Duration) -> String {
    if limit.subsec_millis() == 0 {
        format!("{}s", limit.as_secs())
    } else {
        format!("{}ms", limit.as_millis())
    }
}

/// Every error in the chain, looking inside `io::Error`s (whose `source()` skips the error they
/// wrap).
fn chain<'a>(
    err: &'a (dyn StdError + 'static),
) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    let mut next = Some(err);
    std::iter::from_fn(move || {
        let current = next?;
        next = match current.downcast_ref::<io::Error>() {
            Some(io) => io.get_ref().map(|inner| inner as &(dyn StdError + 'static)),
            None => current.source(),
        };
        Some(current)
    })
}

fn classify_cause(
    url: &http::Uri,
    timeout: Option<Duration>,
    err: &(dyn StdError + 'static),
) -> Cause {
    let mut innermost = err.to_string();
    for e in chain(err) {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return tls_cause(tls, url);
        }
        if let Some(io) = e.downcast_ref::<io::Error>() {
            match io.kind() {
                io::ErrorKind::ConnectionRefused => return Cause::Refused,
                io::ErrorKind::TimedOut => return Cause::Timeout(timeout),
                _ => {}
            }
        }
        if e.is::<tokio::time::error::Elapsed>() {
            return Cause::Timeout(timeout);
        }
        if e.to_string() == "dns error" {
            return Cause::NoSuchHost(url.host().unwrap_or_default().to_string());
        }
        innermost = e.to_string();
    }
    Cause::Other(innermost)
}

fn tls_cause(err: &rustls::Error, url: &http::Uri) -> Cause {
    use rustls::CertificateError as C;
    let reason = match err {
        rustls::Error::InvalidCertificate(cert) => match cert {
            C::UnknownIssuer => "x509: certificate signed by unknown authority".to_string(),
            C::Expired
            | C::ExpiredContext { .. }
            | C::NotValidYet
            | C::NotValidYetContext { .. } => {
                "x509: certificate has expired or is not yet valid".to_string()
            }
            C::NotValidForName | C::NotValidForNameContext { .. } => format!(
                "x509: certificate is not valid for {}",
                url.host().unwrap_or_default()
            ),
            C::BadSignature => "x509: certificate signature is invalid".to_string(),
            other => {
                // e.g. `Other(OtherError(CaUsedAsEndEntity))`: keep the innermost name.
                let debug = format!("{other:?}");
                let name = debug
                    .trim_end_matches(')')
                    .rsplit('(')
                    .next()
                    .unwrap_or(&debug);
                format!("x509: certificate rejected ({name})")
            }
        },
        other => return Cause::Tls(other.to_string()),
    };
    Cause::Certificate(reason)
}

#[cfg(test)]
#[path = "connection_tests.rs"]
mod tests;
