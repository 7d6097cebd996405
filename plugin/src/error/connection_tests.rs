use super::*;

#[derive(Debug)]
struct Wrapper(&'static str, Box<dyn StdError + Send + Sync>);
impl fmt::Display for Wrapper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}
impl StdError for Wrapper {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.1)
    }
}

fn url() -> http::Uri {
    "https://127.0.0.1:6443".parse().unwrap()
}

fn classify(err: &(dyn StdError + 'static)) -> String {
    ConnectionError::classify(&url(), Some(Duration::from_secs(1)), err).to_string()
}

#[test]
fn refused_reads_like_kubectl() {
    let err = Wrapper(
        "client error (Connect)",
        Box::new(Wrapper(
            "tcp connect error",
            Box::new(io::Error::from(io::ErrorKind::ConnectionRefused)),
        )),
    );
    assert_eq!(
        classify(&err),
        "The connection to the server 127.0.0.1:6443 was refused - did you specify the right host or port?"
    );
}

#[test]
fn an_unknown_certificate_authority_is_named_as_x509() {
    let tls = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
    let err = Wrapper(
        "client error (Connect)",
        Box::new(io::Error::new(io::ErrorKind::InvalidData, tls)),
    );
    assert_eq!(
        classify(&err),
        "Unable to connect to the server: tls: failed to verify certificate of 127.0.0.1:6443: \
             x509: certificate signed by unknown authority"
    );
}

#[test]
fn dns_failures_name_the_host() {
    let url: http::Uri = "https://api.invalid:6443".parse().unwrap();
    let err = Wrapper(
        "dns error",
        Box::new(io::Error::other("failed to lookup address information")),
    );
    assert_eq!(
        ConnectionError::classify(&url, None, &err).to_string(),
        "Unable to connect to the server: dial tcp: lookup api.invalid: no such host"
    );
}

#[test]
fn timeouts_name_the_server_and_the_limit() {
    let err = Wrapper(
        "client error (SendRequest)",
        Box::new(io::Error::from(io::ErrorKind::TimedOut)),
    );
    assert_eq!(
        classify(&err),
        "Unable to connect to the server: 127.0.0.1:6443 did not answer within 1s (--request-timeout)"
    );
}

#[test]
fn other_failures_keep_the_innermost_cause() {
    let err = Wrapper(
        "client error (SendRequest)",
        Box::new(Wrapper(
            "connection closed before message completed",
            Box::new(io::Error::other("reset")),
        )),
    );
    assert_eq!(
        classify(&err),
        "Unable to connect to the server: 127.0.0.1:6443: reset"
    );
}

#[test]
fn default_ports_are_filled_in() {
    assert_eq!(
        server_name(&"https://k8s.example".parse().unwrap()),
        "k8s.example:443"
    );
    assert_eq!(
        server_name(&"http://k8s.example".parse().unwrap()),
        "k8s.example:80"
    );
}
