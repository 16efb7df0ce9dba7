//! `wss://`: TLS over rustls (ring provider), shared safely by the reader thread and writers.
//!
//! One TLS session serves both directions, so it lives behind a mutex that is only held for
//! CPU work (encrypt / decrypt), never across a blocking socket call: writers encrypt into a
//! buffer under the lock and then send the ciphertext (frame order is kept by the frame
//! writer's own lock); the reader receives ciphertext without the lock and decrypts under it.
use parking_lot::Mutex;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{
    ClientConfig, ClientConnection, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use taos_wire::error::codes;
use taos_wire::TaosError;

/// How the server certificate is checked (DSN `tls_mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TlsMode {
    /// Chain to a trusted root and matching host name (default).
    #[default]
    VerifyIdentity,
    /// Chain to a trusted root; the host name is not checked.
    VerifyCa,
    /// No certificate check at all (handshake signatures are still verified).
    Insecure,
}

impl TlsMode {
    /// Parses `verify_identity`, `verify_ca`, `insecure`/`none`/`disabled_verification`.
    pub fn parse(s: &str) -> Option<TlsMode> {
        match s.to_ascii_lowercase().as_str() {
            "verify_identity" | "verify-identity" | "verify_full" => Some(TlsMode::VerifyIdentity),
            "verify_ca" | "verify-ca" => Some(TlsMode::VerifyCa),
            "insecure" | "required" | "none" | "no_verify" => Some(TlsMode::Insecure),
            _ => None,
        }
    }
}

/// TLS settings of one connection.
#[derive(Debug, Clone, Default)]
pub struct TlsOptions {
    /// Certificate checking.
    pub mode: TlsMode,
    /// Extra trusted CA certificates (a PEM file path, or PEM text), added to the built-in
    /// Mozilla roots.
    pub ca_file: Option<String>,
}

fn tls_err(msg: impl Into<String>) -> TaosError {
    TaosError::new(codes::TSDB_CODE_WS_TLS_ERROR, msg)
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Accepts any certificate; handshake signatures are still checked.
#[derive(Debug)]
struct NoCertCheck(Arc<CryptoProvider>);

impl ServerCertVerifier for NoCertCheck {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// Full chain verification, but a name mismatch is accepted.
#[derive(Debug)]
struct ChainOnly(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        use rustls::{CertificateError, Error};
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Err(Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            r => r,
        }
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

fn client_config(opts: &TlsOptions) -> Result<Arc<ClientConfig>, TaosError> {
    let provider = provider();
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| tls_err(format!("TLS setup failed: {e}")))?;
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = &opts.ca_file {
        let certs: Vec<_> = if path.contains("-----BEGIN CERTIFICATE-----") {
            CertificateDer::pem_slice_iter(path.as_bytes()).collect()
        } else {
            CertificateDer::pem_file_iter(path)
                .map_err(|e| tls_err(format!("cannot read TLS CA file {path}: {e}")))?
                .collect()
        };
        if certs.is_empty() {
            return Err(tls_err(format!("no certificate found in TLS CA {path}")));
        }
        for c in certs {
            let c = c.map_err(|e| tls_err(format!("bad certificate in {path}: {e}")))?;
            roots
                .add(c)
                .map_err(|e| tls_err(format!("unusable CA certificate in {path}: {e}")))?;
        }
    }
    let cfg = match opts.mode {
        TlsMode::VerifyIdentity => builder.with_root_certificates(roots).with_no_client_auth(),
        TlsMode::VerifyCa => {
            let inner = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(|e| tls_err(format!("TLS setup failed: {e}")))?;
            builder
                .dangerous()
                .with_custom_certificate_verifier(Arc::new(ChainOnly(inner)))
                .with_no_client_auth()
        }
        TlsMode::Insecure => builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(NoCertCheck(provider)))
            .with_no_client_auth(),
    };
    Ok(Arc::new(cfg))
}

/// Runs the TLS handshake on `tcp` (which carries the connect-time timeouts).
pub fn handshake(
    tcp: &mut TcpStream,
    host: &str,
    opts: &TlsOptions,
) -> Result<ClientConnection, TaosError> {
    let cfg = client_config(opts)?;
    let name = ServerName::try_from(host.to_string())
        .map_err(|e| tls_err(format!("invalid TLS server name {host:?}: {e}")))?;
    let mut sess =
        ClientConnection::new(cfg, name).map_err(|e| tls_err(format!("TLS setup failed: {e}")))?;
    while sess.is_handshaking() {
        sess.complete_io(tcp)
            .map_err(|e| tls_err(format!("TLS handshake with {host} failed: {e}")))?;
    }
    Ok(sess)
}

/// Plaintext I/O over a handshaken session during the HTTP upgrade (single-threaded).
pub struct UpgradeStream<'a> {
    /// The session.
    pub sess: &'a mut ClientConnection,
    /// The socket.
    pub tcp: &'a mut TcpStream,
}

impl Read for UpgradeStream<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        rustls::Stream::new(self.sess, self.tcp).read(buf)
    }
}

impl Write for UpgradeStream<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        rustls::Stream::new(self.sess, self.tcp).write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        rustls::Stream::new(self.sess, self.tcp).flush()
    }
}

/// The shared session.
pub type Session = Arc<Mutex<ClientConnection>>;

/// Writer half: encrypts under the session lock, sends without it.
pub struct TlsWriter {
    /// The session.
    pub sess: Session,
    /// The socket (a clone used for writing only).
    pub tcp: TcpStream,
    /// Reused ciphertext buffer.
    pub out: Vec<u8>,
}

impl Write for TlsWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.out.clear();
        {
            let mut s = self.sess.lock();
            s.writer().write_all(buf)?;
            while s.wants_write() {
                s.write_tls(&mut self.out)?;
            }
        }
        self.tcp.write_all(&self.out)?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        self.tcp.flush()
    }
}

/// Reader half: receives ciphertext from `raw` without the lock, decrypts under it.
pub struct TlsReader<R> {
    /// The session.
    pub sess: Session,
    /// Ciphertext source (the socket, with the reader's timeout handling).
    pub raw: R,
    plain: Vec<u8>,
    pos: usize,
    cipher: Vec<u8>,
    eof: bool,
}

impl<R: Read> TlsReader<R> {
    /// Wraps the session and the ciphertext source.
    pub fn new(sess: Session, raw: R) -> Self {
        TlsReader {
            sess,
            raw,
            plain: Vec::new(),
            pos: 0,
            cipher: vec![0u8; 64 * 1024],
            eof: false,
        }
    }

    /// Moves every decrypted byte out of the session (keeps rustls' buffer from filling).
    fn drain_plain(&mut self, s: &mut ClientConnection) -> io::Result<()> {
        let mut tmp = [0u8; 16 * 1024];
        loop {
            match s.reader().read(&mut tmp) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => self.plain.extend_from_slice(&tmp[..n]),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(()),
                Err(e) => return Err(e),
            }
        }
    }
}

impl<R: Read> TlsReader<R> {
    fn feed(&mut self, sess: &Session, mut rest: &[u8]) -> io::Result<()> {
        let mut s = sess.lock();
        while !rest.is_empty() {
            s.read_tls(&mut rest)?;
            s.process_new_packets()
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
            self.drain_plain(&mut s)?;
        }
        Ok(())
    }
}

impl<R: Read> Read for TlsReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.pos < self.plain.len() {
                let n = buf.len().min(self.plain.len() - self.pos);
                buf[..n].copy_from_slice(&self.plain[self.pos..self.pos + n]);
                self.pos += n;
                if self.pos == self.plain.len() {
                    self.plain.clear();
                    self.pos = 0;
                }
                return Ok(n);
            }
            if self.eof {
                return Ok(0);
            }
            // Plaintext left in the session from the upgrade step comes first.
            let sess = self.sess.clone();
            self.drain_plain(&mut sess.lock())?;
            if self.pos < self.plain.len() || self.eof {
                continue;
            }
            let n = self.raw.read(&mut self.cipher)?;
            if n == 0 {
                return Ok(0);
            }
            let cipher = std::mem::take(&mut self.cipher);
            let r = self.feed(&sess, &cipher[..n]);
            self.cipher = cipher;
            r?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mode_names() {
        assert_eq!(
            TlsMode::parse("verify_identity"),
            Some(TlsMode::VerifyIdentity)
        );
        assert_eq!(TlsMode::parse("VERIFY_CA"), Some(TlsMode::VerifyCa));
        assert_eq!(TlsMode::parse("insecure"), Some(TlsMode::Insecure));
        assert_eq!(TlsMode::parse("maybe"), None);
        assert_eq!(TlsMode::default(), TlsMode::VerifyIdentity);
    }

    #[test]
    fn missing_ca_file_is_a_tls_error() {
        let o = TlsOptions {
            mode: TlsMode::VerifyIdentity,
            ca_file: Some("/nonexistent/ca.pem".into()),
        };
        let e = client_config(&o).unwrap_err();
        assert_eq!(e.code, codes::TSDB_CODE_WS_TLS_ERROR);
        assert!(e.message.contains("/nonexistent/ca.pem"));
    }
}
