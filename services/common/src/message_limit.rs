//! Oversized request messages get RESOURCE_EXHAUSTED, as the gRPC status-code guide says
//! ("a message larger than the configured maximum"). tonic refuses a message beyond
//! `max_decoding_message_size` (`GRPC_MAX_MESSAGE_BYTES`) with OUT_OF_RANGE; this layer
//! rewrites exactly that refusal and leaves every other response alone.

use std::{
    future::Future,
    pin::Pin,
    task::{Context, Poll},
};

use tonic::{
    Code, Status,
    codegen::http::{self, HeaderMap, HeaderValue},
};

/// The start of tonic's message for a request message over the limit.
const TOO_LARGE: &str = "Error, decoded message length too large";

/// Rewrites tonic's OUT_OF_RANGE for an oversized request message to RESOURCE_EXHAUSTED
/// (same message, which states the limit).
fn rewrite(headers: &mut HeaderMap) {
    let Some(status) = Status::from_header_map(headers) else {
        return;
    };
    if status.code() == Code::OutOfRange && status.message().starts_with(TOO_LARGE) {
        // Only an unencodable message could fail here; the code is what matters.
        if Status::resource_exhausted(status.message().to_owned())
            .add_header(headers)
            .is_err()
        {
            headers.insert(
                "grpc-status",
                HeaderValue::from(Code::ResourceExhausted as i32),
            );
        }
    }
}

/// Tower layer applying the rewrite to every call of a server.
#[derive(Clone, Copy, Debug, Default)]
pub struct MessageLimitLayer;

impl<S> tower::Layer<S> for MessageLimitLayer {
    type Service = MessageLimit<S>;

    fn layer(&self, inner: S) -> Self::Service {
        MessageLimit { inner }
    }
}

/// The service [`MessageLimitLayer`] wraps around a server.
#[derive(Clone, Debug)]
pub struct MessageLimit<S> {
    inner: S,
}

impl<S, ReqBody, ResBody> tower::Service<http::Request<ReqBody>> for MessageLimit<S>
where
    S: tower::Service<http::Request<ReqBody>, Response = http::Response<ResBody>>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<ReqBody>) -> Self::Future {
        let future = self.inner.call(request);
        Box::pin(async move {
            let mut response = future.await?;
            rewrite(response.headers_mut());
            Ok(response)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(status: Status) -> HeaderMap {
        let mut headers = HeaderMap::new();
        status.add_header(&mut headers).unwrap();
        headers
    }

    #[test]
    fn only_the_oversized_message_refusal_changes() {
        let message = "Error, decoded message length too large: found 300000 bytes, the limit is: 262144 bytes";
        let mut oversized = headers(Status::out_of_range(message));
        rewrite(&mut oversized);
        let rewritten = Status::from_header_map(&oversized).unwrap();
        assert_eq!(rewritten.code(), Code::ResourceExhausted);
        assert_eq!(rewritten.message(), message);

        for status in [
            Status::out_of_range("page 7 is out of range"),
            Status::invalid_argument(TOO_LARGE),
            Status::ok(""),
        ] {
            let mut other = headers(status.clone());
            rewrite(&mut other);
            assert_eq!(
                Status::from_header_map(&other).unwrap().code(),
                status.code()
            );
        }
        let mut none = HeaderMap::new();
        rewrite(&mut none);
        assert!(none.is_empty());
    }
}
