//! Signatures for what the desk hands out in emails: unsubscribe links and reply addresses. A
//! signature binds a purpose and its values, so one for "ticket 7, member 3" works for nothing
//! else. Hex, because mail systems may change the case of an address's local part.
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Bytes kept of the HMAC-SHA256: 80 bits, plenty against guessing over the network.
const TAG_BYTES: usize = 10;

#[derive(Clone)]
pub struct Signer {
    key: Vec<u8>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(..)")
    }
}

impl Signer {
    pub fn new(key: &[u8]) -> Signer {
        Signer { key: key.to_vec() }
    }

    fn mac(&self, purpose: &str, value: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("any key length");
        mac.update(purpose.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        mac
    }

    pub fn sign(&self, purpose: &str, value: &str) -> String {
        let tag = self.mac(purpose, value).finalize().into_bytes();
        tag[..TAG_BYTES]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Constant-time check of a signature made by `sign`.
    pub fn verify(&self, purpose: &str, value: &str, signature: &str) -> bool {
        let Some(bytes) = from_hex(&signature.to_ascii_lowercase()) else {
            return false;
        };
        bytes.len() == TAG_BYTES
            && self
                .mac(purpose, value)
                .verify_truncated_left(&bytes)
                .is_ok()
    }
}

fn from_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_fits_only_its_purpose_value_and_key() {
        let s = Signer::new(b"key one");
        let sig = s.sign("reply", "7:3");
        assert_eq!(sig.len(), 2 * TAG_BYTES);
        assert!(s.verify("reply", "7:3", &sig));
        assert!(
            s.verify("reply", "7:3", &sig.to_uppercase()),
            "case changed in transit"
        );
        assert!(!s.verify("reply", "7:4", &sig));
        assert!(!s.verify("unsubscribe", "7:3", &sig));
        assert!(!Signer::new(b"key two").verify("reply", "7:3", &sig));
        assert!(!s.verify("reply", "7:3", &sig[..sig.len() - 2]));
        assert!(!s.verify("reply", "7:3", "zz"));
    }
}
