//! The service credential: a shared secret that internal callers present as
//! `authorization: Bearer <SERVICE_TOKEN>`, compared in constant time.

use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tonic::{Request, Status, metadata::MetadataValue, service::Interceptor};

use crate::auth::bearer_token;

/// The shared secret between the session service and the evaluation service.
#[derive(Clone)]
pub struct ServiceCredential {
    secret: SecretString,
    digest: [u8; 32],
}

impl std::fmt::Debug for ServiceCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServiceCredential([redacted])")
    }
}

impl ServiceCredential {
    /// Wraps the configured secret.
    pub fn new(secret: SecretString) -> Self {
        let digest = Sha256::digest(secret.expose_secret().as_bytes()).into();
        Self { secret, digest }
    }

    /// True when `presented` is the secret. Both sides are hashed first, so neither the
    /// content nor the length leaks through timing.
    pub fn matches(&self, presented: &str) -> bool {
        let presented: [u8; 32] = Sha256::digest(presented.as_bytes()).into();
        bool::from(self.digest.ct_eq(&presented))
    }

    /// Adds the credential to an outgoing request.
    pub fn attach<T>(&self, request: &mut Request<T>) -> Result<(), Status> {
        let value = MetadataValue::try_from(format!("Bearer {}", self.secret.expose_secret()))
            .map_err(|_| Status::internal("service credential is not valid metadata"))?;
        request.metadata_mut().insert("authorization", value);
        Ok(())
    }

    /// A server interceptor that lets through only calls carrying the credential.
    pub fn require(self) -> impl Interceptor + Clone {
        move |request: Request<()>| match bearer_token(request.metadata()) {
            Ok(token) if self.matches(token) => Ok(request),
            _ => Err(Status::unauthenticated(
                "this service accepts only the internal service credential",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_only_the_exact_secret() {
        let credential = ServiceCredential::new(SecretString::from("s3cret-value"));
        assert!(credential.matches("s3cret-value"));
        assert!(!credential.matches("s3cret-valuE"));
        assert!(!credential.matches(""));
        assert!(!credential.matches("s3cret-value "));
        assert_eq!(format!("{credential:?}"), "ServiceCredential([redacted])");
    }

    #[test]
    fn interceptor_checks_the_bearer_header() {
        let credential = ServiceCredential::new(SecretString::from("abc"));
        let mut check = credential.clone().require();
        let mut request = Request::new(());
        assert!(check.call(Request::new(())).is_err());
        credential.attach(&mut request).unwrap();
        assert!(check.call(request).is_ok());
        let mut wrong = Request::new(());
        wrong
            .metadata_mut()
            .insert("authorization", MetadataValue::from_static("Bearer abd"));
        assert_eq!(
            check.call(wrong).unwrap_err().code(),
            tonic::Code::Unauthenticated
        );
    }
}
