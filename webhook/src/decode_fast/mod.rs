//! How the webhook decodes an AdmissionReview body ([`admission_request`]), and its fast path
//! [`fast_request`]: one pass of a strict JSON scanner ([`scan`]) over the body straight into a
//! [`Decoded`] request, keeping what the policy reads (the object's `spec` trimmed by the very same
//! rule as in [`crate::decode::trimmed_review`]), borrowing strings from the body, and
//! building none of kube's types. Members it does not keep are still checked: for their type
//! where kube reads them, as JSON everywhere else.
//!
//! It is stricter than the trimmed decode, never looser: whatever it does not accept (a missing
//! or mistyped field, a wrong apiVersion, an exponent, deep nesting, anything unusual) it hands
//! back as `None`, and the caller then runs the trimmed decode, which either accepts the body
//! after all or words the 400 answer.

use crate::{decode::trimmed_request, decoded::Decoded};

mod object;
mod review;
mod scan;

/// The request of an `admission.k8s.io/v1` AdmissionReview body; `Err` is the message of the
/// 400 answer. The plain well-formed case is decoded in one pass by [`fast_request`]; anything
/// it does not take goes through [`trimmed_request`], which accepts it after all or words the
/// answer. Both yield the same request (the tests hold them to it).
pub fn admission_request<'a>(body: &'a [u8], opt_out_key: &str) -> Result<Decoded<'a>, String> {
    match fast_request(body, opt_out_key) {
        Some(request) => Ok(request),
        None => trimmed_request(body, opt_out_key)
            .map(|request| Decoded::from_request(request, opt_out_key)),
    }
}

/// The request of an `admission.k8s.io/v1` AdmissionReview body, or `None` when the body is not
/// the plain well-formed case (see the module documentation).
pub fn fast_request<'a>(body: &'a [u8], opt_out_key: &str) -> Option<Decoded<'a>> {
    // One UTF-8 check of the whole body (a fast pass over ASCII) instead of one per string.
    let text = std::str::from_utf8(body).ok()?;
    let mut scan = scan::Scan::new(text);
    let request = review::review(&mut scan, opt_out_key)?;
    scan.end()?;
    Some(request)
}

#[cfg(test)]
mod tests;
